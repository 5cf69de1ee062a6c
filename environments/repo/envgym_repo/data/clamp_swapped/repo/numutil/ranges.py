def clamp(value, low, high):
    """``value`` limited to the closed range [low, high]."""
    if low > high:
        raise ValueError("low must not exceed high")
    return min(low, max(high, value))
