def parse_pointer(pointer):
    """The reference tokens of ``pointer``: ``""`` -> [], ``"/a/0"`` -> ["a", "0"]."""
    if pointer == "":
        return []
    if not pointer.startswith("/"):
        raise ValueError(f"a JSON pointer starts with '/': {pointer!r}")
    return pointer[1:].split("/")


def _step(node, token, pointer):
    if isinstance(node, list):
        if not token.isdigit() or (len(token) > 1 and token[0] == "0"):
            raise KeyError(f"{pointer}: {token!r} is not a list index")
        index = int(token)
        if index >= len(node):
            raise KeyError(f"{pointer}: index {index} is past the end of the list")
        return node[index]
    if isinstance(node, dict):
        if token not in node:
            raise KeyError(f"{pointer}: no key {token!r}")
        return node[token]
    raise KeyError(f"{pointer}: cannot step into a {type(node).__name__}")


def resolve(doc, pointer):
    """The value ``pointer`` refers to in ``doc``."""
    node = doc
    for token in parse_pointer(pointer):
        node = _step(node, token, pointer)
    return node
