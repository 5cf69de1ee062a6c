import csv
import io

from stock.inventory import Inventory


def load_csv(text, inventory=None):
    """Stock levels from CSV text with columns ``sku,quantity``; returns the inventory."""
    inventory = inventory if inventory is not None else Inventory()
    for row in csv.DictReader(io.StringIO(text)):
        inventory.restock(row["sku"].strip(), int(row["quantity"]))
    return inventory
