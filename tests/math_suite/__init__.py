"""A second table for the ``math`` verifier, written apart from ``tests/math_cases.py`` and from the
verifier itself: golds in the formats of public datasets (MATH, GSM8K, NuminaMath and OlympiadBench,
AIME, AMC) and completions as chat models write them, boxed or not, plus traps for loose
extraction. Each case is ``(category, completion, gold, expected_correct)``, graded by a careful
human in the ``final-answer`` sense (the completion's stated final answer, however it is written).

``SUITES`` maps each style to its cases; ``CASES`` holds them all with the style in the category
(``"gsm8k/thousands"``). ``boxed_expectation`` gives the verdict under the ``boxed`` mode.
"""

from __future__ import annotations

import re

from math_suite import gsm8k_style, math_style, olympiad_style, traps

SUITES = {"math": math_style.CASES, "gsm8k": gsm8k_style.CASES, "olympiad": olympiad_style.CASES, "traps": traps.CASES}
CASES = [(f"{style}/{category}", completion, gold, expected)
         for style, cases in SUITES.items() for category, completion, gold, expected in cases]

_BOX = re.compile(r"\\(?:boxed|fbox)\s*\{")


def boxed_expectation(completion: str, expected: bool) -> bool:
    """Under the ``boxed`` mode only a boxed answer counts: a right answer left unboxed scores 0."""
    return expected and bool(_BOX.search(completion))
