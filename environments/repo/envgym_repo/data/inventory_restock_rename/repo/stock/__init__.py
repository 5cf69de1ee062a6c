"""stock: a small warehouse inventory."""
from stock.importer import load_csv
from stock.inventory import Inventory
from stock.returns import accept_return

__all__ = ["Inventory", "accept_return", "load_csv"]
