"""billing: invoices with per-line rounding to the cent."""
from billing.invoice import Invoice
from billing.money import format_amount, to_cents

__all__ = ["Invoice", "format_amount", "to_cents"]
