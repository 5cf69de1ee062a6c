from stopwatch import format_duration, parse_duration


def test_under_an_hour():
    assert format_duration(65) == "1:05"
    assert format_duration(0) == "0:00"


def test_parse():
    assert parse_duration("1:02:05") == 3725
