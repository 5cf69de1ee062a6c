from weather.convert import speed, temperature


def format_reading(reading, units="metric"):
    return f"{reading.hour:02d}:00 {temperature(reading.temp_c, units)}, wind {speed(reading.wind_kmh, units)}"


def daily_summary(readings, units="metric"):
    """One line: the low, the high and the strongest wind of the day."""
    if not readings:
        raise ValueError("no readings")
    low = min(r.temp_c for r in readings)
    high = max(r.temp_c for r in readings)
    wind = max(r.wind_kmh for r in readings)
    return f"low {temperature(low, units)}, high {temperature(high, units)}, wind up to {speed(wind, units)}"
