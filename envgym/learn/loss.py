"""The one loss every learner shares (docs/design.md, "The pieces").

Per policy token t of sequence i (mask m[i,t] = 1):

    l[i,t] = - w[i,t] * min(rho*A, clip(rho, 1 - clip_low, 1 + clip_high) * A)   policy gradient (PPO clip)
             + c[i,t] * (-log pi(y_t))                                            token cross-entropy
             + beta * KL[i,t]                                                     anchor to pi_ref

    rho = pi / pi_old = exp(logprobs - old_logprobs)
    w   = exp(old_logprobs - rollout_logprobs), no gradient, truncated or masked at is_cap
    KL  = k1 | k2 | k3 of d = log pi_ref - log pi (Schulman, "Approximating KL divergence", 2020)

and the loss is one normalisation of l over the batch's policy tokens: "token" (every token weighs
the same, DAPO), "sequence" (each sequence weighs the same, the GRPO paper) or "constant" (a fixed
denominator, Dr. GRPO). Learners differ only in the weights they fill in: SFT sets c = 1 and no A;
GRPO sets A from group rewards (envgym.learn.advantages); on-policy distillation sets
A = log pi_teacher - log pi.

Notes:
- With ``old_logprobs=None`` pi_old is the current policy, detached: rho = 1 with gradient
  grad log pi, so the policy-gradient part is REINFORCE's -A grad log pi. For several updates on
  one batch, pass the learner's log-probs from before the first update.
- w corrects for the mismatch between the rollout engine's numerics (vLLM) and the learner's:
  "truncate" is truncated importance sampling, min(w, cap); "mask" keeps w where w <= cap and
  drops the token's policy-gradient term otherwise. Dropped tokens still count in the denominator.
- Used as losses, the estimators differ in gradient (in expectation over tokens sampled from pi):
  k1 = -d has none (a metric only), k2 = d^2/2 gives that of KL(pi||ref), and k3 = exp(d) - d - 1
  (unbiased and non-negative as a value, used by GRPO) gives that of KL(ref||pi).
- Padding may hold anything (-inf, nan): every input is zeroed outside the mask before use.

Preference learners (DPO, IPO, SimPO) use the same loss. A pair loss l(pair) of whole-answer
log-probs has gradient sum_answers dl/dlog pi(answer) * grad log pi(answer), so setting
A = -dl/dlog pi(answer), taken at the current weights and scaled by the normalisation
(``preference_advantages``), on every token of the answer gives one update of the shared loss
exactly the gradient of the mean pair loss: off-policy reshaping, with no importance ratio.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass, fields
from typing import Generic, TypeVar

import torch
from torch import Tensor
from torch.nn.functional import logsigmoid

F = TypeVar("F", bound=Callable)


class Registry(dict[str, F], Generic[F]):
    """Named strategies: ``@REGISTRY.register("name")`` adds a function, ``lookup`` checks a name."""

    def __init__(self, what: str) -> None:
        super().__init__()
        self.what = what

    def register(self, name: str) -> Callable[[F], F]:
        def add(fn: F) -> F:
            if name in self:
                raise ValueError(f"{self.what} {name!r} is already registered")
            self[name] = fn
            return fn

        return add

    def lookup(self, name: str) -> F:
        if name not in self:
            choices = ", ".join(map(repr, sorted(self)))
            raise ValueError(f"unknown {self.what} {name!r}; choose one of {choices} (or register one with .register)")
        return self[name]


Normalizer = Callable[[Tensor, Tensor, "LossConfig"], Tensor]  # (values [B,T], mask [B,T] float, config) -> scalar
KLEstimator = Callable[[Tensor], Tensor]  # d = ref_logprobs - logprobs [B,T] -> per-token KL estimate [B,T]
ISCorrection = Callable[[Tensor, float], Tensor]  # (w [B,T], is_cap) -> per-token weight of the pg term [B,T]

NORMALIZERS: Registry[Normalizer] = Registry("normalization")
KL_ESTIMATORS: Registry[KLEstimator] = Registry("kl_estimator")
IS_CORRECTIONS: Registry[ISCorrection] = Registry("is_correction")


@NORMALIZERS.register("token")
def token_mean(values: Tensor, mask: Tensor, config: LossConfig) -> Tensor:
    """Sum over all policy tokens of the batch / their count."""
    return (values * mask).sum() / mask.sum().clamp(min=1)


@NORMALIZERS.register("sequence")
def sequence_mean(values: Tensor, mask: Tensor, config: LossConfig) -> Tensor:
    """Mean over sequences of each sequence's token mean; sequences without policy tokens are left out."""
    counts = mask.sum(-1)
    per_sequence = (values * mask).sum(-1) / counts.clamp(min=1)
    return per_sequence.sum() / (counts > 0).sum().clamp(min=1)


@NORMALIZERS.register("constant")
def constant_length(values: Tensor, mask: Tensor, config: LossConfig) -> Tensor:
    """Sum / (number of sequences * constant_length): no bias towards short or long answers."""
    return (values * mask).sum() / (values.shape[0] * config.constant_length)


@KL_ESTIMATORS.register("k1")
def k1(d: Tensor) -> Tensor:
    return -d


@KL_ESTIMATORS.register("k2")
def k2(d: Tensor) -> Tensor:
    return d.square() / 2


@KL_ESTIMATORS.register("k3")
def k3(d: Tensor) -> Tensor:
    return torch.exp(d) - d - 1


@IS_CORRECTIONS.register("none")
def no_correction(w: Tensor, cap: float) -> Tensor:
    return torch.ones_like(w)


@IS_CORRECTIONS.register("truncate")
def truncate(w: Tensor, cap: float) -> Tensor:
    return w.clamp(max=cap)


@IS_CORRECTIONS.register("mask")
def mask_above_cap(w: Tensor, cap: float) -> Tensor:
    return torch.where(w <= cap, w, torch.zeros_like(w))


@dataclass(frozen=True)
class LossConfig:
    """How the parts of the loss are weighted, clipped and normalised."""

    clip_low: float = 0.2
    """The ratio's lower bound is 1 - clip_low."""
    clip_high: float = 0.28
    """The ratio's upper bound is 1 + clip_high (DAPO's clip-higher: above clip_low keeps exploration)."""
    kl_coef: float = 0.0
    """beta, the weight of the KL anchor; 0 means no reference model is needed."""
    kl_estimator: str = "k3"
    """A name in KL_ESTIMATORS: "k1", "k2" or "k3" (see the module docstring for their gradients)."""
    normalization: str = "token"
    """A name in NORMALIZERS: "token", "sequence" or "constant"."""
    constant_length: int | None = None
    """The denominator's length for "constant" normalization (e.g. the max generation length)."""
    is_correction: str = "truncate"
    """A name in IS_CORRECTIONS: "truncate" (min(w, is_cap)), "mask" (drop tokens with w > is_cap) or "none"."""
    is_cap: float = 2.0
    """The cap on the rollout-vs-learner importance weight w."""

    def __post_init__(self) -> None:
        NORMALIZERS.lookup(self.normalization)
        KL_ESTIMATORS.lookup(self.kl_estimator)
        IS_CORRECTIONS.lookup(self.is_correction)
        if self.normalization == "constant" and (self.constant_length is None or self.constant_length <= 0):
            raise ValueError("normalization='constant' needs a positive constant_length (e.g. the max generation length)")
        for name in ("clip_low", "clip_high", "kl_coef", "is_cap"):
            if getattr(self, name) < 0:
                raise ValueError(f"LossConfig.{name} must be >= 0, got {getattr(self, name)}")


@dataclass(frozen=True)
class LossInputs:
    """Per-token tensors of one batch, all of shape [B, T] (B sequences, T tokens)."""

    logprobs: Tensor
    """log pi(y_t) under the policy being trained, with gradient."""
    mask: Tensor
    """1 (or True) on the policy tokens that count, 0 elsewhere (prompt, environment tokens, padding)."""
    advantages: Tensor | None = None
    """A; None means no policy-gradient part."""
    ce_weights: Tensor | None = None
    """c; None means no cross-entropy part."""
    old_logprobs: Tensor | None = None
    """log pi_old: the learner's log-probs of the sampling policy before this update; None = logprobs, detached."""
    rollout_logprobs: Tensor | None = None
    """The log-probs the rollout engine reported at sampling; None means no importance-sampling correction."""
    ref_logprobs: Tensor | None = None
    """log pi_ref; required when kl_coef > 0."""


def clipped_surrogate(logprobs: Tensor, old_logprobs: Tensor, advantages: Tensor, low: float, high: float) -> tuple[Tensor, Tensor]:
    """PPO's per-token loss -min(rho*A, clip(rho)*A), and where the clip is active (no gradient there)."""
    ratio = torch.exp(logprobs - old_logprobs)
    unclipped = -advantages * ratio
    clipped = -advantages * ratio.clamp(1 - low, 1 + high)
    active = clipped > unclipped
    return torch.where(active, clipped, unclipped), active


def policy_loss(inputs: LossInputs, config: LossConfig = LossConfig()) -> tuple[Tensor, dict[str, float]]:
    """The scalar loss and its metrics.

    Metrics: pg_loss (with IS weights), ce_loss and kl (before beta), each normalised like the loss,
    so loss = pg_loss + ce_loss + kl_coef * kl; clip_fraction, is_weight_mean and is_masked_fraction
    over policy tokens; tokens, the number of policy tokens.
    """
    _check_shapes(inputs)
    if config.kl_coef > 0 and inputs.ref_logprobs is None:
        raise ValueError(f"kl_coef={config.kl_coef} needs LossInputs.ref_logprobs; pass them or set kl_coef=0")
    if inputs.advantages is None and inputs.ce_weights is None and config.kl_coef == 0:
        raise ValueError("the loss has no part to train: pass LossInputs.advantages, ce_weights, or ref_logprobs with kl_coef > 0")
    keep = inputs.mask.bool()
    mask = keep.to(inputs.logprobs.dtype)

    def fill(x: Tensor) -> Tensor:
        return x.masked_fill(~keep, 0.0)

    logprobs = fill(inputs.logprobs)
    old = logprobs.detach() if inputs.old_logprobs is None else fill(inputs.old_logprobs)
    zeros = torch.zeros_like(logprobs)
    pg, clipped, is_weight, ce, kl = zeros, zeros.bool(), zeros + 1, zeros, zeros
    if inputs.advantages is not None:
        pg, clipped = clipped_surrogate(logprobs, old, fill(inputs.advantages), config.clip_low, config.clip_high)
    if inputs.rollout_logprobs is not None:
        w = torch.exp(old - fill(inputs.rollout_logprobs)).detach()
        is_weight = IS_CORRECTIONS.lookup(config.is_correction)(w, config.is_cap)
    if inputs.ce_weights is not None:
        ce = -fill(inputs.ce_weights) * logprobs
    if inputs.ref_logprobs is not None:
        kl = KL_ESTIMATORS.lookup(config.kl_estimator)(fill(inputs.ref_logprobs) - logprobs)

    normalize = NORMALIZERS.lookup(config.normalization)
    per_token = is_weight * pg + ce + (config.kl_coef * kl if config.kl_coef > 0 else 0)
    loss = normalize(per_token, mask, config)

    tokens = mask.sum()
    with torch.no_grad():
        metrics = {
            "pg_loss": normalize(is_weight * pg, mask, config),
            "ce_loss": normalize(ce, mask, config),
            "kl": normalize(kl, mask, config),
            "clip_fraction": (clipped & keep).sum() / tokens.clamp(min=1),
            "is_weight_mean": (is_weight * mask).sum() / tokens.clamp(min=1),
            "is_masked_fraction": ((is_weight == 0) & keep).sum() / tokens.clamp(min=1),
            "tokens": tokens,
        }
        values = torch.stack([value.float() for value in metrics.values()]).tolist()  # one device sync
    return loss, dict(zip(metrics, values))


def _check_shapes(inputs: LossInputs) -> None:
    shape = inputs.logprobs.shape
    if len(shape) != 2:
        raise ValueError(f"LossInputs.logprobs must be [B, T], got shape {tuple(shape)}")
    for field in fields(inputs):
        value = getattr(inputs, field.name)
        if value is not None and value.shape != shape:
            raise ValueError(f"LossInputs.{field.name} has shape {tuple(value.shape)}; logprobs has {tuple(shape)}")


# ---- preference pairs as weights of the policy-gradient part --------------------------------------


@dataclass(frozen=True)
class PairLogprobs:
    """Whole-answer log-probs of P preference pairs, each of shape [P] (sums over the answer's tokens)."""

    chosen: Tensor
    """log pi(chosen answer | prompt)."""
    rejected: Tensor
    """log pi(rejected answer | prompt)."""
    chosen_tokens: Tensor
    """Length of each chosen answer in tokens (SimPO averages over it)."""
    rejected_tokens: Tensor
    """Length of each rejected answer in tokens."""
    ref_chosen: Tensor | None = None
    """log pi_ref(chosen answer); None for reference-free losses (SimPO)."""
    ref_rejected: Tensor | None = None
    """log pi_ref(rejected answer)."""

    def margin(self) -> Tensor:
        """h = (log pi - log pi_ref)(chosen) - (log pi - log pi_ref)(rejected): the implicit reward margin over beta."""
        if self.ref_chosen is None or self.ref_rejected is None:
            raise ValueError("this preference loss needs reference log-probs (PairLogprobs.ref_chosen / ref_rejected)")
        return (self.chosen - self.ref_chosen) - (self.rejected - self.ref_rejected)


@dataclass(frozen=True)
class PreferenceLossConfig:
    """A pair loss and its constants (``envgym.learn.preference.DPOConfig`` carries them to the learner)."""

    loss_type: str = "dpo"
    """A name in PREFERENCE_LOSSES: "dpo", "ipo" or "simpo"."""
    beta: float = 0.1
    """DPO's inverse temperature; IPO's regulariser tau (target margin 1 / (2 beta)); SimPO's reward scale."""
    simpo_gamma: float = 0.5
    """SimPO's target reward margin gamma (the loss is -log sigmoid(beta * length-averaged margin - gamma))."""
    label_smoothing: float = 0.0
    """DPO only: the assumed share of flipped labels (conservative DPO); 0 is plain DPO."""

    def __post_init__(self) -> None:
        PREFERENCE_LOSSES.lookup(self.loss_type)
        if not self.beta > 0:
            raise ValueError(f"preference loss: beta must be above 0, got {self.beta}")
        if self.simpo_gamma < 0:
            raise ValueError(f"preference loss: simpo_gamma must be >= 0, got {self.simpo_gamma}")
        if not 0 <= self.label_smoothing < 0.5:
            raise ValueError(f"preference loss: label_smoothing must be in [0, 0.5), got {self.label_smoothing}")
        if self.label_smoothing and self.loss_type != "dpo":
            raise ValueError(f"preference loss: label_smoothing applies to loss_type='dpo' only, not {self.loss_type!r}")


PreferenceLoss = Callable[[PairLogprobs, PreferenceLossConfig], Tensor]  # (pairs, config) -> loss per pair [P]
PREFERENCE_LOSSES: Registry[PreferenceLoss] = Registry("preference loss")
REFERENCE_FREE = frozenset({"simpo"})
"""Preference losses that need no reference log-probs (the others read ``PairLogprobs.margin``)."""


@PREFERENCE_LOSSES.register("dpo")
def dpo_loss(pairs: PairLogprobs, config: PreferenceLossConfig) -> Tensor:
    """-log sigmoid(beta h) (Rafailov et al., 2023); with label smoothing eps, (1 - eps) of that plus eps of the flipped pair."""
    logits = config.beta * pairs.margin()
    eps = config.label_smoothing
    return -(1 - eps) * logsigmoid(logits) - eps * logsigmoid(-logits)


@PREFERENCE_LOSSES.register("ipo")
def ipo_loss(pairs: PairLogprobs, config: PreferenceLossConfig) -> Tensor:
    """(h - 1 / (2 beta))^2 (Azar et al., 2023, eq. 17), on whole-answer log-probs as in the paper
    (TRL averages them over the answer's tokens first)."""
    return (pairs.margin() - 1 / (2 * config.beta)).square()


@PREFERENCE_LOSSES.register("simpo")
def simpo_loss(pairs: PairLogprobs, config: PreferenceLossConfig) -> Tensor:
    """-log sigmoid(beta (log pi(chosen) / |chosen| - log pi(rejected) / |rejected|) - gamma) (Meng et al., 2024): no reference."""
    average = pairs.chosen / pairs.chosen_tokens.clamp(min=1) - pairs.rejected / pairs.rejected_tokens.clamp(min=1)
    return -logsigmoid(config.beta * average - config.simpo_gamma)


def token_weights(mask: Tensor, config: LossConfig) -> Tensor:
    """d loss / d l[i,t] over a whole batch [B, T]: the weight the normalisation gives each token's term
    (every normalisation is linear in the per-token terms, so autograd reads the weight off exactly)."""
    values = torch.zeros_like(mask, dtype=torch.float32, requires_grad=True)
    NORMALIZERS.lookup(config.normalization)(values, mask.float(), config).backward()
    return values.grad


def preference_advantages(pairs: PairLogprobs, config: PreferenceLossConfig) -> tuple[Tensor, Tensor, Tensor]:
    """The mean pair loss's derivatives: (loss per pair [P], dL/dlog pi(chosen) [P], dL/dlog pi(rejected) [P]),
    with L the mean over pairs, taken at the given (detached) log-probs.

    An answer's tokens then get A = -dL/dlog pi(answer) / (the normalisation's weight of its tokens,
    ``token_weights``): the shared loss's gradient is then exactly grad L.
    """
    chosen = pairs.chosen.detach().float().requires_grad_(True)
    rejected = pairs.rejected.detach().float().requires_grad_(True)
    detached = dataclasses.replace(pairs, chosen=chosen, rejected=rejected)
    losses = PREFERENCE_LOSSES.lookup(config.loss_type)(detached, config)
    d_chosen, d_rejected = torch.autograd.grad(losses.mean(), (chosen, rejected))
    return losses.detach(), d_chosen, d_rejected
