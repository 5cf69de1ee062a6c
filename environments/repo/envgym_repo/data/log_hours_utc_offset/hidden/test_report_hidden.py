from datetime import datetime, timezone

from logstats import first_and_last, parse_timestamp, requests_per_hour


def test_offsets_converted_to_utc():
    assert parse_timestamp("2024-03-01T10:15:00+02:00") == datetime(2024, 3, 1, 8, 15, tzinfo=timezone.utc)
    assert parse_timestamp("2024-03-01T01:30:00-05:30") == datetime(2024, 3, 1, 7, 0, tzinfo=timezone.utc)
    assert parse_timestamp("2024-03-01T00:30:00+01:00").day == 29


def test_hourly_report_mixed_zones():
    lines = ["2024-03-01T10:15:00+02:00 GET / 200", "2024-03-01T08:40:00Z GET / 200",
             "2024-03-01T04:10:00-05:00 GET / 200"]
    assert requests_per_hour(lines) == {"2024-03-01 08:00": 2, "2024-03-01 09:00": 1}


def test_first_and_last_mixed_zones():
    lines = ["2024-03-01T12:00:00+03:00 GET / 200", "2024-03-01T10:00:00Z GET / 200"]
    first, last = first_and_last(lines)
    assert first.hour == 9 and last.hour == 10
