from observe import observe
from memo import make_key, memoize


def test_keyword_values_distinguish_calls():
    @memoize
    def price(item, discount=0):
        return 100 - discount

    observe([price("tea", discount=10), price("tea", discount=50), price("tea")])


def test_keyword_order_does_not_matter():
    calls = []

    @memoize
    def f(a=0, b=0):
        calls.append((a, b))
        return a - b

    observe([f(a=1, b=2), f(b=2, a=1)])
    observe(calls)
    observe(tuple(f.cache_info()))


def test_make_key_distinguishes_names_and_positions():
    observe(make_key((1,), {"x": 2}) != make_key((1,), {"y": 2}))
    observe(make_key((1, 2), {}) != make_key((1,), {"b": 2}))
    observe(make_key((), {"a": 1, "b": 2}) == make_key((), {"b": 2, "a": 1}))
    observe(isinstance(hash(make_key((1,), {"x": (2, 3)})), int))  # hashable
