import pytest
from weather import Reading, daily_summary, format_reading

DAY = [Reading(6, -1.4, 12.0), Reading(12, 8.6, 30.2), Reading(18, 4.0, 18.0)]


def test_imperial_summary():
    assert daily_summary(DAY, units="imperial") == "low 29°F, high 47°F, wind up to 19 mph"
    assert daily_summary(DAY, units="metric") == daily_summary(DAY)


def test_imperial_reading():
    assert format_reading(Reading(15, 30.0, 100.0), units="imperial") == "15:00 86°F, wind 62 mph"


def test_unknown_units():
    with pytest.raises(ValueError, match="kelvin"):
        daily_summary(DAY, units="kelvin")
    with pytest.raises(ValueError):
        format_reading(DAY[0], units="Imperial ")
