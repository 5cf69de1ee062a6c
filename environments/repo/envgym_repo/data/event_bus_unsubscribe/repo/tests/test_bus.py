from signals import EventBus


def test_subscribe_and_emit():
    bus, seen = EventBus(), []
    bus.subscribe("saved", lambda doc: seen.append(("a", doc)))
    bus.subscribe("saved", lambda doc: seen.append(("b", doc)))
    assert bus.emit("saved", 1) == 2
    assert seen == [("a", 1), ("b", 1)]


def test_unsubscribe():
    bus, seen = EventBus(), []
    off = bus.subscribe("x", seen.append)
    off()
    assert bus.emit("x", 1) == 0 and seen == []
