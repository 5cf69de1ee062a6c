ELLIPSIS = "..."


def truncate(text, width):
    """``text`` cut to at most ``width`` characters, ending in an ellipsis when it was cut."""
    if width < len(ELLIPSIS):
        raise ValueError(f"width must be at least {len(ELLIPSIS)}")
    if len(text) <= width:
        return text
    return text[:width] + ELLIPSIS


def pad(text, width, align="left"):
    """``text`` truncated to ``width`` and padded with spaces to exactly ``width``."""
    text = truncate(text, width)
    if align == "right":
        return text.rjust(width)
    if align == "center":
        return text.center(width)
    return text.ljust(width)
