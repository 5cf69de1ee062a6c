import pytest
from pager import page_count, paginate


def test_page_count():
    assert page_count(5, 2) == 3
    assert page_count(4, 2) == 2


def test_page_zero_is_an_error():
    with pytest.raises(ValueError):
        paginate([1, 2], 0, 1)
