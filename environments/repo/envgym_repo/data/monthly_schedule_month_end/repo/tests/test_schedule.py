from datetime import date

from billing_dates import add_months, monthly


def test_mid_month():
    assert monthly(date(2023, 11, 15), 3) == [date(2023, 11, 15), date(2023, 12, 15), date(2024, 1, 15)]


def test_add_months_backwards():
    assert add_months(date(2024, 1, 10), -2) == date(2023, 11, 10)
