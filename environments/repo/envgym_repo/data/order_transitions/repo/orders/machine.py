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
        return sorted({event for (_, event) in TRANSITIONS})

    def fire(self, event):
        """Apply ``event`` and return the new state."""
        for (_, name), target in TRANSITIONS.items():
            if name == event:
                self.state = target
                self.history.append(target)
                return target
        raise InvalidTransition(f"order {self.order_id}: unknown event {event!r}")
