from datetime import date

from observe import observe
from billing_dates import add_months, monthly


def iso(days):
    return [d.isoformat() for d in days]


def test_clamps_to_month_end():
    observe(iso([add_months(date(2023, 1, 31), 1), add_months(date(2024, 1, 30), 1), add_months(date(2024, 3, 31), -1)]))


def test_schedule_returns_to_original_day():
    observe(iso(monthly(date(2023, 1, 31), 4)))


def test_schedule_over_year_end_from_29th():
    observe(iso(monthly(date(2023, 12, 29), 4)))
    observe(monthly(date(2022, 12, 29), 3)[2].isoformat())
