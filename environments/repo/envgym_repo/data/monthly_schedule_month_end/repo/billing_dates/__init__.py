"""billing_dates: billing calendars for subscriptions."""
from billing_dates.months import add_months
from billing_dates.schedule import monthly

__all__ = ["add_months", "monthly"]
