def format_duration(seconds):
    """Whole seconds as ``M:SS``, or ``H:MM:SS`` from one hour up."""
    if seconds < 0:
        raise ValueError("a duration cannot be negative")
    seconds = int(seconds)
    hours = seconds // 3600
    minutes = seconds // 60
    secs = seconds % 60
    if hours:
        return f"{hours}:{minutes:02d}:{secs:02d}"
    return f"{minutes}:{secs:02d}"


def parse_duration(text):
    """The inverse of ``format_duration``: ``"1:02:05"`` -> 3725."""
    total = 0
    for part in text.split(":"):
        total = total * 60 + int(part)
    return total
