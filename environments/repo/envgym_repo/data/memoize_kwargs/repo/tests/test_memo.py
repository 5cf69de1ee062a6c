from memo import memoize


def test_positional_calls_cached():
    calls = []

    @memoize
    def square(x):
        calls.append(x)
        return x * x

    assert square(3) == 9 and square(3) == 9 and square(4) == 16
    assert calls == [3, 4]
    assert square.cache_info() == (1, 2, 2)


def test_maxsize():
    @memoize(maxsize=2)
    def ident(x):
        return x

    for x in (1, 2, 3):
        ident(x)
    assert ident.cache_info()[2] == 2
