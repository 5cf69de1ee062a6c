"""stopwatch: time laps and print them."""
from stopwatch.durations import format_duration, parse_duration

__all__ = ["format_duration", "parse_duration"]
