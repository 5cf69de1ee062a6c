from weather.convert import speed, temperature


def format_reading(reading):
    return f"{reading.hour:02d}:00 {temperature(reading.temp_c)}, wind {speed(reading.wind_kmh)}"


def daily_summary(readings):
    """One line: the low, the high and the strongest wind of the day."""
    if not readings:
        raise ValueError("no readings")
    low = min(r.temp_c for r in readings)
    high = max(r.temp_c for r in readings)
    wind = max(r.wind_kmh for r in readings)
    return f"low {temperature(low)}, high {temperature(high)}, wind up to {speed(wind)}"
