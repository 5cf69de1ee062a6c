"""appconf: the application's settings from defaults and a `key = value` file."""
from appconf.loader import load
from appconf.schema import DEFAULTS

__all__ = ["DEFAULTS", "load"]
