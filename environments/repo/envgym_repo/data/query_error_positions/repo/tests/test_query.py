import pytest
from minq import ParseError, compile_query

ROWS = [{"name": "bob", "age": 42}, {"name": "amy", "age": 25}]


def test_filters():
    assert [r["name"] for r in ROWS if compile_query('age > 30 or name = "amy"')(r)] == ["bob", "amy"]
    assert [r["name"] for r in ROWS if compile_query('age > 30 and name = "amy"')(r)] == []


def test_errors_raise():
    with pytest.raises(ParseError):
        compile_query("age >")
