import functools


def compare(a, b):
    """-1, 0 or 1 as version ``a`` is older than, equal to or newer than ``b``."""
    if a == b:
        return 0
    return -1 if a < b else 1


def latest(versions):
    """The newest of ``versions``."""
    if not versions:
        raise ValueError("no versions")
    return max(versions, key=functools.cmp_to_key(compare))
