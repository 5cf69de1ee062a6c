def to_celsius(fahrenheit):
    """Degrees Celsius for ``fahrenheit``."""
    return fahrenheit - 32 * 5 / 9


def to_fahrenheit(celsius):
    """Degrees Fahrenheit for ``celsius``."""
    return celsius * 9 / 5 + 32
