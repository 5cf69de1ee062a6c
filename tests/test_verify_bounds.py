r"""The stated time bound holds for the whole verify call, and number bombs are refused at once.

Issue 18: MathQA-v0 spent 5.7 s (bound 5 s) on ``\boxed{10^{10^{10}} - 10^{10^{10}}}``: the fast
path found it undecidable, sympy started computing the number, and the worker was killed at the
bound, whose clock started only after a replacement worker had finished importing sympy.
"""

from __future__ import annotations

import time

import pytest

import envgym
from envgym import Guarded, Verdict
from envgym.verify.bignum import MAX_EXACT_BITS, exact_bits, too_large
from verifiers_for_tests import Misbehaving

BOMBS = [
    r"\boxed{10^{10^{10}} - 10^{10^{10}}}",
    r"\boxed{10^{10^{10}}}",
    r"\boxed{9^{9^{9^{9}}}}",
    r"\boxed{2^{2^{2^{2^{2^{2}}}}}}",
    r"\boxed{((10!)!)!}",
    r"\boxed{1000000! - 1000000!}",
    r"\boxed{(10^{10^{10}})!}",
    r"\boxed{\frac{10^{10^{10}}+1}{10^{10^{10}}}}",
    r"\boxed{\sqrt{10^{10^{10}}}}",
    r"\boxed{\sin(10^{10^{10}})}",
    r"\boxed{e^{10^{10}} - e^{10^{10}}}",
    r"The answer is $10^{-10^{10}}$.",
    r"\boxed{2**2**2**2**2**2}",
    r"\boxed{9^9^9^9}",
]


@pytest.fixture(scope="module")
def math_verifier():
    verifier = envgym.make_verifier("math")
    assert verifier.verify(r"\boxed{x^2 - 1}", "(x-1)(x+1)").correct  # the worker is warm
    return verifier


@pytest.mark.parametrize("bomb", BOMBS)
@pytest.mark.parametrize("gold", ["0", "1", r"\frac{1}{2}"])
def test_number_bombs_score_0_far_under_the_bound(math_verifier, bomb, gold):
    start = time.perf_counter()
    verdict = math_verifier.verify(bomb, gold)
    elapsed = time.perf_counter() - start
    assert type(verdict) is Verdict and verdict.reward == 0.0 and not verdict.details.get("timeout"), verdict
    assert elapsed < 0.5, f"{bomb} against {gold} took {elapsed:.2f}s (bound {math_verifier.timeout_s}s)"


def test_mathqa_scores_a_bomb_at_once():
    env = envgym.make("envgym/MathQA-v0")
    env.reset(seed=0)
    start = time.perf_counter()
    verdict = env.score(r"\boxed{10^{10^{10}} - 10^{10^{10}}}")
    assert time.perf_counter() - start < 0.5 and verdict.reward == 0.0
    assert "too large" in verdict.reason


@pytest.mark.parametrize("answer, gold", [
    (r"\boxed{2^{100}}", "1267650600228229401496703205376"),
    (r"\boxed{10^{10^{10}}}", "10^{10^{10}}"),  # the same tree: equal without evaluating
    (r"\boxed{\frac{20!}{18!}}", "380"),
    (r"\boxed{2^{2^{4}}}", "65536"),
    (r"\boxed{x^{100} \cdot x}", "x^{101}"),
])
def test_large_but_computable_answers_still_score(math_verifier, answer, gold):
    assert math_verifier.verify(answer, gold).correct


def test_the_bound_covers_the_whole_call_even_right_after_a_kill():
    """Hangs back to back: each call's worker was just killed and its replacement is still starting
    (importing sympy) when the next call comes. The bound holds for every call all the same."""
    assert Guarded(Misbehaving(), timeout_s=10).verify("1", 1).correct  # a warm worker to begin with
    guarded = Guarded(Misbehaving(), timeout_s=1.0)
    times = []
    for _ in range(3):
        start = time.perf_counter()
        verdict = guarded.verify("hang", 1)
        times.append(time.perf_counter() - start)
        assert verdict.details.get("timeout") is True
    assert max(times) < 1.0 + 0.25, times
    assert Guarded(Misbehaving(), timeout_s=10).verify("1", 1).correct  # a fresh worker serves the next answer


def test_exact_bits_reads_towers_right_to_left_and_tightly():
    assert exact_bits("2^{2^{20}}") == pytest.approx(2**20)
    assert exact_bits("2**2**2**2**2") == pytest.approx(2**16)
    assert exact_bits("((2**2)**2)**2") == pytest.approx(8)
    assert exact_bits("9^9^9^9") == float("inf")
    assert too_large("2^{2^{20}}") is None and too_large("2^{2^{21}}") is not None
    assert too_large("1^{10^{10}}") is None and too_large("(-1)^{10^{10}}") is None  # 0 and 1 stay small
    assert exact_bits("1, " * 60_000) < MAX_EXACT_BITS  # a long list is not a large number
