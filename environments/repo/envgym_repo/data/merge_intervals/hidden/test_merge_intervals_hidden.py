from spans import merge, total_length


def test_unsorted():
    assert merge([(5, 6), (1, 3), (2, 4)]) == [(1, 4), (5, 6)]


def test_touching():
    assert merge([(1, 2), (2, 3)]) == [(1, 3)]


def test_total_length():
    assert total_length([(4, 8), (0, 2), (1, 5)]) == 8
