from signals.registry import Registry


class EventBus:
    def __init__(self):
        self._registry = Registry()

    def subscribe(self, event, handler):
        """Call ``handler(*args)`` on every ``emit(event, *args)``; returns a function that unsubscribes it."""
        self._registry.add(event, handler)
        return lambda: self._registry.remove(event, handler)

    def once(self, event, handler):
        """Like ``subscribe``, but the handler runs on the next emit only."""
        def run_once(*args):
            off()
            handler(*args)

        off = self.subscribe(event, run_once)
        return off

    def emit(self, event, *args):
        """Call the event's handlers in subscription order; returns how many ran."""
        count = 0
        for handler in list(self._registry.handlers(event)):
            handler(*args)
            count += 1
        return count
