from units import to_fahrenheit


def test_to_fahrenheit():
    assert to_fahrenheit(100) == 212
