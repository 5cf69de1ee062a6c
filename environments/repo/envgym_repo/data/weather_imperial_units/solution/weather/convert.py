"""Unit conversions and labels."""


def c_to_f(celsius):
    return celsius * 9 / 5 + 32


def kmh_to_mph(kmh):
    return kmh / 1.609344


UNITS = ("metric", "imperial")


def check_units(units):
    if units not in UNITS:
        raise ValueError(f"unknown units {units!r}; choose one of {UNITS}")
    return units


def temperature(celsius, units="metric"):
    """A temperature for display: rounded, with its unit."""
    if check_units(units) == "imperial":
        return f"{round(c_to_f(celsius))}°F"
    return f"{round(celsius)}°C"


def speed(kmh, units="metric"):
    if check_units(units) == "imperial":
        return f"{round(kmh_to_mph(kmh))} mph"
    return f"{round(kmh)} km/h"
