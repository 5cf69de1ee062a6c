"""The workflow: (state, event) -> next state. A pair that is not listed is not allowed."""

START = "new"

TRANSITIONS = {
    ("new", "pay"): "paid",
    ("new", "cancel"): "cancelled",
    ("paid", "ship"): "shipped",
    ("paid", "cancel"): "cancelled",
    ("paid", "refund"): "refunded",
    ("shipped", "deliver"): "delivered",
    ("shipped", "return"): "returned",
    ("returned", "refund"): "refunded",
}

FINAL = {"cancelled", "delivered", "refunded"}
