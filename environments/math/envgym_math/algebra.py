r"""``envgym/Algebra-v0``: generated algebra problems with step-by-step reference solutions.

    option          default                              meaning
    kinds           ("linear", "fractions", "simplify")  which generators to draw from, uniformly
    difficulty      1                                    1 to 3; see ``envgym_math.problems``
    system_prompt   ask for ``\boxed{}``                 the system message, or None for none

    kind       the task                                  the answer must be written as
    linear     solve ax + b = cx + d                     a number in lowest terms (``x = `` allowed)
    fractions  compute with two or three fractions       a fraction in lowest terms or an integer
    simplify   expand and collect a polynomial in x      a polynomial, one term per power of x

The ``math`` verifier judges the value; this environment also judges the *form*, because a
symbolic verifier accepts the question's own expression as an answer equal to the reference.
So the final answer must be in ``\boxed{}`` and written in the form above, or it scores 0.
Answers are exact (the verifier's ``rel_tol`` is 0): ``1.75`` is right for 7/4, ``0.3333`` is
wrong for 1/3.

``task.metadata["steps"]`` holds the worked solution, one checkable equation per line (for
``make_verifier("math-steps")`` and for hints); the gold action is those lines and the boxed
answer.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from fractions import Fraction

import numpy as np

import envgym
from envgym import Task, TextEnv, Verdict
from envgym.verify.extract import boxed_contents
from envgym_math.common import SYSTEM_PROMPT, answer_hacks, boxed, prompt, task_id
from envgym_math.forms import frac_raw, is_collected_polynomial, is_lowest_terms, poly_latex
from envgym_math.problems import GENERATORS, Problem

ENV_ID = "envgym/Algebra-v0"
KINDS = tuple(GENERATORS)
DIFFICULTIES = (1, 2, 3)
FORMS = {
    "linear": "a number in lowest terms",
    "fractions": "a fraction in lowest terms or an integer",
    "simplify": "a polynomial with like terms collected",
}


def _validate_kinds(kinds: str | Iterable[str]) -> tuple[str, ...]:
    """The kinds as a tuple; a single kind may be given as a string (``--kw kinds=linear``)."""
    if isinstance(kinds, str):
        kinds = (kinds,)
    chosen = tuple(kinds) if isinstance(kinds, Iterable) else ()
    if not chosen:
        raise ValueError(f"{ENV_ID}: kinds must be a non-empty subset of {KINDS}, got {kinds!r}")
    unknown = [k for k in chosen if k not in KINDS]
    if unknown:
        raise ValueError(f"{ENV_ID}: unknown kind {unknown[0]!r}; kinds must be a subset of {KINDS}")
    return tuple(dict.fromkeys(chosen))


class AlgebraEnv(TextEnv):
    """Single-turn generated algebra (the module docstring has the answer forms).

    kinds: a subset of ("linear", "fractions", "simplify"), or one of them as a string.
    difficulty: 1 (small integers) to 3 (fractional solutions, three fractions, cubics).
    system_prompt: the system message, or None for none.
    """

    def __init__(
        self,
        kinds: str | Iterable[str] = KINDS,
        difficulty: int = 1,
        system_prompt: str | None = SYSTEM_PROMPT,
        render_mode: str | None = None,
    ) -> None:
        self.kinds = _validate_kinds(kinds)
        if difficulty not in DIFFICULTIES or isinstance(difficulty, bool):
            raise ValueError(f"{ENV_ID}: difficulty must be one of {DIFFICULTIES}, got {difficulty!r}")
        # Exact answers only: a decimal counts when it is the value (7/4 = 1.75), never when rounded.
        # Boxed only: the prompt asks for a box, and the form checks in score() read the box.
        super().__init__(envgym.make_verifier("math", rel_tol=0.0, mode="boxed"), render_mode=render_mode)
        self.difficulty = difficulty
        self.system_prompt = system_prompt

    def generate_task(self, rng: np.random.Generator) -> Task:
        kind = self.kinds[int(rng.integers(len(self.kinds)))]
        problem = GENERATORS[kind](rng, self.difficulty)
        metadata = {"kind": kind, "problem": problem, "statement": problem.statement, "steps": problem.steps}
        return Task(task_id("algebra", problem.question), prompt(self.system_prompt, problem.question), problem.answer, metadata)

    def score(self, action: str) -> Verdict:
        """The verifier's verdict, after checking that the boxed answer has the required form."""
        problem: Problem = self.task.metadata["problem"]
        boxes = boxed_contents(action)
        if not boxes:
            return Verdict.fail("no \\boxed{} answer: put the final answer in \\boxed{}")
        if not self._well_formed(problem, boxes[-1]):
            return Verdict.fail(f"the answer must be written as {FORMS[problem.kind]}", answer=boxes[-1][:200])
        return self.verifier.verify(action, self.task.reference)

    @staticmethod
    def _well_formed(problem: Problem, answer: str) -> bool:
        if problem.kind == "simplify":
            return is_collected_polynomial(answer, problem.variable or "x")
        return is_lowest_terms(answer)

    def gold_action(self) -> str:
        return "\n".join(self.task.metadata["steps"]) + f"\nSo the answer is {boxed(self.task.reference)}."

    def hack_actions(self) -> Mapping[str, str]:
        problem: Problem = self.task.metadata["problem"]
        hacks = answer_hacks(problem.question, problem.answer, _wrong_polynomials(problem))
        hacks["boxed_statement"] = f"The answer is {boxed(problem.statement)}."
        if isinstance(problem.value, Fraction):  # the right value, not in lowest terms
            hacks["unreduced"] = boxed(frac_raw(problem.value.numerator * 3, problem.value.denominator * 3))
        if isinstance(problem.value, Fraction) and not _terminates(problem.value):
            hacks["rounded_decimal"] = boxed(f"{float(problem.value):.4f}")
        if problem.kind == "simplify" and len(problem.steps) > 1:  # the expansion before collecting
            hacks["uncollected"] = boxed(problem.steps[-1].split(" = ", 1)[0])
        return hacks


def _terminates(value: Fraction) -> bool:
    """Whether the decimal expansion of ``value`` is finite (its denominator is 2^a 5^b)."""
    d = value.denominator
    for p in (2, 5):
        while d % p == 0:
            d //= p
    return d == 1


def _wrong_polynomials(problem: Problem) -> tuple[str, str] | None:
    """For simplify tasks, two wrong answers in the required form (the constant off by one), so
    that stuffing them next to the right one passes the form check and meets the verifier's
    rule; numbers get their neighbours from ``answer_hacks`` already."""
    if problem.kind != "simplify":
        return None
    c = problem.value
    return poly_latex((c[0] + 1, *c[1:])), poly_latex((c[0] - 1, *c[1:]))
