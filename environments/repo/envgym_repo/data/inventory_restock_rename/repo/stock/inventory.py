class Inventory:
    def __init__(self):
        self._levels = {}

    def add_item(self, name, qty):
        """Add ``qty`` units of the item ``name``."""
        if qty <= 0:
            raise ValueError("quantity must be positive")
        self._levels[name] = self._levels.get(name, 0) + qty

    def remove(self, sku, quantity):
        have = self._levels.get(sku, 0)
        if quantity > have:
            raise ValueError(f"only {have} of {sku} in stock")
        self._levels[sku] = have - quantity

    def level(self, sku):
        return self._levels.get(sku, 0)
