def unique(items, key=None):
    """The items without repeats, in first-seen order; two items repeat when ``key`` of them is equal
    (``key`` defaults to the item itself)."""
    seen, out = set(), []
    for item in items:
        marker = item if key is None else key(item)
        if marker not in seen:
            seen.add(marker)
            out.append(item)
    return out


def chunks(items, size):
    """``items`` in lists of ``size`` (the last one may be shorter)."""
    if size < 1:
        raise ValueError("size must be at least 1")
    items = list(items)
    return [items[i:i + size] for i in range(0, len(items), size)]
