"""envgym/Algebra-v0: generated problems are right (checked with sympy), steps check, forms are enforced."""

from __future__ import annotations

import re
from fractions import Fraction

import numpy as np
import pytest
import sympy
from sympy.parsing.sympy_parser import implicit_multiplication_application, parse_expr, standard_transformations

import envgym
from envgym.check import check_environment
from envgym_math.forms import is_collected_polynomial, is_lowest_terms, parse_simple_number, polynomial_degrees
from envgym_math.problems import GENERATORS

ENV_ID = "envgym/Algebra-v0"
SEEDS = range(60)
TRANSFORMS = standard_transformations + (implicit_multiplication_application,)


def to_sympy(latex: str) -> sympy.Expr:
    """An independent reading of the generator's LaTeX (only the notation it writes)."""
    s = re.sub(r"\\frac\{(\d+)\}\{(\d+)\}", r"Rational(\1, \2)", latex)
    for old, new in (("\\left(", "("), ("\\right)", ")"), ("\\cdot", "*"), ("\\div", "/"), ("^", "**")):
        s = s.replace(old, new)
    return parse_expr(s, transformations=TRANSFORMS)


def solutions(equation: str, var: str) -> set:
    lhs, rhs = equation.split(" = ")
    return set(sympy.solve(to_sympy(lhs) - to_sympy(rhs), sympy.Symbol(var)))


@pytest.mark.parametrize("difficulty", [1, 2, 3])
def test_linear_answer_solves_the_equation_and_every_step_keeps_the_solution(difficulty):
    for seed in SEEDS:
        p = GENERATORS["linear"](np.random.default_rng(seed), difficulty)
        x = sympy.Rational(p.value.numerator, p.value.denominator)
        lhs, rhs = p.statement.split(" = ")
        assert sympy.simplify(to_sympy(lhs).subs(p.variable, x) - to_sympy(rhs).subs(p.variable, x)) == 0
        assert all(solutions(step, p.variable) == {x} for step in p.steps), p.steps
        assert p.steps[0] == p.statement and p.steps[-1] == f"{p.variable} = {p.answer}"
        assert is_lowest_terms(p.answer) and parse_simple_number(p.answer) == p.value
        assert (p.value.denominator == 1) == (difficulty < 3)


@pytest.mark.parametrize("difficulty", [1, 2, 3])
def test_fraction_answer_is_the_value_in_lowest_terms_and_steps_are_identities(difficulty):
    for seed in SEEDS:
        p = GENERATORS["fractions"](np.random.default_rng(seed), difficulty)
        assert to_sympy(p.statement) == sympy.Rational(p.value.numerator, p.value.denominator)
        assert is_lowest_terms(p.answer) and parse_simple_number(p.answer) == p.value
        for step in p.steps:
            lhs, rhs = step.split(" = ")
            assert to_sympy(lhs) == to_sympy(rhs), step


@pytest.mark.parametrize("difficulty", [1, 2, 3])
def test_simplify_answer_is_the_collected_expansion_and_steps_are_identities(difficulty):
    x = sympy.Symbol("x")
    for seed in SEEDS:
        p = GENERATORS["simplify"](np.random.default_rng(seed), difficulty)
        answer = to_sympy(p.answer)
        assert sympy.expand(to_sympy(p.statement) - answer) == 0
        assert sympy.Poly(answer, x).all_coeffs()[::-1] == list(p.value)
        assert is_collected_polynomial(p.answer) and not is_collected_polynomial(p.statement)
        for step in p.steps:
            lhs, rhs = step.split(" = ")
            assert sympy.expand(to_sympy(lhs) - to_sympy(rhs)) == 0, step


def test_form_checks():
    assert is_lowest_terms("-\\frac{3}{2}") and is_lowest_terms("x = 7") and is_lowest_terms("1.75")
    assert not is_lowest_terms("\\frac{6}{4}") and not is_lowest_terms("\\frac{4}{1}") and not is_lowest_terms("3/0")
    assert not is_lowest_terms("\\frac{1}{3} + \\frac{1}{4}") and not is_lowest_terms("")
    assert polynomial_degrees("3x^{3} - x + 4") == [3, 1, 0]
    assert is_collected_polynomial("-x^2 + 6x")
    for not_collected in ["x^2 - 3x + 2x - 6", "(x + 2)(x - 3)", "x \\cdot x - 6", "x^2 -- 6", "x^", "", "x^2, x"]:
        assert not is_collected_polynomial(not_collected), not_collected


@pytest.mark.parametrize("kind", list(GENERATORS))
@pytest.mark.parametrize("difficulty", [1, 2, 3])
def test_gold_scores_one_and_every_hack_scores_zero(kind, difficulty):
    env = envgym.make(ENV_ID, kinds=(kind,), difficulty=difficulty)
    for seed in range(15):
        env.reset(seed=seed)
        assert env.task.metadata["kind"] == kind
        assert env.score(env.gold_action()).correct
        for name, action in env.hack_actions().items():
            verdict = env.score(action)
            assert verdict.reward == 0 and not verdict.correct, (name, action, verdict)


def test_the_value_alone_is_not_enough_the_form_must_match():
    env = envgym.make(ENV_ID, kinds="simplify")
    env.reset(seed=0)
    statement = env.task.metadata["statement"]
    verdict = env.score(f"\\boxed{{{statement}}}")
    assert not verdict.correct and "like terms collected" in verdict.reason
    env = envgym.make(ENV_ID, kinds="linear", difficulty=3)
    env.reset(seed=0)
    value = env.task.metadata["problem"].value
    assert env.score(f"x = \\boxed{{{env.task.reference}}}").correct
    assert env.score(f"\\boxed{{{value.numerator}/{value.denominator}}}").correct
    assert "no \\boxed{}" in env.score(f"The answer is {env.task.reference}").reason


def test_decimal_answers_count_when_exact():
    env = envgym.make(ENV_ID, kinds="fractions")
    for seed in range(40):
        env.reset(seed=seed)
        value: Fraction = env.task.metadata["problem"].value
        if value.denominator in (2, 4, 5, 8):
            assert env.score(f"\\boxed{{{float(value)}}}").correct
            return
    raise AssertionError("no fraction with a terminating decimal in 40 seeds")


def test_kinds_and_difficulty_options():
    env = envgym.make(ENV_ID, kinds=["linear", "fractions"], difficulty=2)
    seen = {env.reset(seed=s)[1] and env.task.metadata["kind"] for s in range(40)}
    assert seen == {"linear", "fractions"}
    assert envgym.make(ENV_ID, kinds="simplify").kinds == ("simplify",)
    for bad, match in [({"kinds": ()}, "kinds must be a non-empty subset"),
                       ({"kinds": ("linear", "calculus")}, "unknown kind 'calculus'"),
                       ({"kinds": 3}, "kinds must be a non-empty subset"),
                       ({"difficulty": 4}, "difficulty must be one of"),
                       ({"difficulty": True}, "difficulty must be one of")]:
        with pytest.raises(ValueError, match=f"{ENV_ID}: {match}"):
            envgym.make(ENV_ID, **bad)


def test_steps_are_in_metadata_and_the_gold_action_shows_them():
    env = envgym.make(ENV_ID, difficulty=3)
    for seed in range(10):
        env.reset(seed=seed)
        steps = env.task.metadata["steps"]
        assert steps and env.gold_action().splitlines()[: len(steps)] == list(steps)
        assert env.task.id.startswith("algebra-")


@pytest.mark.parametrize("kind", list(GENERATORS))
def test_the_step_verifier_checks_and_accepts_every_gold_step(kind):
    steps_verifier = envgym.make_verifier("math-steps")
    for difficulty in (1, 2, 3):
        env = envgym.make(ENV_ID, kinds=kind, difficulty=difficulty)
        for seed in range(20):
            env.reset(seed=seed)
            verdict = steps_verifier.verify(env.gold_action(), env.task.reference)
            assert verdict.correct and set(verdict.step_rewards) == {1.0}, (env.gold_action(), verdict)
            # every step is checked, except a linear equation's first line, which sets the solution
            unchecked = 1 if kind == "linear" else 0
            assert verdict.details["checked_steps"] >= len(env.task.metadata["steps"]) - unchecked


@pytest.mark.parametrize("kind, broken", [("linear", 1), ("fractions", 0)])
def test_the_step_verifier_catches_a_broken_step(kind, broken):
    env = envgym.make(ENV_ID, kinds=kind, difficulty=2)
    env.reset(seed=0)
    steps = list(env.task.metadata["steps"])
    steps[broken] = steps[broken].replace(" = ", " = 1 + ", 1)
    solution = "\n".join(steps) + f"\nSo the answer is \\boxed{{{env.task.reference}}}."
    assert envgym.make_verifier("math-steps").verify(solution, env.task.reference).step_rewards[broken] == 0.0


def test_envgym_check_passes():
    report = check_environment(ENV_ID)
    assert report.ok, [item for item in report.items if not item.ok]

