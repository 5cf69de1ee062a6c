from observe import observe
from spans import merge, total_length


def test_unsorted():
    observe(merge([(5, 6), (1, 3), (2, 4)]))


def test_touching():
    observe(merge([(1, 2), (2, 3)]))


def test_total_length():
    observe(total_length([(4, 8), (0, 2), (1, 5)]))
