"""Advantage estimators and reward spreading against values worked out by hand."""

from __future__ import annotations

import math

import pytest
import torch

from envgym.learn.advantages import ADVANTAGES, compute_advantages, spread, spread_steps, zero_variance_groups

# Group a: [1, 0, 0, 1] (mean 0.5, population std 0.5); group b: [2, 4, 0] (mean 2, std sqrt(8/3));
# group c: a lone sample. The groups are interleaved on purpose.
REWARDS = [1.0, 2.0, 0.0, 4.0, 0.0, 5.0, 1.0, 0.0]
GROUPS = ["a", "b", "a", "b", "a", "c", "a", "b"]
S = math.sqrt(3 / 2)  # b's (r - 2) / sqrt(8/3) for r - 2 = 2: 2 / sqrt(8/3) = sqrt(3/2) = 1.2247


@pytest.mark.parametrize(("name", "expected"), [
    # a: (r - 0.5) / 0.5 = +-1;  b: (r - 2) / sqrt(8/3);  c: 0 / eps = 0
    ("grpo", [1.0, 0.0, -1.0, S, -1.0, 0.0, 1.0, -S]),
    # a: r - 0.5;  b: r - 2;  c: 5 - 5
    ("drgrpo", [0.5, 0.0, -0.5, 2.0, -0.5, 0.0, 0.5, -2.0]),
    # a: 1 - (0 + 0 + 1)/3 = 2/3, 0 - 2/3;  b: 2 - (4 + 0)/2 = 0, 4 - (2 + 0)/2 = 3, 0 - (2 + 4)/2 = -3;  c: alone -> 0
    ("rloo", [2 / 3, 0.0, -2 / 3, 3.0, -2 / 3, 0.0, 2 / 3, -3.0]),
])
def test_estimators_on_interleaved_groups(name, expected):
    advantages = compute_advantages(name, REWARDS, GROUPS)
    torch.testing.assert_close(advantages, torch.tensor(expected), atol=1e-5, rtol=1e-5)
    torch.testing.assert_close(ADVANTAGES[name](torch.tensor(REWARDS), GROUPS), advantages)


def test_grpo_uses_the_population_std():
    # [0, 1]: mean 0.5, population std 0.5 -> +-1 (the sample std 0.707 would give +-0.707)
    torch.testing.assert_close(compute_advantages("grpo", [0.0, 1.0], [7, 7]), torch.tensor([-1.0, 1.0]), atol=1e-5, rtol=0)


def test_integer_rewards_give_float_advantages():
    assert compute_advantages("drgrpo", [1, 0], ["x", "x"]).tolist() == [0.5, -0.5]


def test_unknown_estimator_and_mismatched_lengths_are_refused():
    with pytest.raises(ValueError, match="'drgrpo', 'grpo', 'rloo'"):
        compute_advantages("ppo", REWARDS, GROUPS)
    with pytest.raises(ValueError, match="group id"):
        compute_advantages("grpo", [1.0, 0.0], ["a"])


def test_zero_variance_groups():
    # a: all 1; b: 0 and 1; c: alone; d: all 0.5
    rewards = [1.0, 0.0, 1.0, 3.0, 1.0, 0.5, 0.5]
    groups = ["a", "b", "a", "c", "b", "d", "d"]
    assert zero_variance_groups(rewards, groups) == {"a", "c", "d"}


def test_spread_puts_each_sequence_value_on_its_mask():
    mask = torch.tensor([[1, 1, 0], [0, 1, 1]])
    torch.testing.assert_close(spread(torch.tensor([2.0, -1.0]), mask), torch.tensor([[2.0, 2.0, 0.0], [0.0, -1.0, -1.0]]))


def test_spread_steps_places_step_rewards_on_their_spans():
    out = spread_steps([1.0, -1.0, 0.5], [(0, 2), (3, 5), (5, 6)], length=7)
    assert out.tolist() == [1.0, 1.0, 0.0, -1.0, -1.0, 0.5, 0.0]


@pytest.mark.parametrize(("rewards", "spans", "message"), [
    ([1.0], [(0, 2), (2, 3)], "1 step rewards for 2 spans"),
    ([1.0], [(2, 9)], "not within"),
    ([1.0, 1.0], [(0, 3), (2, 4)], "overlaps"),
])
def test_spread_steps_refuses_bad_spans(rewards, spans, message):
    with pytest.raises(ValueError, match=message):
        spread_steps(rewards, spans, length=5)
