from memo import make_key, memoize


def test_keyword_values_distinguish_calls():
    @memoize
    def price(item, discount=0):
        return 100 - discount

    assert price("tea", discount=10) == 90
    assert price("tea", discount=50) == 50
    assert price("tea") == 100


def test_keyword_order_does_not_matter():
    calls = []

    @memoize
    def f(a=0, b=0):
        calls.append((a, b))
        return a - b

    assert f(a=1, b=2) == -1 and f(b=2, a=1) == -1
    assert calls == [(1, 2)]
    assert f.cache_info() == (1, 1, 1)


def test_make_key_distinguishes_names_and_positions():
    assert make_key((1,), {"x": 2}) != make_key((1,), {"y": 2})
    assert make_key((1, 2), {}) != make_key((1,), {"b": 2})
    assert make_key((), {"a": 1, "b": 2}) == make_key((), {"b": 2, "a": 1})
    hash(make_key((1,), {"x": (2, 3)}))
