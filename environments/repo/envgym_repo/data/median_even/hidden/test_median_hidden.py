from stats import median, summary


def test_even_count_averages_middle_pair():
    assert median([1, 2, 3, 4]) == 2.5
    assert median([10, 2]) == 6


def test_even_count_unsorted_input():
    assert median([4, 1, 3, 2, 100, -5]) == 2.5


def test_summary_uses_median():
    assert summary([1, 2, 3, 4])["median"] == 2.5
    assert summary([7])["median"] == 7
