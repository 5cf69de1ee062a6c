from seqtools import chunks, unique


def test_unique_drops_repeats():
    assert sorted(unique([3, 1, 3, 2, 1])) == [1, 2, 3]


def test_chunks():
    assert chunks(range(5), 2) == [[0, 1], [2, 3], [4]]
