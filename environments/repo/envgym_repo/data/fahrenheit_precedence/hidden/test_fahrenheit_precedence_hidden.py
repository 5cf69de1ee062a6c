import pytest
from units import to_celsius, to_fahrenheit


def test_boiling():
    assert to_celsius(212) == pytest.approx(100)


def test_round_trip():
    assert to_celsius(to_fahrenheit(37.5)) == pytest.approx(37.5)
