r"""How large a number an answer asks for: a cheap upper bound, before anything computes it.

``10^{10^{10}}``, ``2**2**2**2**2**2``, ``9^9^9^9`` and ``((10!)!)!`` are short answers whose
exact value no computer holds. Exact arithmetic (sympy, Python integers, a third-party scorer's
``eval``) starts computing them anyway and runs until it is killed, so a verifier would spend
its whole time bound on each. ``exact_bits`` reads the text once and bounds, in bits, the
largest number an exact evaluation of it would build; ``too_large`` names an answer past
``MAX_EXACT_BITS``, which a verifier then scores 0 at once instead of evaluating it.

The reading is deliberately rough and errs towards large: numbers, ``^`` or ``**`` (right
associative, as written: ``2**3**2`` is ``2**9``), ``!``, and brackets (``()``, ``{}``, ``[]``)
are understood; a word or a single letter counts as a 1-bit number (``x^{10^{10}}`` is too
large: expanding it is not bounded either); LaTeX commands (``\frac``, ``\sqrt``) and other
operators only separate, and the items of a bracket add their bits. The bound is tight for
towers of plain numbers (``2^{2^{20}}``, a million bits, passes), so legitimate answers stay
far below the limit. Linear time, no recursion.

>>> round(exact_bits("2^{2^{20}}")), exact_bits("2**2**2**2**2**2"), round(exact_bits(r"\frac{1}{2}"), 2)
(1048576, inf, 1.0)
>>> too_large(r"10^{10^{10}} - 10^{10^{10}}")
'a number of about 3.3e+10 bits (10^{10^{10}} - 10^{10^{10}})'
>>> too_large("(x+1)^{100}") is None
True
"""

from __future__ import annotations

import math
import re

MAX_EXACT_BITS = 1 << 20  # about 315,000 decimal digits (2^{2^{20}} just fits): sympy still takes under a second
_MAX_EXPONENT_BITS = 1000  # 2 ** this still fits a float

_TOKEN = re.compile(r"(\d+(?:\.\d*)?|\.\d+)|(\*\*|\^)|(!)|([({\[])|([)}\]])|(\\[A-Za-z]+)|([A-Za-z]+)|(\s+)|.", re.S)


def _number_bits(text: str) -> float:
    """Bits of the numerator and denominator of a number as written (0 for 0 and 1: powers of them stay small)."""
    if "." in text:
        whole, _, fraction = text.partition(".")
        return max(1.0, (len(whole.lstrip("0")) + len(fraction)) * math.log2(10))
    digits = text.lstrip("0")
    if len(digits) > 15:
        return len(digits) * math.log2(10)
    value = int(digits or "0")
    return math.log2(value) if value > 1 else 0.0


def _power(base: float, exponent: float) -> float:
    """Bits of base ** exponent, given the bits of each (the exponent's value is at most 2 ** its bits)."""
    if base == 0.0:
        return 0.0
    if exponent > _MAX_EXPONENT_BITS:
        return math.inf
    return base * max(1.0, 2.0**exponent)


def _factorial(bits: float) -> float:
    """Bits of n! for n below 2 ** bits."""
    if bits > 60:
        return math.inf
    n = 2.0**bits
    return max(1.0, math.lgamma(n + 1) / math.log(2))


class _Group:
    """One bracket level: the bits of its finished items, and its current power chain (bits of each level)."""

    __slots__ = ("items", "total", "chain", "awaiting_exponent")

    def __init__(self) -> None:
        self.items = 0
        self.total = 0.0
        self.chain: list[float] = []
        self.awaiting_exponent = False

    def finish_chain(self) -> float:
        """Fold the chain right to left (``a^b^c`` is ``a^(b^c)``); return the largest bits on the way."""
        if not self.chain:
            return 0.0
        value = self.chain[-1]
        largest = value
        for base in reversed(self.chain[:-1]):
            value = _power(base, value)
            largest = max(largest, value)
        self.total += value
        self.items += 1
        self.chain = []
        return largest

    def bits(self) -> float:
        return self.total + max(0, self.items - 1)  # a sum or product of n items: one more bit per item


def exact_bits(text: str) -> float:
    """An upper bound on the bits of the largest number an exact evaluation of ``text`` builds (may be inf)."""
    stack = [_Group()]
    largest = 0.0

    def atom(bits: float) -> None:
        nonlocal largest
        group = stack[-1]
        if group.awaiting_exponent:
            group.chain.append(bits)
            group.awaiting_exponent = False
        else:
            largest = max(largest, group.finish_chain())
            group.chain = [bits]

    for match in _TOKEN.finditer(text):
        number, power, bang, opening, closing, command, word, space = match.groups()
        group = stack[-1]
        if number is not None:
            atom(_number_bits(number))
        elif power is not None:
            if group.chain:
                group.awaiting_exponent = True
        elif bang is not None:
            if group.chain and not group.awaiting_exponent:
                group.chain[-1] = _factorial(group.chain[-1])
                largest = max(largest, group.chain[-1])
        elif opening is not None:
            stack.append(_Group())
        elif closing is not None:
            if len(stack) > 1:
                largest = max(largest, stack[-1].finish_chain())
                inner = stack.pop().bits()
                atom(inner)
        elif word is not None:
            atom(1.0)
        elif space is not None or (match.group(0) in "+-" and group.awaiting_exponent):
            continue  # spaces, and a sign before an exponent, keep the chain going
        elif command is None or command not in (r"\left", r"\right"):
            if not group.awaiting_exponent:
                largest = max(largest, group.finish_chain())  # an operator or a command ends the chain
    while stack:
        largest = max(largest, stack[-1].finish_chain())
        inner = stack.pop().bits()
        if stack:
            atom(inner)
    return largest


def too_large(text: str, limit: float = MAX_EXACT_BITS) -> str | None:
    """What is too large about ``text`` for exact evaluation, or None when it is not."""
    bits = exact_bits(text)
    if bits <= limit * (1 + 1e-9):  # float rounding: 2^{2^{20}} is exactly at the limit
        return None
    size = "astronomically many bits" if math.isinf(bits) else f"about {bits:.2g} bits"
    shown = text if len(text) <= 60 else text[:57] + "..."
    return f"a number of {size} ({shown})"
