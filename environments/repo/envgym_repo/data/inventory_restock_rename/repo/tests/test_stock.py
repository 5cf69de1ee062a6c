from stock import Inventory, accept_return, load_csv


def test_import_and_levels():
    inv = load_csv("sku,quantity\nA-1,5\nB-2,3\nA-1,2\n")
    assert inv.level("A-1") == 7 and inv.level("B-2") == 3


def test_returns():
    inv = Inventory()
    assert accept_return(inv, "A", 2) == 2 and accept_return(inv, "A", 5, damaged=True) == 0
    assert inv.level("A") == 2
