import pytest
from stats import mean, median, summary


def test_mean():
    assert mean([1, 2, 3]) == 2


def test_median_odd():
    assert median([5, 1, 3]) == 3


def test_empty():
    with pytest.raises(ValueError):
        median([])


def test_summary_keys():
    assert set(summary([1, 2, 3])) == {"count", "mean", "median", "min", "max"}
