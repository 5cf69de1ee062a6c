import re
from datetime import datetime, timedelta, timezone

STAMP = re.compile(r"(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)(Z|[+-]\d\d:\d\d)$")


def parse_timestamp(text):
    """An ISO 8601 timestamp with a ``Z`` or ``+HH:MM`` offset, as an aware datetime in UTC."""
    match = STAMP.match(text.strip())
    if not match:
        raise ValueError(f"not a timestamp: {text!r}")
    parts = [int(p) for p in match.groups()[:6]]
    offset = match.group(7)
    local = datetime(*parts, tzinfo=timezone.utc)
    if offset == "Z":
        return local
    sign = -1 if offset[0] == "-" else 1
    return local - sign * timedelta(hours=int(offset[1:3]), minutes=int(offset[4:6]))
