from observe import observe, observe_raises
from minq import compile_query


def test_position_in_message_and_attributes():
    error = observe_raises(lambda: compile_query('age > 30 and\nname = = "bob"'))
    observe(str(error))
    observe([error.line, error.column])


def test_unknown_character_position():
    error = observe_raises(lambda: compile_query('  age >= 3 & x = 1'))
    observe(str(error).startswith("line 1, column 12: "))
    observe("'&'" in str(error))


def test_end_of_query_position():
    error = observe_raises(lambda: compile_query("age >\n"))
    observe([error.line, error.column])
    observe("end of the query" in str(error))
    observe(compile_query('x = "a b"\n or y = 2')({"y": 2.0}))
