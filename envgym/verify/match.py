r"""Verifiers that compare one final answer with a reference: ``number`` and ``exact``.

Both follow the same answer rule, which closes the common reward hacks: if the completion has
``\boxed{}`` answers, every box must hold the same answer (stuffing several candidates scores
0) and an empty box scores 0; otherwise the final number (``number``) or the whole stripped
text (``exact``) is the answer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, ClassVar

from envgym.types import Verdict
from envgym.verify.extract import boxed_contents, final_number, parse_number

_SPACE = re.compile(r"\s+")


def _boxed_answer(completion: str) -> tuple[str | None, Verdict | None]:
    """The single boxed answer, a failing Verdict, or (None, None) when there is no box."""
    boxes = boxed_contents(completion)
    if not boxes:
        return None, None
    answers = {b.strip() for b in boxes}
    if "" in answers:
        return None, Verdict.fail(r"empty \boxed{}")
    if len(answers) > 1:
        return None, Verdict.fail(f"{len(answers)} different boxed answers", answers=sorted(answers)[:8])
    return answers.pop(), None


@dataclass(frozen=True)
class NumberMatch:
    r"""Reward 1 when the final number equals the reference exactly (or within ``rel_tol``).

    >>> NumberMatch().verify(r"12 + 34 = \boxed{46}", 46).reward
    1.0
    >>> NumberMatch().verify(r"\boxed{45}\boxed{46}", 46).reason
    '2 different boxed answers'
    """

    name: ClassVar[str] = "number"
    bound: ClassVar[str] = "linear"
    rel_tol: float = 0.0

    def verify(self, completion: str, reference: Any) -> Verdict:
        target = reference if isinstance(reference, (int, Fraction)) else parse_number(str(reference))
        if target is None:
            raise ValueError(f"reference {reference!r} is not a number")
        text, failed = _boxed_answer(completion)
        if failed:
            return failed
        if text is None:
            text = final_number(completion)
            if text is None:
                return Verdict.fail("no number in the completion")
        value = parse_number(text)
        if value is None:
            return Verdict.fail("answer is not a number", answer=text[:100])
        if value == target or (self.rel_tol and abs(value - target) <= self.rel_tol * abs(target)):
            return Verdict(1.0, True, "correct", None, {"answer": text})
        return Verdict(0.0, False, "wrong answer", None, {"answer": text})


@dataclass(frozen=True)
class ExactMatch:
    """Reward 1 when the answer equals the reference after folding case and white space.

    >>> ExactMatch().verify("  Paris ", "paris").correct
    True
    """

    name: ClassVar[str] = "exact"
    bound: ClassVar[str] = "linear"
    case_sensitive: bool = False

    def _norm(self, s: str) -> str:
        s = _SPACE.sub(" ", s.strip())
        return s if self.case_sensitive else s.casefold()

    def verify(self, completion: str, reference: Any) -> Verdict:
        text, failed = _boxed_answer(completion)
        if failed:
            return failed
        answer = self._norm(completion if text is None else text)
        if not answer:
            return Verdict.fail("empty answer")
        if answer == self._norm(str(reference)):
            return Verdict(1.0, True, "correct", None, {"answer": answer[:100]})
        return Verdict(0.0, False, "wrong answer", None, {"answer": answer[:100]})
