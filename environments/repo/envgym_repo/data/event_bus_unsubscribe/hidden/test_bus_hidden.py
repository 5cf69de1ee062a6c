from observe import observe
from signals import EventBus


def test_unsubscribing_during_emit_skips_nobody():
    bus, seen = EventBus(), []

    def first():
        seen.append(1)
        off()

    off = bus.subscribe("saved", first)
    bus.subscribe("saved", lambda: seen.append(2))
    bus.subscribe("saved", lambda: seen.append(3))
    observe(bus.emit("saved"))
    observe(seen)
    observe(bus.emit("saved"))
    observe(seen)


def test_once_runs_once():
    bus, seen = EventBus(), []
    bus.once("ready", seen.append)
    bus.subscribe("ready", lambda x: seen.append(x * 10))
    bus.emit("ready", 1)
    bus.emit("ready", 2)
    observe(seen)


def test_once_can_be_cancelled_and_handlers_added_during_emit_wait():
    bus, seen = EventBus(), []
    cancel = bus.once("e", lambda: seen.append("once"))
    cancel()
    bus.subscribe("e", lambda: bus.subscribe("e", lambda: seen.append("late")))
    observe(bus.emit("e"))
    observe(seen)
    bus.emit("e")
    observe(seen)
