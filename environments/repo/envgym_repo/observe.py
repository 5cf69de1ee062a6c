"""What the hidden tests of ``envgym/Repo-v0`` record, and the runner that runs them in the sandbox.

A hidden test holds inputs and no expected values: it calls the repository's code and records
what it sees with ``observe(value)`` (or ``observe_raises(fn)`` for a call that may raise). The
runner (``main``) imports each ``/harness/test_*.py``, calls its ``test_*`` functions in order and
prints every test's list of observations as JSON on one line. The host compares that list with the
one the gold solution's code produced on the same tests in another sandbox
(``envgym_repo.workspace.grade``); nothing in here decides whether a test passed.

This file is shipped read-only into the sandbox as ``/harness/observe.py``, next to the hidden
tests, and runs there with the system's Python alone: standard library only.

Values are recorded in a canonical form so that two correct programs agree where the old
``assert a == b`` tests agreed: a float is rounded to ``DIGITS`` significant digits and a whole
number (``6.0``, ``Decimal("6")``) is recorded as the int it equals, a dict's and a set's items are
sorted, a tuple (a named tuple too) stays apart from a list, ``True`` stays apart from ``1``.
Anything else is recorded as its type's name and its ``repr`` (memory addresses removed).

>>> canonical({"b": (1, 2.0), "a": [0.1 + 0.2, None, {3, 1}]})
['dict', [['a', ['list', [['float', '0.3'], None, ['set', [1, 3]]]]], ['b', ['tuple', [1, 2]]]]]
"""

from __future__ import annotations

import decimal
import importlib.util
import json
import math
import numbers
import os
import re
import sys
from collections.abc import Callable
from typing import Any

DIGITS = 10
RECORD: list[Any] = []  # the running test's observations


def canonical(value: Any, depth: int = 0) -> Any:
    """``value`` as plain JSON data that two equal values share (see the module docstring)."""
    if depth > 40:
        raise ValueError("observed value nested too deeply")
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, str):
        return str.__str__(value)  # an str subclass (a StrEnum member) as the text it holds
    if isinstance(value, (numbers.Real, decimal.Decimal)):
        return _number(value)
    if isinstance(value, (bytes, bytearray)):
        return ["bytes", bytes(value).hex()]
    if isinstance(value, dict):
        items = [[canonical(k, depth + 1), canonical(v, depth + 1)] for k, v in value.items()]
        return ["dict", sorted(items, key=json.dumps)]
    if isinstance(value, (set, frozenset)):
        return ["set", sorted((canonical(v, depth + 1) for v in value), key=json.dumps)]
    if isinstance(value, (list, tuple)):
        return ["tuple" if isinstance(value, tuple) else "list", [canonical(v, depth + 1) for v in value]]
    return ["object", type(value).__name__, re.sub(r" at 0x[0-9a-fA-F]+", "", repr(value))]


def _number(value: numbers.Real | decimal.Decimal) -> Any:
    if isinstance(value, numbers.Integral):
        return int(value)
    x = float(value)
    if not math.isfinite(x):
        return ["float", repr(x)]
    x = float(f"{x:.{DIGITS}g}")
    return int(x) if x.is_integer() and abs(x) < 2**53 else ["float", repr(x)]


def observe(value: Any) -> None:
    """Record ``value`` (canonical, now: later changes to it are not seen)."""
    RECORD.append(canonical(value))


def observe_raises(fn: Callable[[], Any], match: str | None = None) -> BaseException | None:
    """Call ``fn``; record the name of the exception it raised, with whether its message matches
    the regular expression ``match`` when one is given, or else the value it returned. Returns the
    exception (None when there was none), so the test can observe more of it."""
    try:
        value = fn()
    except Exception as error:
        RECORD.append(["raised", type(error).__name__] + ([re.search(match, str(error)) is not None] if match else []))
        return error
    RECORD.append(["returned", canonical(value)])
    return None


def run_test(fn: Callable[[], Any]) -> list[Any]:
    """One test's observations; an exception that escapes the test is the last one, as ``["error", name]``."""
    RECORD.clear()
    try:
        fn()
    except BaseException as error:  # SystemExit too: the test ends, the run goes on
        RECORD.append(["error", type(error).__name__])
    return list(RECORD)


def run_module(path: str) -> dict[str, list[Any]]:
    """Every ``test_*`` function's observations in the hidden test file ``path``, by ``file::name``."""
    file = os.path.basename(path)
    name = file[:-3]
    try:
        spec = importlib.util.spec_from_file_location(name, path)
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    except BaseException as error:
        return {file: [["error", type(error).__name__]]}
    tests = [(n, f) for n, f in vars(module).items() if n.startswith("test_") and callable(f)]
    return {f"{file}::{n}": run_test(f) for n, f in tests}


def main(harness: str, mark: str) -> None:
    """Run every hidden test file in ``harness``; write one line: ``mark`` and the observations.
    ``mark`` only tells the report from what the code prints: it protects nothing."""
    write = os.write  # kept before any test (and the repository's code) is imported
    sys.dont_write_bytecode = True
    os.chdir("/work")
    results: dict[str, list[Any]] = {}
    for file in sorted(n for n in os.listdir(harness) if n.startswith("test_") and n.endswith(".py")):
        results.update(run_module(os.path.join(harness, file)))
    write(1, ("\n" + mark + json.dumps(results) + "\n").encode())
