"""Amounts of money as whole cents (ints), so sums are exact."""

from decimal import ROUND_HALF_UP, Decimal


def to_cents(amount):
    """``amount`` (a number or a decimal string, in euros) rounded to whole cents."""
    return int((Decimal(str(amount)) * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def format_amount(cents):
    sign = "-" if cents < 0 else ""
    cents = abs(cents)
    return f"{sign}{cents // 100}.{cents % 100:02d}"
