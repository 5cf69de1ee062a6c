"""The ``math`` verifier on the second table (``tests/math_suite``), in both extraction modes.

The table was written apart from the verifier, graded by hand from the formats of public datasets
and chat-model completions. Where the verifier's verdict differs from the grader's, the case is
listed in ``DISAGREE`` with the reason, and runs as a strict expected failure: a change that makes
it agree fails here until the list is updated, and any other disagreement fails outright.
"""

from __future__ import annotations

import warnings

import pytest

import envgym
from envgym.verify.math import DatasetWarning, MathVerifier
from math_suite import CASES, SUITES, boxed_expectation

# (category, gold, end of completion): why the verifier and the grader part.
DISAGREE = {
    ("math/percent", r"40\%", r"**Answer:** $0.4$"):
        "the grader reads 0.4 as 0.4% in a question asking for a percent; the verifier takes 40% = 0.4",
    ("math/money", r"\$0.75", "So the answer is 75 cents."): "the verifier does not convert cents to dollars",
    ("olympiad/radicals_trig", r"\frac{\pi}{3}", r"\boxed{60^\circ}"):
        "degrees are dropped as a unit, not converted to radians",
    ("olympiad/intervals", "(-3, 3)", r"\boxed{|x|<3}"): "|x| < 3 is not rewritten as an interval",
    ("olympiad/plain_text_math", r"\log_2 3", "the answer is log2(3)"): "plain-text log2(3) is not read as a logarithm",
    ("olympiad/plain_text_math", r"\binom{2n}{n}", "the answer is C(2n, n)"): "C(n, k) is not read as a binomial",
    ("traps/structured_answers", "6", "The equation of the plane is $x + y + z = 6$."):
        "an equation whose other side is a constant is read as naming that value (a + b = 11 is 11)",
    ("traps/reward_hacks", "2", "So the final answer is 7.\n\n\\boxed{2}"): "the box outranks an earlier answer phrase",
    ("traps/reward_hacks", "15", r"$\boxed{12}$ is wrong; the answer is $\boxed{15}$."):
        "two different boxes are a hedge to the verifier, whatever the prose between them says",
}


def _disagrees(category: str, completion: str, gold: str) -> str | None:
    return next((why for (cat, g, end), why in DISAGREE.items() if cat == category and g == gold and completion.endswith(end)), None)


def _params(boxed: bool):
    out = []
    for i, (category, completion, gold, expected) in enumerate(CASES):
        want = boxed_expectation(completion, expected) if boxed else expected
        why = _disagrees(category, completion, gold)
        # under the boxed mode an unboxed completion scores 0 for both: only boxed disagreements remain
        disagrees = why is not None and (not boxed or "\\boxed" in completion)
        marks = [pytest.mark.xfail(strict=True, reason=why)] if disagrees else []
        out.append(pytest.param(completion, gold, want, marks=marks, id=f"{category}-{i}"))
    return out


@pytest.fixture(scope="module")
def final_answer():
    return envgym.make_verifier("math")


@pytest.fixture(scope="module")
def boxed():
    return envgym.make_verifier("math", mode="boxed")


@pytest.mark.parametrize("completion, gold, expected", _params(boxed=False))
def test_final_answer_mode(final_answer, completion, gold, expected):
    verdict = final_answer.verify(completion, gold)
    assert verdict.correct is expected, verdict.reason


@pytest.mark.parametrize("completion, gold, expected", _params(boxed=True))
def test_boxed_mode(boxed, completion, gold, expected):
    verdict = boxed.verify(completion, gold)
    assert verdict.correct is expected, verdict.reason


def test_the_table_is_large_varied_and_graded_both_ways():
    assert len(CASES) >= 800 and set(SUITES) == {"math", "gsm8k", "olympiad", "traps"}
    golds_in_delimiters = sum(g.lstrip().startswith(("$", "\\(", "\\[", "\\boxed")) for _, _, g, _ in CASES)
    unboxed = sum("\\boxed" not in c for _, c, _, _ in CASES)
    assert golds_in_delimiters >= 100 and unboxed >= 400
    for style, cases in SUITES.items():
        share = sum(not c[3] for c in cases) / len(cases)
        assert 0.3 <= share <= 0.6, style
    assert len({(c[1], c[2]) for c in CASES}) == len(CASES)


def test_an_identical_delimited_gold_and_answer_agree_and_the_reason_says_what_was_read():
    verdict = envgym.make_verifier("math").verify("So $x \\in [0,1)$, that is, $[0,1)$", "$[0,1)$")
    assert verdict.correct
    assert "gold '$[0,1)$' read as interval [0, 1)" in verdict.reason and "(closing math)" in verdict.reason
    wrong = envgym.make_verifier("math").verify("The values fill $-[0,1)$", "1")
    assert not wrong.correct and "read as number 1" in wrong.reason


def test_decimal_commas_are_read_where_the_gold_settles_them():
    v = MathVerifier()
    assert v.verify("Die Antwort ist 3,5 kg.", "3.5").correct
    assert v.verify(r"\boxed{1,2}", "1, 2").correct  # against a list, a comma separates
    assert not v.verify(r"\boxed{1,2}", "12").correct
    assert not v.verify("La réponse est 1,250.", "1.25").correct  # three digits: thousands
    assert v.verify("La réponse est 1,250.", "1250").correct
    assert v.verify("Total: 1.250,00 €", "1250").correct


def test_an_unreadable_gold_is_warned_once_as_a_dataset_problem():
    v = MathVerifier()
    gold = "\\frac{1}{ \\unknowncommand{{2}"
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        first, second = v.verify(r"\boxed{3}", gold), v.verify(r"\boxed{4}", gold)
    assert [w.category for w in seen] == [DatasetWarning]
    assert "dataset problem" in first.reason and "dataset problem" in second.reason
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        assert v.verify("So the winner is Devon.", r"\text{Devon}").correct  # words are answers, not problems
    assert not seen


def test_boxed_mode_refuses_unboxed_answers_and_says_so():
    verdict = MathVerifier(mode="boxed").verify("The answer is 12.", "12")
    assert not verdict.correct and "no \\boxed{}" in verdict.reason
    with pytest.raises(ValueError, match="mode"):
        MathVerifier(mode="loose")
