import re
from datetime import datetime, timezone

STAMP = re.compile(r"(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)(Z|[+-]\d\d:\d\d)$")


def parse_timestamp(text):
    """An ISO 8601 timestamp with a ``Z`` or ``+HH:MM`` offset, as an aware datetime in UTC."""
    match = STAMP.match(text.strip())
    if not match:
        raise ValueError(f"not a timestamp: {text!r}")
    parts = [int(p) for p in match.groups()[:6]]
    return datetime(*parts, tzinfo=timezone.utc)
