def parse(text):
    """``{section: {key: value}}`` from INI text; keys before any section go under ``"DEFAULT"``."""
    sections = {"DEFAULT": {}}
    current = sections["DEFAULT"]
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith(";"):
            continue
        if line.startswith("[") and line.endswith("]"):
            name = line[1:-1].strip()
            if not name:
                raise ValueError(f"line {number}: empty section name")
            current = sections.setdefault(name, {})
            continue
        key, sep, value = line.partition("=")
        if not sep or not key.strip():
            raise ValueError(f"line {number}: expected key = value")
        current[key.strip().lower()] = value.lstrip()
    return sections
