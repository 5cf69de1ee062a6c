from calendarx import days_in_month, is_leap


def test_400_rule():
    assert is_leap(2000) and is_leap(1600) and is_leap(2400)


def test_centuries_still_not():
    assert not is_leap(2100) and not is_leap(1900)


def test_february_2000():
    assert days_in_month(2000, 2) == 29
