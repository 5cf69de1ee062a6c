import warnings


class Inventory:
    def __init__(self):
        self._levels = {}

    def restock(self, sku, quantity):
        """Add ``quantity`` units of ``sku``."""
        if quantity <= 0:
            raise ValueError("quantity must be positive")
        self._levels[sku] = self._levels.get(sku, 0) + quantity

    def add_item(self, name, qty):
        """Deprecated: use ``restock``."""
        warnings.warn("Inventory.add_item is deprecated; use Inventory.restock", DeprecationWarning, stacklevel=2)
        self.restock(name, qty)

    def remove(self, sku, quantity):
        have = self._levels.get(sku, 0)
        if quantity > have:
            raise ValueError(f"only {have} of {sku} in stock")
        self._levels[sku] = have - quantity

    def level(self, sku):
        return self._levels.get(sku, 0)
