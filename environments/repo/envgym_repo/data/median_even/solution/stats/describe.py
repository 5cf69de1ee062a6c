def mean(values):
    values = list(values)
    if not values:
        raise ValueError("mean of no values")
    return sum(values) / len(values)


def median(values):
    ordered = sorted(values)
    if not ordered:
        raise ValueError("median of no values")
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return (ordered[middle - 1] + ordered[middle]) / 2


def summary(values):
    """Count, mean, median, min and max of ``values``, as a dict."""
    values = list(values)
    return {"count": len(values), "mean": mean(values), "median": median(values),
            "min": min(values), "max": max(values)}
