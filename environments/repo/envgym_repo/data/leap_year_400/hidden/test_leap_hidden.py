from observe import observe
from calendarx import days_in_month, is_leap


def test_400_rule():
    observe([is_leap(y) for y in (2000, 1600, 2400)])


def test_centuries_still_not():
    observe([is_leap(y) for y in (2100, 1900)])


def test_february_2000():
    observe(days_in_month(2000, 2))
