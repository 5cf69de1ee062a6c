from datetime import date

from billing_dates import add_months, monthly


def test_clamps_to_month_end():
    assert add_months(date(2023, 1, 31), 1) == date(2023, 2, 28)
    assert add_months(date(2024, 1, 30), 1) == date(2024, 2, 29)
    assert add_months(date(2024, 3, 31), -1) == date(2024, 2, 29)


def test_schedule_returns_to_original_day():
    assert monthly(date(2023, 1, 31), 4) == [date(2023, 1, 31), date(2023, 2, 28), date(2023, 3, 31), date(2023, 4, 30)]


def test_schedule_over_year_end_from_29th():
    got = monthly(date(2023, 12, 29), 4)
    assert got == [date(2023, 12, 29), date(2024, 1, 29), date(2024, 2, 29), date(2024, 3, 29)]
    assert monthly(date(2022, 12, 29), 3)[2] == date(2023, 2, 28)
