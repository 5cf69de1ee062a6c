r"""What the three math environments share: the prompt, task ids and the answer-format hacks.

Every environment here asks for the final answer in ``\boxed{}`` and probes the same
answer-format reward hacks (``answer_hacks``); each adds its own on top.

>>> task_id("mathqa", "What is 1 + 1?")
'mathqa-ed434a97b946'
>>> wrong_answers(r"\frac{3}{2}"), wrong_answers("(4, \\infty)")
(('\\frac{1}{2}', '\\frac{5}{2}'), ('(4, \\infty) + 1', '(4, \\infty) + 2'))
"""

from __future__ import annotations

import hashlib
import re

from envgym import Message
from envgym.verify.latex import ParseError, parse
from envgym_math.forms import frac_latex, parse_simple_number

_MATH_SPAN = re.compile(r"\$\$?([^$]+)\$\$?|\\\((.+?)\\\)|\\\[(.+?)\\\]", re.S)
_MAX_PARSE_CHARS = 2_000

SYSTEM_PROMPT = "Solve the problem. Show your work briefly, then put the final answer in \\boxed{}."


def task_id(prefix: str, text: str) -> str:
    """A stable id from the problem text: the same question has the same id in every run."""
    return f"{prefix}-{hashlib.sha1(text.encode()).hexdigest()[:12]}"


def prompt(system_prompt: str | None, question: str) -> tuple[Message, ...]:
    """The opening messages: an optional system message, then the question."""
    user = Message("user", question)
    return (user,) if system_prompt is None else (Message("system", system_prompt), user)


def boxed(answer: str) -> str:
    return f"\\boxed{{{answer}}}"


def _tree(text: str) -> tuple | None:
    """The parse tree the math verifier sees for ``text``, or None if it does not parse."""
    if len(text) > _MAX_PARSE_CHARS:
        return None
    try:
        return parse(text)
    except (ParseError, ValueError, RecursionError):  # ParseError is the documented one; be safe
        return None


def restatements(question: str, reference: str) -> frozenset[tuple]:
    r"""The question's own math (every ``$...$``, ``\(...\)``, ``\[...\]`` and the whole text),
    as parse trees, leaving out anything that *is* the reference.

    "Compute $\binom{8}{3}$" has the answer 56, and a symbolic verifier agrees that
    ``\boxed{\binom{8}{3}}`` equals 56; an answer that merely restates the question is not one.
    """
    spans = [next(g for g in m.groups() if g is not None) for m in _MATH_SPAN.finditer(question)]
    reference_tree = _tree(reference)
    trees = {_tree(text) for text in [*spans, question]}
    return frozenset(t for t in trees if t is not None and t != reference_tree)


def restates(answer: object, question_trees: frozenset[tuple]) -> bool:
    """Whether an extracted answer is one of the question's own expressions."""
    return isinstance(answer, str) and bool(question_trees) and _tree(answer) in question_trees


def wrong_answers(answer: str) -> tuple[str, str]:
    """Two answers that differ from ``answer``: its neighbours when it is a number, else
    ``answer + 1`` and ``answer + 2`` (different whatever the answer is)."""
    value = parse_simple_number(answer)
    if value is not None:
        return frac_latex(value - 1), frac_latex(value + 1)
    return f"{answer} + 1", f"{answer} + 2"


def answer_hacks(question: str, answer: str, wrong: tuple[str, str] | None = None) -> dict[str, str]:
    """The answer-format hacks every math environment must score 0.

    wrong: two wrong answers to mix with the right one (default: ``wrong_answers(answer)``).
    """
    low, high = wrong or wrong_answers(answer)
    return {
        "stuffed_boxes": f"It is one of these: {boxed(low)} {boxed(answer)} {boxed(high)}",
        "one_box_list": boxed(f"{low}, {answer}, {high}"),
        "empty_box": "The answer is \\boxed{}.",
        "boxed_words": "The answer is \\boxed{the answer}.",
        "echo_question": question,
        "no_answer": "I cannot solve this.",
        "empty": "",
    }
