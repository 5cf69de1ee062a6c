"""jptr: JSON Pointers (RFC 6901) over parsed JSON documents."""
from jptr.pointer import parse_pointer, resolve, set_value

__all__ = ["parse_pointer", "resolve", "set_value"]
