import operator

from minq.lexer import position, tokenize

OPS = {"=": operator.eq, "!=": operator.ne, "<": operator.lt, ">": operator.gt, "<=": operator.le, ">=": operator.ge}


class ParseError(ValueError):
    def __init__(self, message, line, column):
        super().__init__(f"line {line}, column {column}: {message}")
        self.line, self.column = line, column


def compile_query(text):
    """A predicate over dicts. ``and`` binds tighter than ``or``."""
    tokens = tokenize(text)
    pos = 0

    def fail(message):
        where = (tokens[pos].line, tokens[pos].column) if pos < len(tokens) else position(text, len(text))
        raise ParseError(message, *where)

    def take(kind):
        nonlocal pos
        if pos >= len(tokens):
            fail(f"expected {kind}, got the end of the query")
        token = tokens[pos]
        if token.kind == "other":
            fail(f"unknown character {token.text!r}")
        if token.kind not in kind.split("|"):
            fail(f"unexpected {token.text!r}")
        pos += 1
        return token

    def comparison():
        field = take("name").text
        op = OPS[take("op").text]
        token = take("number|string")
        value = float(token.text) if token.kind == "number" else token.text[1:-1]
        return lambda row: field in row and op(row[field], value)

    def joined(word, part):
        preds = [part()]
        while pos < len(tokens) and tokens[pos][:2] == ("name", word):
            take("name")
            preds.append(part())
        return preds[0] if len(preds) == 1 else (lambda row: (all if word == "and" else any)(p(row) for p in preds))

    predicate = joined("or", lambda: joined("and", comparison))
    if pos < len(tokens):
        fail(f"unexpected {tokens[pos].text!r}")
    return predicate
