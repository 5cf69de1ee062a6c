"""units."""
from units.temperature import to_celsius, to_fahrenheit

__all__ = ['to_celsius', 'to_fahrenheit']
