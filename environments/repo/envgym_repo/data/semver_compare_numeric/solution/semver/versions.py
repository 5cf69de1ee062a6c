import functools
import itertools


def _parts(version):
    return [int(p) for p in version.split(".")]


def compare(a, b):
    """-1, 0 or 1 as version ``a`` is older than, equal to or newer than ``b``."""
    for x, y in itertools.zip_longest(_parts(a), _parts(b), fillvalue=0):
        if x != y:
            return -1 if x < y else 1
    return 0


def latest(versions):
    """The newest of ``versions``."""
    if not versions:
        raise ValueError("no versions")
    return max(versions, key=functools.cmp_to_key(compare))
