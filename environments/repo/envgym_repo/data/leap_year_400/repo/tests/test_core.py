import pytest
from calendarx import days_in_month, is_leap


def test_ordinary_years():
    assert is_leap(2024) and not is_leap(2023)


def test_century():
    assert not is_leap(1900)


def test_month_range():
    with pytest.raises(ValueError):
        days_in_month(2024, 13)
