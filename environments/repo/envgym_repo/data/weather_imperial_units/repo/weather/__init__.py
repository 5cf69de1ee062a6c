"""weather: summaries of weather-station readings (stored in °C and km/h)."""
from weather.readings import Reading
from weather.summary import daily_summary, format_reading

__all__ = ["Reading", "daily_summary", "format_reading"]
