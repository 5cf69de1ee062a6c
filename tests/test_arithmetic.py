"""envgym/Arithmetic-v0: the generator's arithmetic is right and the probes mean something."""

from __future__ import annotations

import numpy as np
import pytest

import envgym
from envgym_arithmetic.env import LEVELS
from envgym_arithmetic.expr import Expr, random_expression


@pytest.mark.parametrize("difficulty", sorted(LEVELS))
def test_rendered_expression_evaluates_to_the_reference(difficulty):
    env = envgym.make("envgym/Arithmetic-v0", difficulty=difficulty)
    n_operands, high, ops, _ = LEVELS[difficulty]
    for seed in range(200):
        env.reset(seed=seed)
        text = env.task.metadata["expression"]
        # Python's precedence is the same as the rendering assumes, so eval is an independent check.
        assert eval(text, {"__builtins__": {}}) == env.task.reference, text
        tree: Expr = env.task.metadata["tree"]
        assert len(tree.operands()) == n_operands
        assert all(2 <= v <= high for v in tree.operands())
        assert env.task.reference not in tree.operands()
        assert set(c for c in text if c in "+-*") <= set(ops)


def test_parentheses_appear_only_when_nested():
    flat = {envgym.make("envgym/Arithmetic-v0", difficulty=2).reset(seed=s)[0][-1]["content"] for s in range(100)}
    nested = {envgym.make("envgym/Arithmetic-v0", difficulty=4).reset(seed=s)[0][-1]["content"] for s in range(100)}
    assert not any("(" in t for t in flat)
    assert any("(" in t for t in nested)


def test_gold_solution_shows_each_step():
    expr = random_expression(np.random.default_rng(3), 4, 99, "+-*", True)
    steps = expr.steps()
    assert len(steps) == 3 and steps[-1].endswith(f"= {expr.value}")
    for line in steps:
        left, right = line.split(" = ")
        assert eval(left) == int(right)


def test_system_prompt_is_optional():
    env = envgym.make("envgym/Arithmetic-v0", system_prompt=None)
    assert [m["role"] for m in env.reset(seed=0)[0]] == ["user"]
