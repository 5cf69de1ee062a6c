"""Checks /app/totals.csv against sums computed here from the original sales."""

import csv
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

SALES = """north,120.50 south,80.00 east,310.25 north,99.99 west,45.10 south,210.40 east,12.75
north,300.01 west,500.00 south,19.60 east,77.00 north,0.50""".split()


def expected():
    totals = defaultdict(Decimal)
    for item in SALES:
        region, amount = item.split(",")
        totals[region] += Decimal(amount)
    return sorted(totals.items(), key=lambda kv: -kv[1])


def test_totals_file_has_every_region_in_order():
    rows = list(csv.reader(Path("/app/totals.csv").read_text().splitlines()))
    assert rows[0] == ["region", "total"]
    assert rows[1:] == [[region, f"{total:.2f}"] for region, total in expected()]


def test_sales_file_unchanged():
    lines = Path("/app/sales.csv").read_text().splitlines()
    assert lines[0] == "date,region,amount" and len(lines) == 13
