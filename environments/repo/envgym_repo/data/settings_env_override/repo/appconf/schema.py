"""The settings, their defaults, and converting text to a setting's type."""

DEFAULTS = {"host": "127.0.0.1", "port": 8000, "debug": False, "workers": 2, "timeout": 30.0}


def convert(key, text):
    """``text`` as the type of the setting ``key``'s default."""
    kind = type(DEFAULTS[key])
    try:
        return kind(text.strip())
    except ValueError:
        raise ValueError(f"setting {key!r}: {text!r} is not a valid {kind.__name__}") from None
