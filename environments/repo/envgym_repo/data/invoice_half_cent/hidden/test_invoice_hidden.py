from billing import Invoice, to_cents


def test_half_cent_rounds_up_per_line():
    inv = Invoice("1")
    inv.add("a", 3, "0.675")
    assert inv.total() == 203
    one = Invoice("2")
    one.add("b", 1, "0.125")
    assert one.total() == 13 and one.render().splitlines()[-1].endswith("0.13")


def test_to_cents_exact_half_up():
    assert to_cents("0.125") == 13
    assert to_cents("2.675") == 268
    assert to_cents("1.005") == 101
    assert to_cents("-0.125") == -13


def test_other_amounts_unchanged():
    assert to_cents("19.99") == 1999 and to_cents(3) == 300 and to_cents("0.124") == 12
