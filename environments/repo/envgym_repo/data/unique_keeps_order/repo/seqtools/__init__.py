"""seqtools: helpers over sequences."""
from seqtools.core import chunks, unique

__all__ = ["chunks", "unique"]
