"""Small text statistics."""
from textstats.counts import word_count, char_histogram

__all__ = ["word_count", "char_histogram"]
