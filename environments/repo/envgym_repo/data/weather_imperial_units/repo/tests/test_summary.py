from weather import Reading, daily_summary, format_reading

DAY = [Reading(6, -1.4, 12.0), Reading(12, 8.6, 30.2), Reading(18, 4.0, 18.0)]


def test_metric_summary():
    assert daily_summary(DAY) == "low -1°C, high 9°C, wind up to 30 km/h"


def test_format_reading():
    assert format_reading(DAY[0]) == "06:00 -1°C, wind 12 km/h"
