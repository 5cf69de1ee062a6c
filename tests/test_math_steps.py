"""math-steps: per-step rewards that point at the wrong step."""

import pytest

import envgym
from envgym.verify.steps import claims, split_steps


@pytest.fixture(scope="module")
def steps():
    return envgym.make_verifier("math-steps")


def test_arithmetic_chain_with_an_error(steps):
    solution = "12 + 34 = 46\n46 \\cdot 2 = 92\n92 - 7 = 84\nThe answer is \\boxed{84}."
    verdict = steps.verify(solution, None)
    assert verdict.step_rewards == (1.0, 1.0, 0.0, 1.0)
    assert not verdict.correct and "step(s) 3" in verdict.reason
    assert verdict.reward == pytest.approx(2 / 3)


def test_equation_solving_tracks_the_solution(steps):
    good = "3x + 5 = 11\n3x = 6\nx = 2\n\\boxed{2}"
    bad = "3x + 5 = 11\n3x = 16\nx = 16/3\n\\boxed{16/3}"
    assert steps.verify(good, "2").step_rewards == (1.0, 1.0, 1.0, 1.0)
    assert steps.verify(good, "2").correct and steps.verify(good, "2").reward == 1.0
    verdict = steps.verify(bad, "2")
    assert verdict.step_rewards[1] == 0.0 and not verdict.correct
    assert verdict.reward == 0.0  # the final answer is wrong too


def test_identities_fractions_and_prose(steps):
    solution = (
        "First expand: (x+2)(x-3) = x^2 - 3x + 2x - 6 = x^2 - x - 6.\n"
        "Also \\frac{1}{2} + \\frac{1}{3} = \\frac{5}{6}.\n"
        "And (a+b)^2 = a^2 + b^2 is a common mistake.\n"
        "Nothing to check in this sentence."
    )
    verdict = steps.verify(solution, None)
    assert verdict.step_rewards == (1.0, 1.0, 0.0, 1.0)
    assert verdict.details["checked_steps"] == 3


def test_unchecked_steps_take_the_configured_reward():
    verifier = envgym.make_verifier("math-steps", unchecked=0.5)
    assert verifier.verify("think hard\n2 + 2 = 4", None).step_rewards == (0.5, 1.0)


def test_splitting_and_claim_extraction():
    assert split_steps("A is 2. Then B = 3.\n") == ["A is 2.", "Then B = 3."]
    assert claims("so x = 3, because 1 + 2 = 3") == [["x", "3"], ["1 + 2", "3"]]
    assert claims("no equations here") == []


@pytest.mark.parametrize("text", ["", "=====", "= = 1", "\\frac{=}{=}", "x = " * 5000, "1=" * 20000])
def test_hostile_solutions_never_raise(steps, text):
    verdict = steps.verify(text, "1")
    assert 0.0 <= verdict.reward <= 1.0


@pytest.mark.parametrize("step", [
    "x^2 + 9x + 5x + 45 = 1 + x^2 + 14x + 45",   # sides differ by a constant
    "(x+2)(x-3) = x^2 + x - 6",                    # a wrong expansion, both sides nonlinear
])
def test_wrong_expansions_are_caught(steps, step):
    assert steps.verify(step, None).step_rewards == (0.0,)


def test_nonlinear_equation_is_not_mistaken_for_an_identity(steps):
    assert steps.verify("x^2 = 4", None).step_rewards == (1.0,)  # unchecked, not wrong
    assert steps.verify("(x+2)(x-3) = x^2 - x - 6", None).step_rewards == (1.0,)
