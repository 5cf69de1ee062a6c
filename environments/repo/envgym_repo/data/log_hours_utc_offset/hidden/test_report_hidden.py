from observe import observe
from logstats import first_and_last, parse_timestamp, requests_per_hour


def test_offsets_converted_to_utc():
    for stamp in ("2024-03-01T10:15:00+02:00", "2024-03-01T01:30:00-05:30", "2024-03-01T00:30:00+01:00"):
        observe(parse_timestamp(stamp).timestamp())  # the instant
        observe(parse_timestamp(stamp).utcoffset().total_seconds())  # in UTC


def test_hourly_report_mixed_zones():
    lines = ["2024-03-01T10:15:00+02:00 GET / 200", "2024-03-01T08:40:00Z GET / 200",
             "2024-03-01T04:10:00-05:00 GET / 200"]
    observe(requests_per_hour(lines))


def test_first_and_last_mixed_zones():
    lines = ["2024-03-01T12:00:00+03:00 GET / 200", "2024-03-01T10:00:00Z GET / 200"]
    first, last = first_and_last(lines)
    observe([first.hour, last.hour])
