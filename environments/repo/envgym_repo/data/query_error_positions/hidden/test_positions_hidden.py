import pytest
from minq import ParseError, compile_query


def test_position_in_message_and_attributes():
    with pytest.raises(ParseError) as info:
        compile_query('age > 30 and\nname = = "bob"')
    assert str(info.value) == "line 2, column 8: unexpected '='"
    assert (info.value.line, info.value.column) == (2, 8)


def test_unknown_character_position():
    with pytest.raises(ParseError) as info:
        compile_query('  age >= 3 & x = 1')
    assert str(info.value).startswith("line 1, column 12: ") and "'&'" in str(info.value)


def test_end_of_query_position():
    with pytest.raises(ParseError) as info:
        compile_query("age >\n")
    assert (info.value.line, info.value.column) == (2, 1)
    assert "end of the query" in str(info.value)
    assert compile_query('x = "a b"\n or y = 2')({"y": 2.0})
