from observe import observe, observe_raises
from jptr import parse_pointer, resolve, set_value


def test_escapes_decoded_in_order():
    doc = {"a/b": 1, "m~n": 2, "~1": 3}
    observe(resolve(doc, "/a~1b"))
    observe(resolve(doc, "/m~0n"))
    observe(parse_pointer("/~01"))
    observe(resolve(doc, "/~01"))


def test_set_value_dicts_and_lists():
    doc = {"users": [{"name": "ada"}], "tags": {}}
    set_value(doc, "/users/0/name", "Ada")
    set_value(doc, "/users/-", {"name": "bob"})
    set_value(doc, "/tags/a~1b", True)
    observe(doc)


def test_set_value_errors():
    doc = {"users": []}
    observe_raises(lambda: set_value(doc, "/missing/x", 1))
    observe_raises(lambda: set_value(doc, "/users/3", 1))
    observe_raises(lambda: set_value(doc, "", 1))
