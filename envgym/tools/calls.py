"""Finding tool calls in a model's output, running them, and telling the model how to make them.

Two call formats are read:
- Hermes / Qwen text, ``<tool_call>{"name": ..., "arguments": {...}}</tool_call>``, any number of
  them in one completion; it is what the chat templates of Qwen2.5/3, Hermes and many others
  write, and what ``tools_prompt`` asks for;
- the ``tool_calls`` entries of an OpenAI assistant message (``parse_openai_tool_calls``).

Running never raises on model output: every call attempt, well-formed or not, becomes one tool
message, holding either the result or an error the model can act on (broken JSON, an unknown
tool, bad arguments, an exception in the tool, a timeout).

The time bound: a tool runs in a daemon thread and the caller stops waiting after the tool's
``timeout_s``. A thread cannot be killed, so an overrunning tool keeps running in the background
until it returns. Tools that do open-ended work must bound themselves in a killable process, as
``calculator`` does through ``envgym.verify.bounded`` (and a code tool through its sandbox).
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from envgym.tools.base import Tool, check_arguments
from envgym.types import Message

MAX_RESULT_CHARS = 2000

Tools = Mapping[str, Tool] | Sequence[Tool]

_CALL = re.compile(r"<tool_call>(.*?)(</tool_call>|(?=<tool_call>)|\Z)", re.DOTALL)
_FENCE = re.compile(r"^```(?:json)?\s*(.*?)\s*```$", re.DOTALL)


@dataclass(frozen=True)
class ToolCall:
    """A well-formed call: the tool's name, its arguments, and its id when the format has one."""

    name: str
    arguments: Mapping[str, Any]
    id: str | None = None


@dataclass(frozen=True)
class ToolError:
    """A call attempt that cannot be run as written: its raw text and what is wrong with it.

    name and id are set when they could be read, so the error message answers the right call.
    """

    raw: str
    message: str
    name: str | None = None
    id: str | None = None


# ---- parsing -----------------------------------------------------------------------------


def parse_tool_calls(text: str) -> list[ToolCall | ToolError]:
    """Every ``<tool_call>...</tool_call>`` in ``text``, in order; an unclosed one is an error.

    >>> parse_tool_calls('<tool_call>{"name": "f", "arguments": {"x": 1}}</tool_call>')
    [ToolCall(name='f', arguments={'x': 1}, id=None)]
    """
    calls: list[ToolCall | ToolError] = []
    for match in _CALL.finditer(text):
        body, raw = match.group(1), match.group(0)
        if not match.group(2):
            calls.append(ToolError(raw, "the <tool_call> is not closed: end each call with </tool_call>"))
            continue
        fenced = _FENCE.match(body.strip())
        calls.append(_read_payload(fenced.group(1) if fenced else body, raw))
    return calls


def parse_openai_tool_calls(message: Mapping[str, Any]) -> list[ToolCall | ToolError]:
    """The ``tool_calls`` of an OpenAI assistant message (a dict), whose arguments are JSON strings."""
    entries = message.get("tool_calls") or []
    if not isinstance(entries, list):
        return [ToolError(to_text(entries), "tool_calls must be a list of calls")]
    calls: list[ToolCall | ToolError] = []
    for entry in entries:
        raw = to_text(entry)
        entry = entry if isinstance(entry, Mapping) else {}
        call_id = entry.get("id") if isinstance(entry.get("id"), str) else None
        function = entry.get("function")
        if not isinstance(function, Mapping) or not isinstance(function.get("name"), str):
            calls.append(ToolError(raw, 'a tool call needs a "function" with a "name" string', None, call_id))
        else:
            calls.append(_make_call(function["name"], function.get("arguments"), raw, call_id))
    return calls


def _read_payload(body: str, raw: str) -> ToolCall | ToolError:
    try:
        payload = json.loads(body)
    except json.JSONDecodeError as exc:
        return ToolError(raw, f"the tool call is not valid JSON ({exc.msg} at line {exc.lineno} column {exc.colno})")
    except (ValueError, RecursionError):
        return ToolError(raw, "the tool call is not valid JSON")
    if not isinstance(payload, dict) or not isinstance(payload.get("name"), str):
        return ToolError(raw, 'a tool call must be a JSON object with a "name" string and an "arguments" object')
    arguments = payload.get("arguments", payload.get("parameters"))  # some models write "parameters"
    return _make_call(payload["name"], arguments, raw, payload.get("id") if isinstance(payload.get("id"), str) else None)


def _make_call(name: str, arguments: Any, raw: str, call_id: str | None) -> ToolCall | ToolError:
    """One call from its parts; arguments may be an object, a JSON string of one, or absent."""
    if isinstance(arguments, str):
        try:
            arguments = json.loads(arguments) if arguments.strip() else {}
        except (ValueError, RecursionError) as exc:
            return ToolError(raw, f"the arguments of {name!r} are not valid JSON ({exc})", name, call_id)
    if arguments is None:
        arguments = {}
    if not isinstance(arguments, dict):
        return ToolError(raw, f"the arguments of {name!r} must be a JSON object mapping parameter names to values, "
                              f"got {type(arguments).__name__}", name, call_id)
    return ToolCall(name, arguments, call_id)


# ---- running -----------------------------------------------------------------------------


def run_tool_calls(text: str, tools: Tools, *, max_chars: int = MAX_RESULT_CHARS) -> list[Message]:
    """One tool message per call attempt in ``text``, in order; [] when there is none. Never raises on model output.

    max_chars: a result longer than this is cut, with a note saying so.
    """
    by_name = tool_map(tools)
    return [run_call(call, by_name, max_chars=max_chars) for call in parse_tool_calls(text)]


def run_call(call: ToolCall | ToolError, tools: Tools, *, max_chars: int = MAX_RESULT_CHARS,
             timeout_s: float | None = None) -> Message:
    """The tool message answering one parsed call (either format): its result or what went wrong.

    timeout_s: wait at most this long, if it is shorter than the tool's own ``timeout_s`` (a tool
    budget's time left, ``envgym.tools.budget``).
    """
    by_name = tool_map(tools)
    tool = by_name.get(call.name) if call.name is not None else None
    name = tool.name if tool else None
    if isinstance(call, ToolError):
        content = f"Error: {call.message}"
    elif tool is None:
        content = f"Error: unknown tool {call.name!r}; the available tools are: {', '.join(by_name) or 'none'}"
    elif problem := check_arguments(call.arguments, tool.parameters):
        content = f"Error: {problem} (calling {tool.name!r})"
    else:
        content = _run_bounded(tool, call.arguments, timeout_s)
    limit = tool.max_result_chars if tool is not None and tool.max_result_chars else max_chars
    return Message("tool", truncate(content, limit), name=name, tool_call_id=call.id)


def _run_bounded(tool: Tool, arguments: Mapping[str, Any], budget_s: float | None) -> str:
    box: list[tuple[bool, Any]] = []

    def target() -> None:
        try:
            box.append((True, tool.fn(**arguments)))
        except BaseException as exc:  # noqa: BLE001 - reported to the model, never raised
            box.append((False, exc))

    thread = threading.Thread(target=target, daemon=True, name=f"envgym-tool-{tool.name}")
    thread.start()
    wait_s = tool.timeout_s if budget_s is None else max(0.0, min(tool.timeout_s, budget_s))
    thread.join(wait_s)
    if not box:
        if wait_s < tool.timeout_s:
            return f"Error: tool {tool.name!r} was stopped after {wait_s:.3g} s: the tool time budget ran out"
        return f"Error: tool {tool.name!r} timed out after {tool.timeout_s:g} s"
    ok, value = box[0]
    if not ok:
        return f"Error: tool {tool.name!r} raised {type(value).__name__}: {value}"
    return to_text(value)


def to_text(value: Any) -> str:
    """A result as the model reads it: a str as it is, anything else as JSON (str() for the rest)."""
    if isinstance(value, str):
        return value
    try:
        return json.dumps(value, default=str, ensure_ascii=False)
    except (TypeError, ValueError, RecursionError):
        return repr(value)


def truncate(text: str, max_chars: int) -> str:
    if len(text) <= max_chars:
        return text
    return f"{text[:max_chars]}\n[truncated: showing {max_chars} of {len(text)} characters]"


def tool_map(tools: Tools) -> dict[str, Tool]:
    """Tools by name. A mapping's keys must be the tools' own names: those are what the model sees."""
    pairs = list(tools.items()) if isinstance(tools, Mapping) else [(getattr(t, "name", None), t) for t in tools]
    by_name: dict[str, Tool] = {}
    for key, t in pairs:
        if not isinstance(t, Tool):
            raise TypeError(f"expected Tool objects, got {type(t).__name__}; build one with @envgym.tools.tool")
        if key != t.name:
            raise ValueError(f"tool {t.name!r} is listed under the key {key!r}; the model calls tools by their own "
                             f"names: rename it with dataclasses.replace(tool, name={key!r})")
        if key in by_name:
            raise ValueError(f"two tools are named {key!r}; give each tool a distinct name")
        by_name[key] = t
    return by_name


# ---- prompting ---------------------------------------------------------------------------


def call_text(name: str, arguments: Mapping[str, Any]) -> str:
    """One ``<tool_call>`` block, as ``tools_prompt`` asks a model to write it.

    >>> call_text("calculator", {"expression": "2 + 3"})
    '<tool_call>\\n{"name": "calculator", "arguments": {"expression": "2 + 3"}}\\n</tool_call>'
    """
    return f"<tool_call>\n{json.dumps({'name': name, 'arguments': dict(arguments)})}\n</tool_call>"


def tools_prompt(tools: Tools, style: str = "full") -> str:
    """A system-prompt block listing the tools and the call format.

    style: ``full``, the JSON schemas as Qwen2.5's template writes them; ``brief``, one line per tool
    (its name, parameters and first sentence) and the call format, a few times shorter, for small
    models with short contexts.
    """
    if style == "brief":
        lines = []
        for t in tool_map(tools).values():
            schema = t.schema()["function"]
            params = ", ".join(schema.get("parameters", {}).get("properties", {}))
            lines.append(f"{schema['name']}({params}): {schema.get('description', '').split('. ')[0].rstrip('.')}.")
        return ("Tools:\n" + "\n".join(lines) + '\nCall a tool as <tool_call>\n{"name": NAME, "arguments": {...}}\n'
                "</tool_call>; its result comes back, then answer.")
    if style != "full":
        raise ValueError(f"tools_prompt style must be 'full' or 'brief', got {style!r}")
    schemas = "\n".join(json.dumps(t.schema(), ensure_ascii=False) for t in tool_map(tools).values())
    return (
        "# Tools\n\n"
        "You may call one or more functions to assist with the user query.\n\n"
        "You are provided with function signatures within <tools></tools> XML tags:\n"
        f"<tools>\n{schemas}\n</tools>\n\n"
        "For each function call, return a json object with function name and arguments within "
        "<tool_call></tool_call> XML tags:\n"
        '<tool_call>\n{"name": <function-name>, "arguments": <args-json-object>}\n</tool_call>'
    )
