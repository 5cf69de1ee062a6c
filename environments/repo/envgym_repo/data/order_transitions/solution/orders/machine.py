from orders.table import FINAL, START, TRANSITIONS


class InvalidTransition(Exception):
    """An event the order's current state does not allow."""


class Order:
    def __init__(self, order_id):
        self.order_id = order_id
        self.state = START
        self.history = [START]

    @property
    def closed(self):
        return self.state in FINAL

    def allowed(self):
        """The events the order accepts now, sorted."""
        return sorted(event for (state, event) in TRANSITIONS if state == self.state)

    def fire(self, event):
        """Apply ``event`` and return the new state."""
        target = TRANSITIONS.get((self.state, event))
        if target is None:
            raise InvalidTransition(f"order {self.order_id}: {event!r} is not allowed in state {self.state!r}")
        self.state = target
        self.history.append(target)
        return target
