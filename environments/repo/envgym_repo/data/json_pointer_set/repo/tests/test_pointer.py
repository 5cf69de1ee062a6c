import pytest
from jptr import parse_pointer, resolve

DOC = {"users": [{"name": "ada"}, {"name": "bob"}], "count": 2}


def test_resolve():
    assert resolve(DOC, "/users/1/name") == "bob"
    assert resolve(DOC, "") is DOC


def test_missing():
    with pytest.raises(KeyError):
        resolve(DOC, "/users/5")
    with pytest.raises(ValueError):
        parse_pointer("users")
