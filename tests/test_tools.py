"""Tools: schemas from signatures, call parsing, running calls that never raise, the calculator."""

from __future__ import annotations

import json
import time
from dataclasses import replace
from typing import Literal, Optional

import pytest

from envgym.tools import (
    Tool,
    ToolCall,
    ToolError,
    calculator,
    parse_openai_tool_calls,
    parse_tool_calls,
    run_call,
    run_tool_calls,
    tool,
    tools_prompt,
)
from envgym.tools.builtin import CALC_TIMEOUT_S
from envgym.types import Message


@tool
def arith(a: int, b: int, op: Literal["add", "sub"] = "add") -> int:
    """Add or subtract two integers.

    Not part of the description.

    Args:
        a: The first operand.
        b: The second operand,
            written on two lines.
        op: Which operation.
    """
    return a + b if op == "add" else a - b


@tool(name="echo", timeout_s=2.5)
def echo_words(words: list[str], times: int = 1, sep: Optional[str] = None, loud: bool = False,
               scale: float = 1.0) -> str:
    """Repeat words."""
    text = (sep or " ").join(words * times)
    return text.upper() if loud else text


@tool
def boom(reason: str) -> str:
    """Always fails."""
    raise ValueError(f"bad {reason}")


@tool(timeout_s=0.5)
def slow(seconds: float) -> str:
    """Sleeps."""
    time.sleep(seconds)
    return "done"


@tool
def big() -> list[int]:
    """A long result."""
    return list(range(5000))


TOOLS = [arith, echo_words, boom, slow, big, calculator]


def call(name: str, **arguments) -> str:
    return f"<tool_call>{json.dumps({'name': name, 'arguments': arguments})}</tool_call>"


# ---- schemas --------------------------------------------------------------------------------


def test_schema_from_signature_and_docstring():
    assert arith.name == "arith"
    assert arith.description == "Add or subtract two integers."
    assert arith.parameters == {
        "type": "object",
        "properties": {
            "a": {"type": "integer", "description": "The first operand."},
            "b": {"type": "integer", "description": "The second operand, written on two lines."},
            "op": {"type": "string", "enum": ["add", "sub"], "description": "Which operation."},
        },
        "required": ["a", "b"],
        "additionalProperties": False,
    }
    assert arith.schema() == {"type": "function", "function": {
        "name": "arith", "description": "Add or subtract two integers.", "parameters": arith.parameters}}


def test_schema_containers_optionals_and_decorator_options():
    assert echo_words.name == "echo" and echo_words.timeout_s == 2.5
    assert echo_words.parameters["properties"] == {
        "words": {"type": "array", "items": {"type": "string"}},
        "times": {"type": "integer"},
        "sep": {"type": ["string", "null"]},
        "loud": {"type": "boolean"},
        "scale": {"type": "number"},
    }
    assert echo_words.parameters["required"] == ["words"]

    @tool
    def maybe(xs: list[int], n: int | None, m: dict[str, float]) -> None:
        """Doc."""

    assert maybe.parameters["properties"]["xs"] == {"type": "array", "items": {"type": "integer"}}
    assert maybe.parameters["properties"]["m"] == {"type": "object", "additionalProperties": {"type": "number"}}
    assert maybe.parameters["required"] == ["xs", "m"]  # Optional without a default is still not required
    assert echo_words(["a", "b"], times=2) == "a b a b"  # a Tool stays callable as the function


def no_doc(x: int) -> int:
    return x


def unannotated(x) -> int:
    """Doc."""
    return x


def unsupported(x: complex) -> int:
    """Doc."""
    return 0


def star_args(*xs: int) -> int:
    """Doc."""
    return 0


def mixed_literal(x: Literal["a", 1]) -> int:
    """Doc."""
    return 0


@pytest.mark.parametrize(("fn", "words"), [
    (no_doc, ["no_doc", "docstring"]),
    (unannotated, ["unannotated", "'x'", "annotat"]),
    (unsupported, ["unsupported", "'x'", "complex", "use one of"]),
    (star_args, ["star_args", "'xs'", "*args"]),
    (mixed_literal, ["mixed_literal", "Literal"]),
])
def test_decoration_errors_name_the_function_and_the_fix(fn, words):
    with pytest.raises(TypeError) as info:
        tool(fn)
    for word in words:
        assert word in str(info.value)


# ---- parsing --------------------------------------------------------------------------------


def test_parse_single_and_several_calls():
    assert parse_tool_calls(call("arith", a=1, b=2)) == [ToolCall("arith", {"a": 1, "b": 2})]
    text = (f"Let me compute.\n{call('arith', a=1, b=2)}\nand\n"
            '<tool_call>\n{"name": "echo", "arguments": {"words": ["x"]}, "id": "c7"}\n</tool_call> done')
    assert parse_tool_calls(text) == [ToolCall("arith", {"a": 1, "b": 2}), ToolCall("echo", {"words": ["x"]}, "c7")]
    assert parse_tool_calls("no calls here") == []


def test_parse_arguments_given_as_a_json_string_or_absent():
    text = '<tool_call>{"name": "arith", "arguments": "{\\"a\\": 4, \\"b\\": 5}"}</tool_call>'
    assert parse_tool_calls(text) == [ToolCall("arith", {"a": 4, "b": 5})]
    assert parse_tool_calls('<tool_call>{"name": "big"}</tool_call>') == [ToolCall("big", {})]
    fenced = '<tool_call>\n```json\n{"name": "big", "arguments": {}}\n```\n</tool_call>'
    assert parse_tool_calls(fenced) == [ToolCall("big", {})]


@pytest.mark.parametrize(("text", "words"), [
    ('<tool_call>{"name": "arith", "arguments": {"a": 1,}}</tool_call>', ["not valid JSON", "column"]),
    ('<tool_call>["arith", 1]</tool_call>', ['"name"']),
    ('<tool_call>{"name": "arith", "arguments": "{oops"}</tool_call>', ["arguments of 'arith'", "not valid JSON"]),
    ('<tool_call>{"name": "arith", "arguments": [1, 2]}</tool_call>', ["must be a JSON object", "list"]),
    ('<tool_call>{"name": "arith", "arguments": {"a": 1, "b": 2}}', ["not closed", "</tool_call>"]),
    ("<tool_call>" + "[" * 100_000 + "</tool_call>", ["not valid JSON"]),
])
def test_parse_errors_are_reported_not_raised(text, words):
    [error] = parse_tool_calls(text)
    assert isinstance(error, ToolError)
    assert error.raw.startswith("<tool_call>")
    for word in words:
        assert word in error.message


def test_unclosed_call_before_a_complete_one_is_its_own_attempt():
    text = '<tool_call>{"name": "big"} <tool_call>{"name": "big", "arguments": {}}</tool_call>'
    first, second = parse_tool_calls(text)
    assert isinstance(first, ToolError) and "not closed" in first.message
    assert second == ToolCall("big", {})


def test_parse_openai_tool_calls():
    message = {"role": "assistant", "content": None, "tool_calls": [
        {"id": "call_1", "type": "function", "function": {"name": "arith", "arguments": '{"a": 1, "b": 2}'}},
        {"id": "call_2", "type": "function", "function": {"name": "arith", "arguments": "{broken"}},
        {"id": "call_3", "type": "function"},
    ]}
    good, broken, nameless = parse_openai_tool_calls(message)
    assert good == ToolCall("arith", {"a": 1, "b": 2}, "call_1")
    assert isinstance(broken, ToolError) and (broken.name, broken.id) == ("arith", "call_2")
    assert isinstance(nameless, ToolError) and nameless.id == "call_3" and '"name"' in nameless.message
    assert parse_openai_tool_calls({"role": "assistant", "content": "hi"}) == []
    assert isinstance(parse_openai_tool_calls({"tool_calls": 3})[0], ToolError)


# ---- running --------------------------------------------------------------------------------


def test_run_success_one_message_per_call_in_order():
    text = call("arith", a=2, b=3) + call("echo", words=["hi", "there"], loud=True) + call("arith", a=2, b=3, op="sub")
    assert run_tool_calls(text, TOOLS) == [
        Message("tool", "5", name="arith"), Message("tool", "HI THERE", name="echo"), Message("tool", "-1", name="arith")]
    assert run_tool_calls("I know this one: 5", TOOLS) == []


def test_run_keeps_the_openai_call_id():
    [parsed] = parse_openai_tool_calls({"tool_calls": [
        {"id": "call_9", "type": "function", "function": {"name": "arith", "arguments": '{"a": 1, "b": 1}'}}]})
    assert run_call(parsed, {t.name: t for t in TOOLS}) == Message("tool", "2", name="arith", tool_call_id="call_9")


@pytest.mark.parametrize(("text", "words"), [
    (call("nope", x=1), ["unknown tool 'nope'", "arith", "echo", "calculator"]),
    (call("arith", a=1), ["missing required argument 'b'", "integer"]),
    (call("arith", a=1, b=2, c=3), ["unexpected argument 'c'", "a, b, op"]),
    (call("arith", a="1", b=2), ["argument 'a' must be integer", "got string"]),
    (call("arith", a=True, b=2), ["argument 'a' must be integer", "got boolean"]),
    (call("arith", a=1.5, b=2), ["argument 'a' must be integer", "got number"]),
    (call("arith", a=1, b=2, op="mul"), ["argument 'op' must be one of ['add', 'sub']", "'mul'"]),
    (call("echo", words=["a", 2]), ["argument 'words' item 1 must be string", "got integer"]),
    (call("echo", words="a"), ["argument 'words' must be array of string"]),
    (call("boom", reason="luck"), ["'boom' raised ValueError: bad luck"]),
    ('<tool_call>{"name": "arith", "arguments": {"a": 1</tool_call>', ["not valid JSON"]),
    ('<tool_call>{"name": "arith"', ["not closed"]),
])
def test_run_errors_become_tool_messages(text, words):
    [message] = run_tool_calls(text, TOOLS)
    assert message.role == "tool" and message.content.startswith("Error: ")
    assert "Traceback" not in message.content
    for word in words:
        assert word in message.content


def test_run_error_in_the_middle_keeps_the_others():
    text = call("arith", a=1, b=1) + call("boom", reason="x") + call("arith", a=2, b=2)
    contents = [m.content for m in run_tool_calls(text, TOOLS)]
    assert contents[0] == "2" and contents[1].startswith("Error:") and contents[2] == "4"


def test_slow_tool_times_out_within_its_bound():
    start = time.monotonic()
    [message] = run_tool_calls(call("slow", seconds=10), TOOLS)
    assert time.monotonic() - start < slow.timeout_s + 1
    assert message.content == "Error: tool 'slow' timed out after 0.5 s"
    assert run_tool_calls(call("slow", seconds=0.01), TOOLS)[0].content == "done"


def test_long_results_are_json_and_truncated():
    [message] = run_tool_calls(call("big"), TOOLS)
    assert message.content.startswith("[0, 1, 2, ")
    assert message.content.endswith("[truncated: showing 2000 of 28890 characters]")
    assert len(run_tool_calls(call("big"), TOOLS, max_chars=50_000)[0].content) == 28890


def test_tool_collection_must_be_consistent():
    assert run_tool_calls(call("arith", a=1, b=1), {"arith": arith})[0].content == "2"
    with pytest.raises(ValueError, match="dataclasses.replace"):
        run_tool_calls("", {"add": arith})
    with pytest.raises(ValueError, match="two tools are named 'arith'"):
        run_tool_calls("", [arith, replace(echo_words, name="arith")])
    with pytest.raises(TypeError, match="@envgym.tools.tool"):
        run_tool_calls("", [no_doc])


def test_tools_prompt_lists_schemas_and_the_call_format():
    prompt = tools_prompt([arith, calculator])
    inside = prompt.split("<tools>\n")[1].split("\n</tools>")[0]
    assert [json.loads(line) for line in inside.splitlines()] == [arith.schema(), calculator.schema()]
    assert '<tool_call>\n{"name": <function-name>, "arguments": <args-json-object>}\n</tool_call>' in prompt


# ---- the calculator -------------------------------------------------------------------------


@pytest.mark.parametrize(("expression", "expected"), [
    ("2+3*4", "14"),
    ("1/3+1/6", "1/2"),
    ("sqrt(16)", "4"),
    ("0.1 + 0.2", "3/10"),
    ("2^10", "1024"),
    ("2**-2", "1/4"),
    ("5!", "120"),
    ("7 % 3", "1"),
    ("sin(pi/6)", "1/2"),
    ("log(8, 2)", "3"),
    ("2(3+4)", "14"),
    ("sqrt(8)", "2*sqrt(2) ≈ 2.82842712474619"),
    ("pi", "pi ≈ 3.14159265358979"),
    ("expand((x+1)^2)", "x**2 + 2*x + 1"),
    ("sin(x)^2 + cos(x)^2", "1"),
    ("2**10000 / 2**9999", "2"),
    ("2**100000", "9.99002093014385E+30102 (the exact value has about 30104 digits)"),
])
def test_calculator_values(expression, expected):
    assert calculator(expression) == expected


def test_calculator_through_a_tool_call():
    assert run_tool_calls(call("calculator", expression="1/3+1/6"), [calculator]) == [
        Message("tool", "1/2", name="calculator")]


@pytest.mark.parametrize(("expression", "words", "limit_s"), [
    ("__import__('os')", ["unexpected character '_'"], 1.0),
    ("().__class__", ["unexpected character '.'"], 1.0),
    ("x.real", ["unexpected character '.'"], 1.0),
    ("open('f')", ["unexpected character"], 1.0),
    ("eval(1)", ["unknown function 'eval'"], 1.0),
    ("lambda", ["'lambda' cannot be used"], 1.0),
    ("Symbol", ["'Symbol' cannot be used"], 1.0),
    ("1+" * 5000 + "1", ["10001 characters long", "limit is 1000"], 1.0),
    ("", ["empty"], 1.0),
    ("(" * 300 + "1" + ")" * 300, ["cannot evaluate"], CALC_TIMEOUT_S + 3),
    ("2+", ["cannot evaluate", "SyntaxError"], CALC_TIMEOUT_S + 3),
    ("1/0", ["undefined"], CALC_TIMEOUT_S + 3),
    ("9**9**9**9", [f"did not finish within {CALC_TIMEOUT_S:g} s"], CALC_TIMEOUT_S + 3),
    ("10^10^10!", ["did not finish"], CALC_TIMEOUT_S + 3),
])
def test_calculator_hostile_input_is_an_error_text_in_bounded_time(expression, words, limit_s):
    start = time.monotonic()
    result = calculator(expression)
    assert time.monotonic() - start < limit_s
    assert result.startswith("Error: ")
    for word in words:
        assert word in result


def test_calculator_rejects_a_non_string_directly_and_through_a_call():
    assert calculator(42).startswith("Error: the expression must be a string")
    [message] = run_tool_calls(call("calculator", expression=42), [calculator])
    assert "argument 'expression' must be string" in message.content


def test_a_tool_that_bounds_its_own_output_is_cut_at_its_bound_not_the_callers():
    wide = replace(big, max_result_chars=30_000)
    [message] = run_tool_calls(call("big"), [wide])
    assert len(message.content) == 28890 and "truncated" not in message.content
    narrow = replace(wide, max_result_chars=100)
    [message] = run_tool_calls(call("big"), [narrow], max_chars=50_000)
    assert message.content.endswith("[truncated: showing 100 of 28890 characters]")
