from cachekit import LRUCache


def test_capacity_kept():
    cache = LRUCache(2)
    for k in "abc":
        cache.put(k, k)
    assert len(cache) == 2
