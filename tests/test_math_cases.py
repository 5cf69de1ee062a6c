"""The ``math`` verifier against the equivalence table in ``math_cases.py``.

Each case asserts the verdict a careful grader would give; a failure here is a verifier bug unless
the case's comment says the expectation is debatable.
"""

from __future__ import annotations

from collections import Counter

import pytest

import envgym
from envgym import Verdict
from math_cases import CASES, STRICT_CASES, STRICT_NEUTRAL


@pytest.fixture(scope="module")
def verifier():
    return envgym.make_verifier("math")


@pytest.fixture(scope="module")
def strict_verifier():
    return envgym.make_verifier("math", strict=True)


def _check(verdict: Verdict, expected: bool) -> None:
    assert type(verdict) is Verdict, verdict
    assert verdict.correct is expected, verdict
    assert 0.0 <= verdict.reward <= 1.0, verdict
    assert (verdict.reward == 1.0) is verdict.correct, verdict
    assert verdict.correct or verdict.reason, "a rejected answer needs a reason"


@pytest.mark.parametrize(
    "category, completion, reference, expected", CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)]
)
def test_case(verifier, category, completion, reference, expected):
    _check(verifier.verify(completion, reference), expected)


@pytest.mark.parametrize("completion, reference, expected", STRICT_CASES, ids=[f"strict-{i}" for i in range(len(STRICT_CASES))])
def test_strict_case(verifier, strict_verifier, completion, reference, expected):
    _check(strict_verifier.verify(completion, reference), expected)
    # The table's premise: strict mode is what changes the verdict.
    assert verifier.verify(completion, reference).correct is not expected


# Strict mode only turns features off, so it never accepts what the default rejects, and it
# changes nothing in categories that need none of those features.
STRICT_UNCHANGED = [(i, c) for i, c in enumerate(CASES) if not c[3] or c[0] in STRICT_NEUTRAL]


@pytest.mark.parametrize("index, case", STRICT_UNCHANGED, ids=[f"{c[0]}-{i}" for i, c in STRICT_UNCHANGED])
def test_strict_keeps_verdict(strict_verifier, index, case):
    _category, completion, reference, expected = case
    _check(strict_verifier.verify(completion, reference), expected)


def test_table_covers_every_category_both_ways():
    assert len(CASES) >= 150
    verdicts = Counter((c[0], c[3]) for c in CASES)
    categories = {c[0] for c in CASES}
    missing = [(cat, want) for cat in sorted(categories) for want in (True, False) if not verdicts[cat, want]]
    assert not missing, f"categories without a case of that verdict: {missing}"
    assert 0.3 <= sum(not c[3] for c in CASES) / len(CASES) <= 0.5
    assert STRICT_NEUTRAL <= categories
    assert len({(c[1], repr(c[2])) for c in CASES}) == len(CASES), "duplicate case"
