import pytest
from orders import InvalidTransition, Order


def test_cannot_ship_unpaid():
    order = Order("B1")
    with pytest.raises(InvalidTransition):
        order.fire("ship")
    assert order.state == "new" and order.history == ["new"]


def test_final_states_accept_nothing():
    order = Order("B2")
    order.fire("pay"); order.fire("ship"); order.fire("deliver")
    for event in ("cancel", "refund", "pay"):
        with pytest.raises(InvalidTransition):
            order.fire(event)
    assert order.history == ["new", "paid", "shipped", "delivered"]


def test_same_event_depends_on_state():
    paid = Order("B3"); paid.fire("pay")
    assert paid.fire("refund") == "refunded"
    returned = Order("B4")
    for e in ("pay", "ship", "return"):
        returned.fire(e)
    assert returned.allowed() == ["refund"]
    assert Order("B5").allowed() == ["cancel", "pay"]
