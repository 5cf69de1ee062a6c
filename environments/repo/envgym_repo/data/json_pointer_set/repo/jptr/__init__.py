"""jptr: JSON Pointers (RFC 6901) over parsed JSON documents."""
from jptr.pointer import parse_pointer, resolve

__all__ = ["parse_pointer", "resolve"]
