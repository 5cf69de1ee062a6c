from observe import observe
from pager import paginate


def test_first_page():
    observe(paginate(list(range(5)), 1, 2))


def test_last_partial_page():
    observe(paginate(list(range(5)), 3, 2))


def test_past_the_end():
    observe(paginate(list(range(5)), 4, 2))
