"""Unit conversions and labels."""


def c_to_f(celsius):
    return celsius * 9 / 5 + 32


def kmh_to_mph(kmh):
    return kmh / 1.609344


def temperature(celsius):
    """A temperature for display: rounded, with its unit."""
    return f"{round(celsius)}°C"


def speed(kmh):
    return f"{round(kmh)} km/h"
