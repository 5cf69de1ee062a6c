"""orders: the life cycle of a shop order as a small state machine."""
from orders.machine import InvalidTransition, Order
from orders.table import START, TRANSITIONS

__all__ = ["InvalidTransition", "Order", "START", "TRANSITIONS"]
