class Registry:
    """Handlers per event name, in subscription order."""

    def __init__(self):
        self._handlers = {}

    def add(self, event, handler):
        self._handlers.setdefault(event, []).append(handler)

    def remove(self, event, handler):
        handlers = self._handlers.get(event, [])
        if handler in handlers:
            handlers.remove(handler)

    def handlers(self, event):
        """The handlers of ``event`` (the registry's own list)."""
        return self._handlers.get(event, [])
