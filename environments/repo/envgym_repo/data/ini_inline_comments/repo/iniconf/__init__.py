"""iniconf: read INI-style configuration text into nested dicts."""
from iniconf.reader import parse

__all__ = ["parse"]
