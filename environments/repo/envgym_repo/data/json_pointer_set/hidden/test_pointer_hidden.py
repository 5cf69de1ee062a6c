import pytest
from jptr import parse_pointer, resolve, set_value


def test_escapes_decoded_in_order():
    doc = {"a/b": 1, "m~n": 2, "~1": 3}
    assert resolve(doc, "/a~1b") == 1 and resolve(doc, "/m~0n") == 2
    assert parse_pointer("/~01") == ["~1"] and resolve(doc, "/~01") == 3


def test_set_value_dicts_and_lists():
    doc = {"users": [{"name": "ada"}], "tags": {}}
    set_value(doc, "/users/0/name", "Ada")
    set_value(doc, "/users/-", {"name": "bob"})
    set_value(doc, "/tags/a~1b", True)
    assert doc == {"users": [{"name": "Ada"}, {"name": "bob"}], "tags": {"a/b": True}}


def test_set_value_errors():
    doc = {"users": []}
    with pytest.raises(KeyError):
        set_value(doc, "/missing/x", 1)
    with pytest.raises(KeyError):
        set_value(doc, "/users/3", 1)
    with pytest.raises(ValueError):
        set_value(doc, "", 1)
