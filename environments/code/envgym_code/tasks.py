"""The two kinds of coding task, how each is shown to the policy, and how an environment picks one.

A ``FunctionTask`` asks for one Python function; its hidden tests are ``(args, expected)`` pairs
of plain Python values. A ``StdioTask`` asks for a program; its hidden tests are
``(stdin, expected_stdout)`` pairs. Both carry a reference solution (the gold probe) and known
wrong solutions (an off-by-one, a missed edge case), which the test suite runs to show that the
hidden tests tell right from nearly right.

The visible examples in a prompt are never among the hidden tests: a solution that only
memorises the examples scores 0. Test inputs of function tasks cross into the sandbox as JSON,
so they use only JSON's types (int, float, str, bool, None, lists, dicts with str keys);
expected values may be any type the harness compares (tuples and sets too).

The task lists themselves are ``envgym_code.function_tasks`` and ``envgym_code.stdio_tasks``.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

Call = tuple[tuple[Any, ...], Any]
"""One function test: the positional arguments and the expected return value."""
Run = tuple[str, str]
"""One program test: stdin and the expected stdout."""

ANSWER_FORMAT = "Answer with the complete {what} in a ```python code block."


@dataclass(frozen=True)
class FunctionTask:
    """Implement ``entry``: a signature, a description, visible examples and hidden tests."""

    name: str
    signature: str
    """The ``def`` line as the prompt shows it, e.g. ``def gcd(a: int, b: int) -> int``."""
    description: str
    examples: tuple[Call, ...]
    tests: tuple[Call, ...]
    reference: str
    wrong: tuple[str, ...]
    float_tol: float = 1e-6

    @property
    def entry(self) -> str:
        """The function's name, read from the signature."""
        return self.signature.removeprefix("def ").split("(", 1)[0].strip()

    def prompt(self) -> str:
        examples = "\n".join(f"    {self.entry}({_args(args)}) == {expected!r}" for args, expected in self.examples)
        return (f"Write a Python function with this signature:\n\n    {self.signature}\n\n{self.description}\n\n"
                f"Example{'s' if len(self.examples) > 1 else ''}:\n{examples}\n\n"
                "Hidden tests call the function with other arguments. Return plain Python values. "
                + ANSWER_FORMAT.format(what="function (with any imports and helpers it needs)"))


@dataclass(frozen=True)
class StdioTask:
    """Write a program that reads stdin and prints the answer: a description, one visible example
    run and hidden runs."""

    name: str
    description: str
    example: Run
    tests: tuple[Run, ...]
    reference: str
    wrong: tuple[str, ...]

    def prompt(self) -> str:
        stdin, stdout = (text.rstrip("\n") for text in self.example)
        return (f"Write a Python program that reads standard input and writes standard output.\n\n"
                f"{self.description}\n\nExample input:\n```\n{stdin}\n```\n"
                f"Example output:\n```\n{stdout}\n```\n\n"
                "Hidden tests run the program on other inputs. " + ANSWER_FORMAT.format(what="program"))


def source(text: str) -> str:
    """Program text as the task files write it, indented under its field: the shared indentation
    and the opening newline removed."""
    return textwrap.dedent(text).lstrip("\n")


def _args(args: tuple[Any, ...]) -> str:
    return ", ".join(map(repr, args))


def select(tasks: Sequence[FunctionTask | StdioTask], names: Sequence[str] | None, env_id: str) -> tuple:
    """The tasks an environment draws from: all of them, or those named (in the given order)."""
    if names is None:
        return tuple(tasks)
    by_name = {t.name: t for t in tasks}
    if isinstance(names, str) or not names:
        raise ValueError(f"{env_id}: tasks must be a non-empty list of task names, got {names!r}")
    unknown = [n for n in names if n not in by_name]
    if unknown:
        raise ValueError(f"{env_id}: unknown task name(s) {unknown}; known: {sorted(by_name)}")
    return tuple(by_name[n] for n in names)


def draw(tasks: Sequence[FunctionTask | StdioTask], rng: np.random.Generator) -> FunctionTask | StdioTask:
    """One task, uniformly, from ``rng`` alone (so a seeded reset is reproducible)."""
    return tasks[int(rng.integers(len(tasks)))]
