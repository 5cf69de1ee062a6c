from appconf.schema import DEFAULTS, convert


def parse_lines(text):
    """``{key: raw text}`` from ``key = value`` lines; ``#`` starts a comment line."""
    values = {}
    for number, line in enumerate(text.splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        key, sep, value = line.partition("=")
        key = key.strip().lower()
        if not sep:
            raise ValueError(f"line {number}: expected key = value")
        if key not in DEFAULTS:
            raise ValueError(f"line {number}: unknown setting {key!r}")
        values[key] = value.strip()
    return values


def load(text=""):
    """The settings: the defaults, overridden by the file's values."""
    settings = dict(DEFAULTS)
    for key, raw in parse_lines(text).items():
        settings[key] = convert(key, raw)
    return settings
