"""A tool is a named function with a JSON schema that a model can call.

``@tool`` builds one from a typed, documented Python function: the signature and type hints
give the parameters' JSON schema, the docstring's first paragraph the description, and its
Google-style ``Args:`` section the parameters' descriptions. Tools that do not come from a
Python function (an MCP server's, a sandboxed interpreter) construct ``Tool`` directly with
their own schema; ``check_arguments`` validates calls against either kind.

>>> @tool
... def add(a: int, b: int = 0) -> int:
...     '''Add two integers.'''
...     return a + b
>>> add.parameters["required"]
['a']
>>> add(2, 3)
5
"""

from __future__ import annotations

import inspect
import re
import types
import typing
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Literal, overload

DEFAULT_TIMEOUT_S = 10.0

_SCALARS: dict[type, str] = {str: "string", int: "integer", float: "number", bool: "boolean"}
_SUPPORTED = "str, int, float, bool, list[X], dict[str, X], Literal[...] or X | None"


@dataclass(frozen=True)
class Tool:
    """A callable the model may use.

    name: what the model calls it by.
    description: what it does, for the model.
    parameters: a JSON schema of type "object" for the keyword arguments ``fn`` takes.
    fn: the implementation, called as ``fn(**arguments)``.
    timeout_s: how long ``run_tool_calls`` waits for a result, in seconds.
    stateful: whether a call changes what later calls see (a server's session, a database the tool
        writes, files it edits). An environment offering a stateful tool can be snapshot only if it
        copies that state itself (``ToolEnv.copied_tools``, ``envgym.snapshot``).
    max_result_chars: the longest result the model sees, for a tool that bounds (and cuts) its own
        output; None: the caller's bound (``run_tool_calls``' ``max_chars``, 2,000 by default).
    """

    name: str
    description: str
    parameters: Mapping[str, Any]
    fn: Callable[..., Any]
    timeout_s: float = DEFAULT_TIMEOUT_S
    stateful: bool = False
    max_result_chars: int | None = None

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self.fn(*args, **kwargs)

    def schema(self) -> dict[str, Any]:
        """The OpenAI function-tool format, as chat templates and OpenAI-compatible servers take it."""
        return {"type": "function",
                "function": {"name": self.name, "description": self.description, "parameters": dict(self.parameters)}}

    @classmethod
    def from_function(cls, fn: Callable[..., Any], *, name: str | None = None,
                      timeout_s: float = DEFAULT_TIMEOUT_S, stateful: bool = False,
                      max_result_chars: int | None = None) -> Tool:
        """Build a tool from a typed function with a docstring; TypeError says what to fix."""
        where = f"tool function {getattr(fn, '__qualname__', fn)!r}"
        if not inspect.getdoc(fn):
            raise TypeError(f"{where} has no docstring: add one; its first paragraph tells the model what the tool does")
        description, arg_docs = parse_docstring(inspect.getdoc(fn) or "")
        try:
            hints = typing.get_type_hints(fn)
        except Exception as exc:  # noqa: BLE001 - an unresolvable annotation, reported with its cause
            raise TypeError(f"{where}: cannot resolve its type hints ({exc})") from exc
        properties: dict[str, Any] = {}
        required: list[str] = []
        for p in inspect.signature(fn).parameters.values():
            if p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD, p.POSITIONAL_ONLY):
                raise TypeError(f"{where}: parameter {p.name!r} must be an ordinary named parameter "
                                "(no *args, **kwargs or positional-only), since the model passes arguments by name")
            if p.name not in hints:
                raise TypeError(f"{where}: parameter {p.name!r} has no type annotation; "
                                f"annotate it with one of {_SUPPORTED}")
            prop, optional = json_schema(hints[p.name], f"{where}: parameter {p.name!r}")
            if p.name in arg_docs:
                prop["description"] = arg_docs[p.name]
            properties[p.name] = prop
            if p.default is p.empty and not optional:
                required.append(p.name)
        parameters = {"type": "object", "properties": properties, "required": required,
                      "additionalProperties": False}
        return cls(name or fn.__name__, description, parameters, fn, timeout_s, stateful, max_result_chars)


@overload
def tool(fn: Callable[..., Any], /) -> Tool: ...
@overload
def tool(*, name: str | None = None, timeout_s: float = DEFAULT_TIMEOUT_S) -> Callable[[Callable[..., Any]], Tool]: ...
def tool(fn: Callable[..., Any] | None = None, /, *, name: str | None = None,
         timeout_s: float = DEFAULT_TIMEOUT_S) -> Tool | Callable[[Callable[..., Any]], Tool]:
    """Decorator: ``@tool`` or ``@tool(name=..., timeout_s=...)`` turns a function into a ``Tool``."""
    def build(f: Callable[..., Any]) -> Tool:
        return Tool.from_function(f, name=name, timeout_s=timeout_s)

    return build if fn is None else build(fn)


def json_schema(hint: Any, where: str) -> tuple[dict[str, Any], bool]:
    """The JSON schema of a type hint, and whether it admits None."""
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin in (typing.Union, types.UnionType):
        rest = [a for a in args if a is not type(None)]
        if len(rest) != 1:
            raise TypeError(f"{where}: unions other than X | None are not supported; use one of {_SUPPORTED}")
        schema, _ = json_schema(rest[0], where)
        schema["type"] = [schema["type"], "null"]
        if "enum" in schema:
            schema["enum"] = [*schema["enum"], None]
        return schema, True
    if hint in _SCALARS:
        return {"type": _SCALARS[hint]}, False
    if origin is Literal:
        kinds = {_SCALARS.get(type(a)) for a in args}
        if None in kinds or len(kinds) != 1:
            raise TypeError(f"{where}: Literal values must all be str, or all int, float or bool")
        return {"type": kinds.pop(), "enum": list(args)}, False
    if hint is list or origin is list:
        return ({"type": "array", "items": json_schema(args[0], where)[0]} if args else {"type": "array"}), False
    if hint is dict or origin is dict:
        if args and args[0] is not str:
            raise TypeError(f"{where}: JSON object keys are strings; use dict[str, X]")
        return ({"type": "object", "additionalProperties": json_schema(args[1], where)[0]}
                if args else {"type": "object"}), False
    raise TypeError(f"{where}: type {hint!r} has no JSON schema here; use one of {_SUPPORTED}")


_ARGS_HEADER = re.compile(r"^(?:Args|Arguments|Parameters):\s*$")
_ARG_LINE = re.compile(r"^(\w+)\s*(?:\([^)]*\))?\s*:\s*(.*)$")


def parse_docstring(doc: str) -> tuple[str, dict[str, str]]:
    """The first paragraph as one line, and the descriptions in a Google-style ``Args:`` section."""
    description = " ".join(doc.strip().split("\n\n")[0].split())
    args: dict[str, str] = {}
    lines = doc.splitlines()
    start = next((i + 1 for i, line in enumerate(lines) if _ARGS_HEADER.match(line.strip())), len(lines))
    current, args_indent = None, 0
    for line in lines[start:]:
        if line.strip() and not line[0].isspace():
            break  # the next section
        indent = len(line) - len(line.lstrip())
        match = _ARG_LINE.match(line.strip())
        if match and (current is None or indent <= args_indent):
            current, args_indent = match.group(1), indent
            args[current] = match.group(2).strip()
        elif current is not None and line.strip():
            args[current] = f"{args[current]} {line.strip()}".strip()
    return description, args


_JSON_TYPES: dict[str, Callable[[Any], bool]] = {
    "string": lambda v: isinstance(v, str),
    "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "number": lambda v: isinstance(v, int | float) and not isinstance(v, bool),
    "boolean": lambda v: isinstance(v, bool),
    "array": lambda v: isinstance(v, list),
    "object": lambda v: isinstance(v, dict),
    "null": lambda v: v is None,
}


def check_arguments(arguments: Mapping[str, Any], schema: Mapping[str, Any]) -> str | None:
    """What is wrong with a call's arguments under an object schema, or None if nothing is.

    Checks required, unexpected (when ``additionalProperties`` is false), types, array items and
    enums; other JSON-schema keywords are left to the tool itself.
    """
    properties = schema.get("properties", {})
    missing = [k for k in schema.get("required", []) if k not in arguments]
    if missing:
        return "missing required argument " + ", ".join(f"{k!r} ({_type_name(properties.get(k, {}))})" for k in missing)
    if schema.get("additionalProperties") is False:
        extra = [k for k in arguments if k not in properties]
        if extra:
            return (f"unexpected argument {', '.join(map(repr, extra))}; "
                    f"the parameters are: {', '.join(properties) or 'none'}")
    for key, value in arguments.items():
        if key in properties:
            problem = _value_problem(value, properties[key], f"argument {key!r}")
            if problem:
                return problem
    return None


def _value_problem(value: Any, schema: Mapping[str, Any], where: str) -> str | None:
    kinds = schema.get("type")
    kinds = [kinds] if isinstance(kinds, str) else kinds
    if kinds and not any(_JSON_TYPES.get(k, lambda v: True)(value) for k in kinds):
        return f"{where} must be {_type_name(schema)}, got {_json_type(value)} {_short(value)}"
    if "enum" in schema and value not in schema["enum"]:
        return f"{where} must be one of {schema['enum']}, got {_short(value)}"
    if isinstance(value, list) and isinstance(schema.get("items"), Mapping):
        for i, item in enumerate(value):
            problem = _value_problem(item, schema["items"], f"{where} item {i}")
            if problem:
                return problem
    return None


def _type_name(schema: Mapping[str, Any]) -> str:
    kinds = schema.get("type", "any value")
    name = " or ".join(kinds) if isinstance(kinds, list) else str(kinds)
    items = schema.get("items")
    return f"{name} of {_type_name(items)}" if isinstance(items, Mapping) and "type" in items else name


def _json_type(value: Any) -> str:
    return next((k for k in ("boolean", "integer", "number", "string", "array", "object", "null")
                 if _JSON_TYPES[k](value)), type(value).__name__)


def _short(value: Any, limit: int = 60) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."
