r"""Generated algebra problems with worked solutions: linear equations, fractions, expansion.

Each generator draws from a ``numpy`` generator and returns a ``Problem`` whose ``steps`` are
lines a careful checker can verify one by one: equations with the same solution as the one
before (linear), or identities (fractions, expansion). Exact arithmetic throughout (``Fraction``
and integer coefficient lists), so no sympy is needed here; the tests use sympy to check.

    kind       difficulty 1             difficulty 2                  difficulty 3
    linear     ax + b = d, x integer    ax + b = cx + d, x integer    ax + b = cx + d, x a fraction
    fractions  a/b ± c/d, b, d <= 9     a/b (+ - × ÷) c/d, <= 12      (a/b ± c/d) (× ÷) e/f
    simplify   (x + a)(x + b)           (px + a)(qx + b), m(..) + n(..)  cubic products, differences

>>> p = linear(np.random.default_rng(0), 1)
>>> p.steps[0] == p.statement and p.steps[-1] == f"x = {p.answer}"
True
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from fractions import Fraction
from math import lcm
from typing import Literal

import numpy as np

from envgym_math.forms import Monomial, frac_latex, frac_raw, monomials_latex, poly_latex

Kind = Literal["linear", "fractions", "simplify"]
Poly = tuple[int, ...]  # integer coefficients, constant first
VARIABLES = ("x", "y", "n", "t")
_OPS = {"+": "+", "-": "-", "*": "\\cdot", "/": "\\div"}


@dataclass(frozen=True)
class Problem:
    """One generated problem.

    statement: the math alone (an equation or an expression), in LaTeX.
    question: the user message.
    answer: the reference answer in LaTeX, in the form the task asks for.
    steps: the worked solution, one checkable equation per line.
    value: the exact answer: a Fraction, or a polynomial's coefficients (constant first).
    variable: the unknown (linear) or the polynomial's variable (simplify), else None.
    """

    kind: Kind
    statement: str
    question: str
    answer: str
    steps: tuple[str, ...]
    value: Fraction | Poly
    variable: str | None = None


def _nonzero(rng: np.random.Generator, low: int, high: int) -> int:
    """A uniform integer in [low, high] other than 0."""
    while True:
        v = int(rng.integers(low, high + 1))
        if v:
            return v


def _echo_safe(question: str, value: Fraction) -> bool:
    """False when the answer is an integer written in the question: echoing it back must not score."""
    return value.denominator != 1 or str(abs(value.numerator)) not in re.findall(r"\d+", question)


def _dedupe(lines: Sequence[str]) -> tuple[str, ...]:
    return tuple(line for i, line in enumerate(lines) if i == 0 or line != lines[i - 1])


# ---- linear equations ---------------------------------------------------------------------


def _linear_coefficients(rng: np.random.Generator, difficulty: int) -> tuple[int, int, int, int]:
    if difficulty == 1:
        a, b, x = int(rng.integers(2, 10)), int(rng.integers(1, 21)), int(rng.integers(1, 11))
        return a, b, 0, a * x + b
    if difficulty == 2:
        a, c = _nonzero(rng, -9, 9), _nonzero(rng, -9, 9)
        b, x = int(rng.integers(-20, 21)), _nonzero(rng, -10, 10)
        return a, b, c, (a - c) * x + b
    a, c = _nonzero(rng, -12, 12), _nonzero(rng, -12, 12)
    return a, int(rng.integers(-30, 31)), c, int(rng.integers(-30, 31))


def linear(rng: np.random.Generator, difficulty: int) -> Problem:
    """Solve ``ax + b = cx + d``; the answer is the value of the unknown, in lowest terms."""
    var = VARIABLES[int(rng.integers(len(VARIABLES)))] if difficulty > 1 else "x"
    while True:
        a, b, c, d = _linear_coefficients(rng, difficulty)
        if a == c:
            continue
        x = Fraction(d - b, a - c)
        if (difficulty == 3) == (x.denominator == 1) or x == 0:
            continue
        statement = f"{monomials_latex([(a, 1), (b, 0)], var)} = {monomials_latex([(c, 1), (d, 0)], var)}"
        question = f"Solve for ${var}$: ${statement}$."
        if _echo_safe(question, x):
            break
    steps = [statement]
    if c:
        steps.append(f"{monomials_latex([(a, 1), (-c, 1)], var)} = {monomials_latex([(d, 0), (-b, 0)], var)}")
    elif b:
        steps.append(f"{monomials_latex([(a, 1)], var)} = {monomials_latex([(d, 0), (-b, 0)], var)}")
    steps.append(f"{monomials_latex([(a - c, 1)], var)} = {d - b}")
    steps.append(f"{var} = {frac_latex(x)}")
    return Problem("linear", statement, question, frac_latex(x), _dedupe(steps), x, var)


# ---- fraction arithmetic ------------------------------------------------------------------


def _fraction(rng: np.random.Generator, max_numerator: int, max_denominator: int) -> Fraction:
    """A positive fraction in lowest terms that is not a whole number."""
    while True:
        f = Fraction(int(rng.integers(1, max_numerator + 1)), int(rng.integers(2, max_denominator + 1)))
        if f.denominator != 1:
            return f


def _apply(op: str, p: Fraction, q: Fraction) -> Fraction:
    return {"+": p + q, "-": p - q, "*": p * q, "/": p / q}[op]


def _fraction_steps(op: str, p: Fraction, q: Fraction) -> list[str]:
    """The worked steps of ``p op q``, ending with the result in lowest terms."""
    lhs = f"{frac_latex(p)} {_OPS[op]} {frac_latex(q)}"
    steps = []
    if op == "/":
        steps.append(f"{lhs} = {frac_latex(p)} \\cdot {frac_latex(1 / q)}")
        op, q, lhs = "*", 1 / q, f"{frac_latex(p)} \\cdot {frac_latex(1 / q)}"
    if op == "*":
        num, den = p.numerator * q.numerator, p.denominator * q.denominator
    else:
        den = lcm(p.denominator, q.denominator)
        a, b = p.numerator * (den // p.denominator), q.numerator * (den // q.denominator)
        if p.denominator != q.denominator:
            widened = f"{frac_raw(a, den)} {_OPS[op]} {frac_raw(b, den)}"
            steps.append(f"{lhs} = {widened}")
            lhs = widened
        num = a + b if op == "+" else a - b
    steps.append(f"{lhs} = {frac_raw(num, den)}")
    if Fraction(num, den).denominator != den:
        steps.append(f"{frac_raw(num, den)} = {frac_latex(Fraction(num, den))}")
    return steps


def fractions(rng: np.random.Generator, difficulty: int) -> Problem:
    """Compute with fractions; the answer is a fraction in lowest terms (or an integer)."""
    top, bottom = {1: (8, 9), 2: (12, 12), 3: (12, 12)}[difficulty]
    while True:
        p, q = _fraction(rng, top, bottom), _fraction(rng, top, bottom)
        ops = "+-" if difficulty != 2 else "+-*/"
        op = ops[int(rng.integers(len(ops)))]
        inner = _apply(op, p, q)
        statement = f"{frac_latex(p)} {_OPS[op]} {frac_latex(q)}"
        steps = _fraction_steps(op, p, q)
        value = inner
        if difficulty == 3:
            r, outer = _fraction(rng, top, bottom), "*/"[int(rng.integers(2))]
            value = _apply(outer, inner, r) if inner else Fraction(0)
            statement = f"\\left({statement}\\right) {_OPS[outer]} {frac_latex(r)}"
            steps.append(f"{statement} = {frac_latex(inner)} {_OPS[outer]} {frac_latex(r)}")
            steps += _fraction_steps(outer, inner, r)
        question = f"Compute ${statement}$. Give the answer as a fraction in lowest terms (or an integer)."
        if value and value not in (p, q) and _echo_safe(question, value):
            return Problem("fractions", statement, question, frac_latex(value), _dedupe(steps), value)


# ---- expanding and collecting polynomials -------------------------------------------------

Term = tuple[int, tuple[Poly, ...]]  # coefficient times a product of polynomial factors


def _poly_mul(p: Poly, q: Poly) -> Poly:
    out = [0] * (len(p) + len(q) - 1)
    for (i, a), (j, b) in itertools.product(enumerate(p), enumerate(q)):
        out[i + j] += a * b
    return tuple(out)


def _poly_add(p: Poly, q: Poly) -> Poly:
    out = [a + b for a, b in itertools.zip_longest(p, q, fillvalue=0)]
    while len(out) > 1 and out[-1] == 0:
        out.pop()
    return tuple(out)


def _term_value(term: Term) -> Poly:
    value: Poly = (term[0],)
    for factor in term[1]:
        value = _poly_mul(value, factor)
    return value


def _term_latex(term: Term, first: bool) -> str:
    coef, factors = term
    parts = [f"({poly_latex(f)})" for f in factors]
    if len(parts) == 2 and factors[0] == factors[1]:
        parts = [f"{parts[0]}^2"]
    sign = ("-" if first else " - ") if coef < 0 else ("" if first else " + ")
    return sign + ("" if abs(coef) == 1 else str(abs(coef))) + "".join(parts)


def _distribute(term: Term) -> list[Monomial]:
    """The monomials of a product before like terms are collected, in FOIL order."""
    coef, factors = term
    per_factor = [[(c, k) for k, c in reversed(list(enumerate(f))) if c] for f in factors]
    out = []
    for combo in itertools.product(*per_factor):
        c, k = coef, 0
        for mc, mk in combo:
            c, k = c * mc, k + mk
        out.append((c, k))
    return out


def _simplify_terms(rng: np.random.Generator, difficulty: int) -> list[Term]:
    """The expression to expand, as terms; two shapes per level above 1, chosen at random."""

    def n() -> int:
        return _nonzero(rng, -9, 9)

    pick = int(rng.integers(2))
    if difficulty == 1:
        return [(1, ((n(), 1), (n(), 1)))]
    if difficulty == 2 and pick:
        return [(1, ((n(), int(rng.integers(1, 6))), (n(), int(rng.integers(1, 6)))))]
    if difficulty == 2:
        return [(n(), ((n(), int(rng.integers(1, 4))),)), (n(), ((n(), int(rng.integers(1, 4))),))]
    if pick:
        return [(1, ((n(), 1), (n(), n(), 1)))]
    a = (n(), 1)
    return [(1, (a, a)), (-1, ((n(), 1), (n(), 1)))]


def simplify(rng: np.random.Generator, difficulty: int) -> Problem:
    """Expand and collect a polynomial expression in x; the answer is the collected polynomial."""
    while True:
        terms = _simplify_terms(rng, difficulty)
        value: Poly = (0,)
        for term in terms:
            value = _poly_add(value, _term_value(term))
        if len(value) > 1 and sum(1 for c in value if c) > 1:
            break
    statement = "".join(_term_latex(t, i == 0) for i, t in enumerate(terms))
    expanded = monomials_latex([m for t in terms for m in _distribute(t)])
    answer = poly_latex(value)
    steps = _dedupe([f"{statement} = {expanded}", f"{expanded} = {answer}"] if expanded != answer else [f"{statement} = {answer}"])
    question = f"Expand and simplify ${statement}$."
    return Problem("simplify", statement, question, answer, steps, value, "x")


GENERATORS: dict[str, Callable[[np.random.Generator, int], Problem]] = {
    "linear": linear,
    "fractions": fractions,
    "simplify": simplify,
}
