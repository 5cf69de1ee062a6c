import pytest
from orders import InvalidTransition, Order


def test_happy_path():
    order = Order("A1")
    for event in ("pay", "ship", "deliver"):
        order.fire(event)
    assert order.state == "delivered" and order.closed
    assert order.history == ["new", "paid", "shipped", "delivered"]


def test_unknown_event():
    with pytest.raises(InvalidTransition):
        Order("A2").fire("teleport")
