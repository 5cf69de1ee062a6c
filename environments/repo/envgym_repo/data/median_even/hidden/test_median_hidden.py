from observe import observe
from stats import median, summary


def test_even_count_averages_middle_pair():
    observe(median([1, 2, 3, 4]))
    observe(median([10, 2]))


def test_even_count_unsorted_input():
    observe(median([4, 1, 3, 2, 100, -5]))


def test_summary_uses_median():
    observe(summary([1, 2, 3, 4])["median"])
    observe(summary([7])["median"])
