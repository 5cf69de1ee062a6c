"""memo: a memoizing decorator with hit/miss counters and an optional size bound."""
from memo.decorator import memoize
from memo.keys import make_key

__all__ = ["make_key", "memoize"]
