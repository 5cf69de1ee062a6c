"""Amounts of money as whole cents (ints), so sums are exact."""


def to_cents(amount):
    """``amount`` (a number or a decimal string, in euros) rounded to whole cents."""
    return int(round(float(amount) * 100))


def format_amount(cents):
    sign = "-" if cents < 0 else ""
    cents = abs(cents)
    return f"{sign}{cents // 100}.{cents % 100:02d}"
