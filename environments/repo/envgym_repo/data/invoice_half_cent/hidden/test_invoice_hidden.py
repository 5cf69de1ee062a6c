from observe import observe
from billing import Invoice, to_cents


def test_half_cent_rounds_up_per_line():
    inv = Invoice("1")
    inv.add("a", 3, "0.675")
    observe(inv.total())
    one = Invoice("2")
    one.add("b", 1, "0.125")
    observe(one.total())
    observe(one.render().splitlines()[-1].endswith("0.13"))


def test_to_cents_exact_half_up():
    observe([to_cents(a) for a in ("0.125", "2.675", "1.005", "-0.125")])


def test_other_amounts_unchanged():
    observe([to_cents("19.99"), to_cents(3), to_cents("0.124")])
