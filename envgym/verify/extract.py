r"""Finding the final answer in a completion. Every function here is linear in its input.

>>> boxed_contents(r"so \boxed{\frac{1}{2}} and \boxed{3}")
['\\frac{1}{2}', '3']
>>> final_number("12 + 34 = 46, so the answer is 46.")
'46'
>>> parse_number("1,234.50")
Fraction(2469, 2)
>>> parse_number("-7") == -7, parse_number("50%")
(True, None)
"""

from __future__ import annotations

import re
from fractions import Fraction

_BOX_OPEN = re.compile(r"\\(?:boxed|fbox)\s*\{")
_FLAT_BOX = re.compile(r"([^{}]*)\}")
# A number as people write it: optional sign, digits with optional thousands commas, decimals.
_NUMBER = re.compile(r"(?<![\w.])[-−]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?:/\d+)?(?![\w])")
_PLAIN = re.compile(r"[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d{1,3})?")
_RATIO = re.compile(r"[-+]?\d+/\d+")
_THOUSANDS = re.compile(r"[-+]?\d{1,3}(?:,\d{3})+(?:\.\d+)?")
# Digits separated by spaces (or LaTeX thin spaces) only group thousands: "12 345", not "12 34".
_SPACED_DIGITS = re.compile(r"\d+(?:(?: |\\,|\\!)+\d+)+")
_SPACED_THOUSANDS = re.compile(r"\d{1,3}(?:(?: |\\,|\\!)\d{3})+")
_MAX_DIGITS = 200


def boxed_contents(text: str) -> list[str]:
    r"""Contents of every ``\boxed{...}`` (and ``\fbox``), with nested braces balanced.

    An unclosed box is ignored: it is not an answer.
    """
    out = []
    pos = 0
    while True:
        m = _BOX_OPEN.search(text, pos)
        if m is None:
            return out
        flat = _FLAT_BOX.match(text, m.end())  # the common case, no braces inside: one regex step
        if flat is not None:
            out.append(flat.group(1))
            pos = flat.end()
            continue
        depth, i = 1, m.end()
        start = i
        while i < len(text) and depth:
            c = text[i]
            if c == "{":
                depth += 1
            elif c == "}":
                depth -= 1
            i += 1
        if depth:
            return out
        out.append(text[start : i - 1])
        pos = i


def final_number(text: str) -> str | None:
    """The last number written in the text, or None."""
    last = None
    for last in _NUMBER.finditer(text):
        pass
    return last.group(0) if last else None


def parse_number(text: str) -> Fraction | int | None:
    """An exact rational from a written number, or None when it is not one.

    Accepts signs (including Unicode minus), thousands separators (commas, or spaces between
    groups of three), decimals, ``a/b``, small exponents, a leading ``$`` and a trailing period.
    A percent sign is not dropped: ``50%`` is not ``50``, and ``12 34`` is two numbers, not one.
    Bounded: more than 200 characters or exponents past 999 are refused.
    """
    if text.isascii() and text.isdigit() and len(text) <= _MAX_DIGITS:  # the common case, without Fraction's cost
        return int(text)
    if len(text) > 4 * _MAX_DIGITS:
        return None
    for group in _SPACED_DIGITS.finditer(text):
        if not _SPACED_THOUSANDS.fullmatch(group.group(0)):
            return None
    s = text.strip().replace("−", "-").replace("\\,", "").replace("\\!", "").replace("\\$", "$").replace(" ", "")
    if s.startswith("$") and not s.startswith("$$"):
        s = s[1:]
    s = s.rstrip(".")
    if not s or len(s) > _MAX_DIGITS:
        return None
    if _THOUSANDS.fullmatch(s):
        s = s.replace(",", "")
    if not (_PLAIN.fullmatch(s) or _RATIO.fullmatch(s)):
        return None
    try:
        return Fraction(s)
    except (ValueError, ZeroDivisionError):
        return None
