from observe import observe, observe_raises
from weather import Reading, daily_summary, format_reading

DAY = [Reading(6, -1.4, 12.0), Reading(12, 8.6, 30.2), Reading(18, 4.0, 18.0)]


def test_imperial_summary():
    observe(daily_summary(DAY, units="imperial"))
    observe([daily_summary(DAY, units="metric"), daily_summary(DAY)])


def test_imperial_reading():
    observe(format_reading(Reading(15, 30.0, 100.0), units="imperial"))


def test_unknown_units():
    observe_raises(lambda: daily_summary(DAY, units="kelvin"), match="kelvin")
    observe_raises(lambda: format_reading(DAY[0], units="Imperial "))
