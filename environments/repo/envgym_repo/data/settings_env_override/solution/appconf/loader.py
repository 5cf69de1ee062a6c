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


ENV_PREFIX = "APP_"


def load(text="", env=None):
    """The settings: the defaults, overridden by the file's values, overridden by ``env``'s
    ``APP_<KEY>`` variables (others are ignored)."""
    raw = parse_lines(text)
    for name, value in (env or {}).items():
        key = name[len(ENV_PREFIX):].lower() if name.startswith(ENV_PREFIX) else None
        if key in DEFAULTS:
            raw[key] = value
    settings = dict(DEFAULTS)
    for key, value in raw.items():
        settings[key] = convert(key, value)
    return settings
