import warnings

from observe import observe, observe_raises
from stock import Inventory, accept_return, load_csv


def test_restock_as_documented():
    inv = Inventory()
    inv.restock("A-1", 4)
    inv.restock(sku="A-1", quantity=1)
    observe(inv.level("A-1"))
    observe_raises(lambda: inv.restock("A-1", 0))


def test_add_item_still_works_but_warns():
    inv = Inventory()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        inv.add_item("B", 2)
    observe(any(issubclass(w.category, DeprecationWarning) and "restock" in str(w.message) for w in caught))
    observe(inv.level("B"))


def test_package_callers_use_new_name():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        inv = load_csv("sku,quantity\nA,1\n")
        accept_return(inv, "A", 2)
    observe(inv.level("A"))
