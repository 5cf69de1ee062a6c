from observe import observe, observe_raises
from orders import Order


def test_cannot_ship_unpaid():
    order = Order("B1")
    observe_raises(lambda: order.fire("ship"))
    observe([order.state, order.history])


def test_final_states_accept_nothing():
    order = Order("B2")
    order.fire("pay"); order.fire("ship"); order.fire("deliver")
    for event in ("cancel", "refund", "pay"):
        observe_raises(lambda: order.fire(event))
    observe(order.history)


def test_same_event_depends_on_state():
    paid = Order("B3"); paid.fire("pay")
    observe(paid.fire("refund"))
    returned = Order("B4")
    for e in ("pay", "ship", "return"):
        returned.fire(e)
    observe(returned.allowed())
    observe(Order("B5").allowed())
