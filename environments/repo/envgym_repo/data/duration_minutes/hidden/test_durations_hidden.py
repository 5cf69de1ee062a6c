from stopwatch import format_duration, parse_duration


def test_hours_minutes_seconds():
    assert format_duration(3725) == "1:02:05"
    assert format_duration(3600) == "1:00:00"


def test_many_hours():
    assert format_duration(36000 + 59 * 60 + 59) == "10:59:59"


def test_round_trip():
    for s in (59, 61, 3599, 3601, 7322, 86399):
        assert parse_duration(format_duration(s)) == s
