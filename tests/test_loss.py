"""The shared loss against values worked out by hand (each comment shows the arithmetic)."""

from __future__ import annotations

import math

import pytest
import torch

from envgym.learn.loss import LossConfig, LossInputs, policy_loss

NAN = float("nan")
# Two sequences of unequal length: 3 policy tokens, then 1 (its padding holds junk that must not count).
MASK = torch.tensor([[1.0, 1.0, 1.0], [1.0, 0.0, 0.0]])
ADV = torch.tensor([[1.0, 2.0, 3.0], [-4.0, 100.0, NAN]])


def leaf(rows) -> torch.Tensor:
    return torch.tensor(rows, requires_grad=True)


def test_on_policy_pg_loss_is_minus_mean_advantage_over_policy_tokens():
    loss, metrics = policy_loss(LossInputs(leaf([[-1.0, -2.0, -3.0], [-4.0, 0.0, 0.0]]), MASK, advantages=ADV))
    # ratio 1 everywhere: -(1 + 2 + 3 - 4) / 4 tokens = -0.5
    assert loss.item() == pytest.approx(-0.5)
    assert metrics["pg_loss"] == pytest.approx(-0.5)
    assert metrics["tokens"] == 4
    assert metrics["clip_fraction"] == 0


def test_on_policy_gradient_is_minus_advantage_over_token_count():
    logprobs = leaf([[-0.3, -1.2, -0.7], [-2.0, -5.0, -9.0]])
    policy_loss(LossInputs(logprobs, MASK, advantages=ADV))[0].backward()
    # d loss / d logp = -A / 4 on policy tokens, 0 on padding
    expected = torch.tensor([[-0.25, -0.5, -0.75], [1.0, 0.0, 0.0]])
    torch.testing.assert_close(logprobs.grad, expected)


def test_clipping_low_and_high_are_both_active_and_stop_the_gradient():
    # old log-probs 0, so ratio = exp(logprobs) = [1.5, 0.5, 1.5, 0.5]; bounds [0.8, 1.28]
    logprobs = leaf([[math.log(1.5), math.log(0.5), math.log(1.5), math.log(0.5)]])
    inputs = LossInputs(logprobs, torch.ones(1, 4), advantages=torch.tensor([[1.0, -1.0, -1.0, 1.0]]),
                        old_logprobs=torch.zeros(1, 4))
    loss, metrics = policy_loss(inputs, LossConfig(clip_low=0.2, clip_high=0.28))
    # t0: -min(1.5, 1.28) = -1.28 (high clip);  t1: -min(-0.5, -0.8) = 0.8 (low clip)
    # t2: -min(-1.5, -1.28) = 1.5 (no clip);    t3: -min(0.5, 0.8) = -0.5 (no clip)
    # (-1.28 + 0.8 + 1.5 - 0.5) / 4 = 0.13
    assert loss.item() == pytest.approx(0.13)
    assert metrics["clip_fraction"] == pytest.approx(0.5)
    loss.backward()
    # clipped tokens get no gradient; the others -A * ratio / 4: t2 = 1.5/4, t3 = -0.5/4
    torch.testing.assert_close(logprobs.grad, torch.tensor([[0.0, 0.0, 0.375, -0.125]]))


@pytest.mark.parametrize(("normalization", "expected"), [
    ("token", 2.5),  # (1 + 2 + 3 + 4) / 4 tokens
    ("sequence", 3.0),  # mean of (1 + 2 + 3) / 3 = 2 and 4 / 1 = 4
    ("constant", 1.25),  # (1 + 2 + 3 + 4) / (2 sequences * 4)
])
def test_normalizations_weigh_unequal_sequences_differently(normalization, expected):
    logprobs = leaf([[-1.0, -2.0, -3.0], [-4.0, -50.0, -60.0]])
    config = LossConfig(normalization=normalization, constant_length=4)
    loss, metrics = policy_loss(LossInputs(logprobs, MASK, ce_weights=torch.ones(2, 3)), config)
    assert loss.item() == pytest.approx(expected)
    assert metrics["ce_loss"] == pytest.approx(expected)


def test_sequence_normalization_leaves_out_sequences_without_policy_tokens():
    mask = torch.tensor([[1.0, 1.0], [0.0, 0.0]])
    loss, _ = policy_loss(LossInputs(leaf([[-1.0, -3.0], [-7.0, -7.0]]), mask, ce_weights=torch.ones(2, 2)),
                          LossConfig(normalization="sequence"))
    assert loss.item() == pytest.approx(2.0)  # (1 + 3) / 2, not averaged with an empty second row


def test_ce_weights_scale_each_token_and_its_gradient():
    logprobs = leaf([[-1.0, -2.0, -3.0], [-4.0, 0.0, 0.0]])
    weights = torch.tensor([[1.0, 0.5, 0.0], [0.25, 9.0, 9.0]])
    loss, _ = policy_loss(LossInputs(logprobs, MASK, ce_weights=weights))
    assert loss.item() == pytest.approx(0.75)  # (1*1 + 0.5*2 + 0*3 + 0.25*4) / 4
    loss.backward()
    torch.testing.assert_close(logprobs.grad, torch.tensor([[-0.25, -0.125, 0.0], [-0.0625, 0.0, 0.0]]))


def test_parts_add_up():
    logprobs = leaf([[-1.0, -2.0]])
    inputs = LossInputs(logprobs, torch.ones(1, 2), advantages=torch.tensor([[1.0, 3.0]]),
                        ce_weights=torch.tensor([[1.0, 0.0]]), ref_logprobs=torch.tensor([[-1.0, -2.0 + math.log(2)]]))
    loss, m = policy_loss(inputs, LossConfig(kl_coef=0.5, kl_estimator="k2"))
    # pg -(1 + 3)/2 = -2;  ce 1*1/2 = 0.5;  kl (0 + ln2^2/2)/2 = ln2^2/4 = 0.1201
    assert (m["pg_loss"], m["ce_loss"], m["kl"]) == pytest.approx((-2.0, 0.5, math.log(2) ** 2 / 4))
    assert loss.item() == pytest.approx(-2.0 + 0.5 + 0.5 * math.log(2) ** 2 / 4)


@pytest.mark.parametrize(("estimator", "expected"), [
    ("k1", -math.log(2) / 2),  # d = [ln2, 0]: -(ln2 + 0) / 2 = -0.3466
    ("k2", math.log(2) ** 2 / 4),  # (ln2^2 / 2 + 0) / 2 = 0.1201
    ("k3", (1 - math.log(2)) / 2),  # (e^ln2 - ln2 - 1 + 0) / 2 = (1 - ln2) / 2 = 0.1534
])
def test_kl_estimators(estimator, expected):
    logprobs = leaf([[-1.0, -2.0]])
    ref = torch.tensor([[-1.0 + math.log(2), -2.0]])  # d = ref - logprobs = [ln2, 0]
    inputs = LossInputs(logprobs, torch.ones(1, 2), ref_logprobs=ref)
    loss, metrics = policy_loss(inputs, LossConfig(kl_coef=0.5, kl_estimator=estimator))
    assert metrics["kl"] == pytest.approx(expected)
    assert loss.item() == pytest.approx(0.5 * expected)


def test_k3_gradient_is_one_minus_ref_over_pi():
    logprobs = leaf([[-1.0, -2.0]])
    inputs = LossInputs(logprobs, torch.ones(1, 2), ref_logprobs=torch.tensor([[-1.0 + math.log(2), -2.0]]))
    policy_loss(inputs, LossConfig(kl_coef=1.0, kl_estimator="k3"))[0].backward()
    # d/dlogp (e^d - d - 1) = 1 - e^d = [1 - 2, 1 - 1], over 2 tokens
    torch.testing.assert_close(logprobs.grad, torch.tensor([[-0.5, 0.0]]))


def test_kl_coef_zero_needs_no_reference_and_positive_coef_does():
    inputs = LossInputs(leaf([[-1.0]]), torch.ones(1, 1), advantages=torch.ones(1, 1))
    loss, metrics = policy_loss(inputs, LossConfig(kl_coef=0.0))
    assert loss.item() == pytest.approx(-1.0) and metrics["kl"] == 0
    with pytest.raises(ValueError, match="ref_logprobs"):
        policy_loss(inputs, LossConfig(kl_coef=0.1))


@pytest.mark.parametrize(("mode", "pg", "weight_mean", "masked"), [
    ("truncate", -3.5 / 3, 3.5 / 3, 0.0),  # weights [1, min(3, 2), 0.5] -> -(1 + 2 + 0.5) / 3
    ("mask", -0.5, 0.5, 1 / 3),  # weights [1, 0, 0.5] -> -(1 + 0 + 0.5) / 3
    ("none", -1.0, 1.0, 0.0),  # weights [1, 1, 1]
])
def test_importance_sampling_corrections(mode, pg, weight_mean, masked):
    # w = exp(old - rollout) = exp([0, ln3, -ln2]) = [1, 3, 0.5]; cap 2; ratio 1; A = 1
    inputs = LossInputs(leaf([[0.0, 0.0, 0.0]]), torch.ones(1, 3), advantages=torch.ones(1, 3),
                        old_logprobs=torch.zeros(1, 3), rollout_logprobs=torch.tensor([[0.0, -math.log(3), math.log(2)]]))
    loss, metrics = policy_loss(inputs, LossConfig(is_correction=mode, is_cap=2.0))
    assert loss.item() == pytest.approx(pg)
    assert metrics["is_weight_mean"] == pytest.approx(weight_mean)
    assert metrics["is_masked_fraction"] == pytest.approx(masked)


@pytest.mark.parametrize(("field", "choices"), [
    ("normalization", ["'constant'", "'sequence'", "'token'"]),
    ("kl_estimator", ["'k1'", "'k2'", "'k3'"]),
    ("is_correction", ["'mask'", "'none'", "'truncate'"]),
])
def test_unknown_strategy_names_list_the_choices(field, choices):
    with pytest.raises(ValueError, match="bogus") as error:
        LossConfig(**{field: "bogus"})
    assert ", ".join(choices) in str(error.value)


def test_constant_normalization_needs_a_length():
    with pytest.raises(ValueError, match="constant_length"):
        LossConfig(normalization="constant")


def test_mismatched_shapes_and_missing_parts_are_refused():
    with pytest.raises(ValueError, match="advantages"):
        policy_loss(LossInputs(leaf([[0.0, 0.0]]), torch.ones(1, 2), advantages=torch.ones(1, 3)))
    with pytest.raises(ValueError, match="no part"):
        policy_loss(LossInputs(leaf([[0.0, 0.0]]), torch.ones(1, 2)))


@pytest.mark.parametrize("normalization", ["token", "sequence", "constant"])
def test_empty_mask_gives_zero_loss_and_zero_gradient(normalization):
    logprobs = leaf([[-1.0, -2.0], [-3.0, -4.0]])
    inputs = LossInputs(logprobs, torch.zeros(2, 2), advantages=torch.ones(2, 2), ce_weights=torch.ones(2, 2),
                        rollout_logprobs=torch.full((2, 2), NAN))
    loss, metrics = policy_loss(inputs, LossConfig(normalization=normalization, constant_length=2))
    assert loss.item() == 0 and metrics["tokens"] == 0
    assert all(not math.isnan(value) for value in metrics.values())
    loss.backward()
    torch.testing.assert_close(logprobs.grad, torch.zeros(2, 2))
