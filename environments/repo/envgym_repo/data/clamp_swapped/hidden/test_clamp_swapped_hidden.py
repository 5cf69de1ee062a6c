from observe import observe
from numutil import clamp


def test_above():
    observe(clamp(15, 0, 10))


def test_below():
    observe(clamp(-5, 0, 10))


def test_inside():
    observe(clamp(3, 0, 10))
