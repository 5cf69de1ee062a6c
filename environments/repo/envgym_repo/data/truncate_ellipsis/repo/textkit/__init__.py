"""textkit: small helpers for fitting text into fixed-width output."""
from textkit.fit import pad, truncate

__all__ = ["pad", "truncate"]
