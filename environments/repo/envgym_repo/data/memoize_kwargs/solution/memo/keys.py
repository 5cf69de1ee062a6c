"""Cache keys for function calls."""


def make_key(args, kwargs):
    """A hashable key that is equal for two calls exactly when their arguments are equal."""
    key = tuple(args)
    if kwargs:
        key += (_MARK, *sorted(kwargs.items()))
    return key


class _Mark:
    def __repr__(self):
        return "<kwargs>"


_MARK = _Mark()
