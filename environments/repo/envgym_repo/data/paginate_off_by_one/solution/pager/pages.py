def page_count(total, size):
    """How many pages of ``size`` items hold ``total`` items."""
    if size <= 0:
        raise ValueError("size must be positive")
    return -(-total // size)


def paginate(items, page, size):
    """The items on ``page`` (1-based) when pages hold ``size`` items; [] past the end."""
    if page < 1:
        raise ValueError("pages start at 1")
    start = (page - 1) * size
    return list(items[start:start + size])
