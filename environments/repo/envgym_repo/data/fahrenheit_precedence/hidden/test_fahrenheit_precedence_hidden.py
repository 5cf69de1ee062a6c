from observe import observe
from units import to_celsius, to_fahrenheit


def test_boiling():
    observe(to_celsius(212))  # floats are compared to 10 significant digits


def test_round_trip():
    observe(to_celsius(to_fahrenheit(37.5)))
