import warnings

import pytest
from stock import Inventory, accept_return, load_csv


def test_restock_as_documented():
    inv = Inventory()
    inv.restock("A-1", 4)
    inv.restock(sku="A-1", quantity=1)
    assert inv.level("A-1") == 5
    with pytest.raises(ValueError):
        inv.restock("A-1", 0)


def test_add_item_still_works_but_warns():
    inv = Inventory()
    with pytest.warns(DeprecationWarning, match="restock"):
        inv.add_item("B", 2)
    assert inv.level("B") == 2


def test_package_callers_use_new_name():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        inv = load_csv("sku,quantity\nA,1\n")
        accept_return(inv, "A", 2)
    assert inv.level("A") == 3
