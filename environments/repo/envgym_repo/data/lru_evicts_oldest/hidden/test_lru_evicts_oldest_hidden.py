from observe import observe
from cachekit import LRUCache


def test_evicts_least_recently_written():
    cache = LRUCache(2)
    cache.put("a", 1)
    cache.put("b", 2)
    cache.put("c", 3)
    observe([k in cache for k in "abc"])


def test_read_refreshes():
    cache = LRUCache(2)
    cache.put("a", 1)
    cache.put("b", 2)
    observe(cache.get("a"))
    cache.put("c", 3)
    observe([k in cache for k in "ab"])


def test_overwrite_refreshes():
    cache = LRUCache(2)
    cache.put("a", 1)
    cache.put("b", 2)
    cache.put("a", 10)
    cache.put("c", 3)
    observe(cache.get("a"))
    observe("b" in cache)
