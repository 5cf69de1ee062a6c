r"""``make_verifier("math-steps")``: per-step rewards for a worked solution (process supervision).

The solution is split into steps (non-empty lines; one line is split into sentences). In each
step every chain of equalities written in math (``a = b = c``, LaTeX or plain) is a claim:

- without variables, each link must hold numerically: ``12 \cdot 3 = 36``;
- with variables, an identity must hold at several points: ``(x+1)^2 = x^2 + 2x + 1``;
- a single-variable linear equation that is not an identity (``3x + 5 = 11``) must have the
  same solution as the previous such equation, so ``3x + 5 = 11``, ``3x = 6``, ``x = 2`` is a
  correct derivation and ``3x = 7`` after it is a wrong step. The first one just sets it;
- an equation with both sides nonlinear (``(x+2)(x-3) = x^2 - x - 6``) is an expansion or a
  simplification: it must be an identity. So is one whose sides differ by a nonzero constant.

A step scores 1 when all its claims hold, 0 when one fails, and ``unchecked`` (default 1.0:
no evidence of an error) when it makes no claim it can check. Prose words of two or more
letters end a math span, so "so x = 3" claims ``x = 3``, not ``s*o*x = 3``.

The verdict: ``step_rewards`` per step; ``correct`` when every checked claim holds (and, if a
reference is given, the final answer equals it under the ``math`` verifier); ``reward`` the
share of checked steps that hold, times the final answer's correctness when there is a
reference. Everything here runs on the bounded fast path, so the verifier is ``linear``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, ClassVar

from envgym.types import Verdict
from envgym.verify.latex import ParseError, parse
from envgym.verify.math import MathVerifier
from envgym.verify.mathcompare import Options, Undecided, evaluate, numeric_judge, symbols

# A math span: numbers, operators, brackets, LaTeX commands and single-letter variables.
_SPAN = re.compile(
    r"(?:\\[a-zA-Z]+|(?<![a-zA-Z])[a-zA-Z](?![a-zA-Z])|[0-9.,+\-*/^()\[\]{}×÷·−√π=\s_]|\\[{}])+"
)
_SENTENCE = re.compile(r"(?<=[.;!?])\s+(?=[A-Z])")
_TEXT_WORDS = re.compile(r"\\(?:text|mathrm)\{[^{}]*\}")
MAX_STEPS = 200
MAX_STEP_CHARS = 2_000


def split_steps(solution: str) -> list[str]:
    lines = [line.strip() for line in solution.splitlines() if line.strip()]
    if len(lines) == 1:
        lines = [s.strip() for s in _SENTENCE.split(lines[0]) if s.strip()]
    return lines


def claims(step: str) -> list[list[str]]:
    """The equality chains written in a step, each as its list of sides."""
    text = _TEXT_WORDS.sub(" ", step.replace("$", " ").replace("\\(", " ").replace("\\)", " "))
    out = []
    for m in _SPAN.finditer(text):
        span = m.group().strip(" ,.")
        if "=" in span:
            sides = [s.strip(" ,") for s in span.split("=")]
            if len(sides) >= 2 and all(sides):
                out.append(sides)
    return out


_CONTRADICTION = object()


def _values(node: tuple, name: str) -> tuple | None:
    try:
        return tuple(evaluate(node, {name: Fraction(v)}) for v in (0, 1, 2))
    except (Undecided, ZeroDivisionError, ValueError, OverflowError, TypeError):
        return None


def _nonlinear(node: tuple, name: str) -> bool:
    values = _values(node, name)
    return values is not None and abs(complex(values[2] - 2 * values[1] + values[0])) > 1e-9


def _linear_root(lhs: tuple, rhs: tuple, name: str):
    """The root of lhs - rhs = 0 if it is linear in ``name``; _CONTRADICTION when it is a nonzero
    constant (an identity that fails); None when it cannot tell (nonlinear, poles)."""
    values = _values(("add", lhs, ("neg", rhs)), name)
    if values is None:
        return None
    f0, f1, f2 = values
    slope = f1 - f0
    if abs(complex(f2 - 2 * f1 + f0)) > 1e-9:
        return None
    if abs(complex(slope)) < 1e-12:
        return _CONTRADICTION if abs(complex(f0)) > 1e-9 else None
    return -f0 / slope


@dataclass(frozen=True)
class StepVerifier:
    r"""Per-step checks of a worked solution.

    unchecked: the reward of a step with no claim that can be checked.
    rel_tol: tolerance for decimals, as in the ``math`` verifier.

    >>> v = StepVerifier()
    >>> v.verify("3x + 5 = 11\n3x = 6\nx = 3", None).step_rewards
    (1.0, 1.0, 0.0)
    >>> v.verify(r"12 \cdot 3 = 36" "\n" r"36 + 4 = 41", None).step_rewards
    (1.0, 0.0)
    """

    name: ClassVar[str] = "math-steps"
    bound: ClassVar[str] = "linear"
    unchecked: float = 1.0
    rel_tol: float = 1e-6

    def verify(self, completion: str, reference: Any) -> Verdict:
        steps = split_steps(completion)[:MAX_STEPS]
        if not steps:
            return Verdict.fail("empty solution")
        opts = Options(self.rel_tol, strict=False)
        root: tuple[str, Any] | None = None
        rewards, checked, failures = [], 0, []
        for index, step in enumerate(steps):
            results = []
            for sides in claims(step[:MAX_STEP_CHARS]):
                ok, root = self._chain(sides, opts, root)
                if ok is not None:
                    results.append(ok)
            if results:
                checked += 1
                rewards.append(1.0 if all(results) else 0.0)
                if not all(results):
                    failures.append(index)
            else:
                rewards.append(self.unchecked)
        details = {"steps": len(steps), "checked_steps": checked, "failed_steps": failures}
        final_ok = True
        if reference is not None:
            final = MathVerifier().quick_verify(completion, reference)
            final_ok = bool(final and final.correct)
            details["final_answer"] = final.reason if final else "undecided"
        share = (checked - len(failures)) / checked if checked else 0.0
        reward = share * final_ok if checked else float(final_ok and reference is not None)
        correct = final_ok and not failures and (checked > 0 or reference is not None)
        reason = "all checked steps hold" if not failures else f"step(s) {', '.join(str(i + 1) for i in failures)} do not hold"
        if not final_ok:
            reason += "; final answer is wrong"
        return Verdict(reward, correct, reason, tuple(rewards), details)

    def _chain(self, sides: list[str], opts: Options, root: tuple[str, Any] | None):
        """(True/False/None for the claim, the current equation's root)."""
        try:
            trees = [parse(s) for s in sides]
        except ParseError:
            return None, root
        names = set().union(*(symbols(t) for t in trees))
        links = [numeric_judge(a, b, opts) for a, b in zip(trees, trees[1:])]
        if not names or all(links):
            return (None if None in links else all(links)), root
        if len(trees) == 2 and len(names) == 1:
            name = names.pop()
            if _nonlinear(trees[0], name) and _nonlinear(trees[1], name):
                return links[0], root  # an expansion: must be an identity
            value = _linear_root(trees[0], trees[1], name)
            if value is _CONTRADICTION:
                return False, root
            if value is None:
                return None, root
            if root is None or root[0] != name:
                return None, (name, value)
            same = abs(complex(value) - complex(root[1])) <= 1e-9 * max(1.0, abs(complex(value)))
            return same, (name, value) if same else root
        return (False if False in links else None), root


__all__ = ["StepVerifier", "claims", "split_steps"]
