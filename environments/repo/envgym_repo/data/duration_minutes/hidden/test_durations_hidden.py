from observe import observe
from stopwatch import format_duration, parse_duration


def test_hours_minutes_seconds():
    observe(format_duration(3725))
    observe(format_duration(3600))


def test_many_hours():
    observe(format_duration(36000 + 59 * 60 + 59))


def test_round_trip():
    for s in (59, 61, 3599, 3601, 7322, 86399):
        text = format_duration(s)
        observe(text)
        observe(parse_duration(text))
