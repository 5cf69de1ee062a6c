from pager import paginate


def test_first_page():
    assert paginate(list(range(5)), 1, 2) == [0, 1]


def test_last_partial_page():
    assert paginate(list(range(5)), 3, 2) == [4]


def test_past_the_end():
    assert paginate(list(range(5)), 4, 2) == []
