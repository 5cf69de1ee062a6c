"""Checks /app/stats.py's median on odd, even, unsorted and repeated values."""

import importlib.util

import pytest


def load():
    spec = importlib.util.spec_from_file_location("task_stats", "/app/stats.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("values, expected", [([3, 1, 2], 2), ([4, 1, 3, 2], 2.5), ([5], 5), ([2, 2, 1, 9, 7], 2),
                                              ([10, -4, 0.5, 3, 3, 8], 3), ([1.5, 0.5], 1.0)])
def test_median(values, expected):
    copy = list(values)
    assert load().median(values) == expected
    assert values == copy


def test_empty_raises():
    with pytest.raises(ValueError):
        load().median([])


def test_mean_kept():
    assert load().mean([1, 2, 3, 4]) == 2.5
