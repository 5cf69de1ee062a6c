from collections import Counter

from logstats.timestamps import parse_timestamp


def _stamps(lines):
    for line in lines:
        line = line.strip()
        if line and not line.startswith("#"):
            yield parse_timestamp(line.split()[0])


def requests_per_hour(lines):
    """{"YYYY-MM-DD HH:00": requests} per UTC hour, in time order."""
    counts = Counter(s.strftime("%Y-%m-%d %H:00") for s in _stamps(lines))
    return dict(sorted(counts.items()))


def first_and_last(lines):
    """The earliest and latest request times (UTC datetimes)."""
    stamps = sorted(_stamps(lines))
    if not stamps:
        raise ValueError("no requests")
    return stamps[0], stamps[-1]
