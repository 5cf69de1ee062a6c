from billing_dates.months import add_months


def monthly(start, count):
    """The first ``count`` billing dates of a monthly subscription starting on ``start``."""
    return [add_months(start, n) for n in range(count)]
