r"""Writing exact answers in LaTeX, and checking that an answer is written in a required form.

A symbolic verifier accepts any expression equal to the reference, so on "simplify this" tasks
the question's own expression is a correct answer. The Algebra environment closes that hole
with the form checks here: they only look at how an answer is written, never at its value
(that is the verifier's job), and each is a regex pass, linear in the answer's length.

>>> frac_latex(Fraction(-3, 2)), frac_latex(Fraction(4))
('-\\frac{3}{2}', '4')
>>> poly_latex((-6, -1, 1))
'x^2 - x - 6'
>>> monomials_latex([(1, 2), (-3, 1), (2, 1), (-6, 0)])
'x^2 - 3x + 2x - 6'
>>> parse_simple_number(r"x = -\frac{3}{2}"), is_lowest_terms(r"\frac{6}{4}")
(Fraction(-3, 2), False)
>>> polynomial_degrees("x^{2} - x - 6"), polynomial_degrees("(x + 2)(x - 3)")
([2, 1, 0], None)
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from fractions import Fraction
from math import gcd

Monomial = tuple[int, int]  # (coefficient, degree)

_STRIP = re.compile(r"\s+|\$|\\[,;!]|\\left|\\right")
_VAR_PREFIX = re.compile(r"^[a-zA-Z]=")
_DECIMAL = re.compile(r"([-+]?)(\d+(?:\.\d+)?)")
_SLASH = re.compile(r"([-+]?)(\d+)/(\d+)")
_FRAC = re.compile(r"([-+]?)\\[dt]?frac\{(\d+)\}\{(\d+)\}")
_TERM = re.compile(r"([-+]?)([^-+]+)")
_BRACED_EXP = re.compile(r"\^\{(\d+)\}")
_MAX_FORM_CHARS = 1_000


# ---- writing ------------------------------------------------------------------------------


def frac_raw(numerator: int, denominator: int) -> str:
    r"""``n/d`` as LaTeX *without* reducing it (worked steps show unreduced fractions)."""
    sign = "-" if (numerator < 0) != (denominator < 0) and numerator != 0 else ""
    n, d = abs(numerator), abs(denominator)
    return f"{sign}{n}" if d == 1 else f"{sign}\\frac{{{n}}}{{{d}}}"


def frac_latex(value: Fraction | int) -> str:
    """A rational in lowest terms: an integer, or ``\\frac{p}{q}`` with the sign in front."""
    value = Fraction(value)
    return frac_raw(value.numerator, value.denominator)


def _monomial(coef: int, degree: int, var: str) -> str:
    c = abs(coef)
    if degree == 0:
        return str(c)
    power = var if degree == 1 else f"{var}^{{{degree}}}" if degree > 9 else f"{var}^{degree}"
    return power if c == 1 else f"{c}{power}"


def monomials_latex(monomials: Sequence[Monomial], var: str = "x") -> str:
    """A sum of monomials in the order given, like terms not collected; zero terms are skipped."""
    out = ""
    for coef, degree in monomials:
        if coef == 0:
            continue
        text = _monomial(coef, degree, var)
        if not out:
            out = f"-{text}" if coef < 0 else text
        else:
            out += f" - {text}" if coef < 0 else f" + {text}"
    return out or "0"


def poly_latex(coefficients: Sequence[int], var: str = "x") -> str:
    """A polynomial from its coefficients (constant first), highest degree first."""
    return monomials_latex([(c, k) for k, c in reversed(list(enumerate(coefficients)))], var)


# ---- reading forms ------------------------------------------------------------------------


def _squeeze(text: str) -> str | None:
    s = _STRIP.sub("", text)
    return s if len(s) <= _MAX_FORM_CHARS else None


def _number_parts(text: str) -> tuple[int, int, bool] | None:
    """(numerator, denominator, is_fraction) of a plain written number, or None."""
    s = _squeeze(text)
    if s is None:
        return None
    s = _VAR_PREFIX.sub("", s)
    if m := _DECIMAL.fullmatch(s):
        value = Fraction(m[2]) * (-1 if m[1] == "-" else 1)
        return value.numerator, value.denominator, False
    if m := (_SLASH.fullmatch(s) or _FRAC.fullmatch(s)):
        if int(m[3]) == 0:
            return None
        return (-1 if m[1] == "-" else 1) * int(m[2]), int(m[3]), True
    return None


def parse_simple_number(text: str) -> Fraction | None:
    r"""The value of an integer, decimal, ``a/b`` or ``\frac{a}{b}`` (optionally ``x = ...``), or None."""
    parts = _number_parts(text)
    return None if parts is None else Fraction(parts[0], parts[1])


def is_lowest_terms(text: str) -> bool:
    r"""Whether ``text`` is one number in simplest form: an integer, a decimal, or a fraction
    ``a/b`` / ``\frac{a}{b}`` with ``gcd(a, b) = 1`` and ``b > 1``; ``x = `` may precede it."""
    parts = _number_parts(text)
    if parts is None:
        return False
    n, d, is_fraction = parts
    return not is_fraction or (d > 1 and gcd(n, d) == 1)


def polynomial_degrees(text: str, var: str = "x") -> list[int] | None:
    """The degree of each term when ``text`` is a sum of integer-coefficient monomials in
    ``var`` (no parentheses, no products of terms), else None."""
    s = _squeeze(text)
    if not s:
        return None
    s = _BRACED_EXP.sub(r"^\1", s.replace("\\cdot", "").replace("*", ""))
    monomial = re.compile(rf"(\d*)(?:({re.escape(var)})(?:\^(\d+))?)?")
    degrees, consumed = [], 0
    for term in _TERM.finditer(s):
        if term.start() != consumed:
            return None
        consumed = term.end()
        m = monomial.fullmatch(term[2])
        if m is None or not (m[1] or m[2]):
            return None
        degrees.append(0 if not m[2] else int(m[3] or 1))
    return degrees if consumed == len(s) else None


def is_collected_polynomial(text: str, var: str = "x") -> bool:
    """Whether ``text`` is a polynomial with like terms collected: one term per degree."""
    degrees = polynomial_degrees(text, var)
    return degrees is not None and len(degrees) == len(set(degrees))
