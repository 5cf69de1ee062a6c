from billing.money import format_amount, to_cents


class Invoice:
    def __init__(self, number):
        self.number = number
        self.lines = []

    def add(self, description, quantity, unit_price):
        """Add a line; ``unit_price`` in euros (a string like "0.675" keeps it exact)."""
        if quantity <= 0:
            raise ValueError("quantity must be positive")
        from decimal import Decimal
        amount = Decimal(str(quantity)) * Decimal(str(unit_price))
        self.lines.append((description, quantity, to_cents(amount)))

    def total(self):
        """The total in cents: the sum of the lines, each already rounded."""
        return sum(cents for _, _, cents in self.lines)

    def render(self):
        rows = [f"Invoice {self.number}"]
        rows += [f"{d:<20}{q:>5} {format_amount(c):>10}" for d, q, c in self.lines]
        rows.append(f"{'Total':<26}{format_amount(self.total()):>10}")
        return "\n".join(rows)
