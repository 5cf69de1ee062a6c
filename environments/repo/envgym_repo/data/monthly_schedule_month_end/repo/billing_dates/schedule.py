from billing_dates.months import add_months


def monthly(start, count):
    """The first ``count`` billing dates of a monthly subscription starting on ``start``."""
    dates = [start]
    while len(dates) < count:
        dates.append(add_months(dates[-1], 1))
    return dates[:count]
