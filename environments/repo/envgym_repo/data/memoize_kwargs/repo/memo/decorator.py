import functools
from collections import OrderedDict

from memo.keys import make_key


def memoize(func=None, *, maxsize=None):
    """Cache ``func``'s results by argument; ``maxsize`` bounds the cache (oldest entry dropped).

    The wrapped function has ``cache_info()`` -> (hits, misses, size) and ``cache_clear()``."""
    if func is None:
        return lambda f: memoize(f, maxsize=maxsize)
    cache = OrderedDict()
    stats = {"hits": 0, "misses": 0}

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        key = make_key(args, kwargs)
        if key in cache:
            stats["hits"] += 1
            return cache[key]
        stats["misses"] += 1
        value = func(*args, **kwargs)
        cache[key] = value
        if maxsize is not None and len(cache) > maxsize:
            cache.popitem(last=False)
        return value

    wrapper.cache_info = lambda: (stats["hits"], stats["misses"], len(cache))
    wrapper.cache_clear = lambda: (cache.clear(), stats.update(hits=0, misses=0))
    return wrapper
