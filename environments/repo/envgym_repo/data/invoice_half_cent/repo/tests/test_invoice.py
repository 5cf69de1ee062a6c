from billing import Invoice, format_amount


def test_simple_total():
    inv = Invoice("2024-1")
    inv.add("tea", 2, "1.50")
    inv.add("cake", 1, "3.20")
    assert inv.total() == 620
    assert inv.render().splitlines()[-1].endswith("6.20")


def test_format_amount():
    assert format_amount(5) == "0.05" and format_amount(-1234) == "-12.34"
