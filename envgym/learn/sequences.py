"""From trajectories to weighted token sequences, and from sequences to padded tensors.

A learner's whole job is to pick trajectories and fill in the weights of the shared loss; a
``Sample`` is one trajectory's token sequence (exactly the sampled tokens, ``training_sequence``)
with those weights on its policy tokens. ``pad`` stacks samples into the tensors ``policy_loss``
takes, and ``token_logprobs`` gives log pi(y_t) for every position of a padded batch.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import torch
from torch import Tensor

from envgym.rollout.collector import training_sequence
from envgym.rollout.store import trajectory_key
from envgym.types import Trajectory


@dataclass(frozen=True)
class Sample:
    """One training sequence.

    ids: the tokens; mask: 1 on tokens that count in the loss (policy tokens, less masked ones);
    advantages / ce_weights: per-token weights (None: the part is off for this sample);
    rollout_logprobs: the engine's sampling log-probs per token (None where unknown);
    key: the trajectory it came from (for the run's record of what was trained on).
    """

    ids: tuple[int, ...]
    mask: tuple[float, ...]
    advantages: tuple[float, ...] | None
    ce_weights: tuple[float, ...] | None
    rollout_logprobs: tuple[float | None, ...]
    key: str


def sample(trajectory: Trajectory, *, advantage: float | Sequence[float] | None = None,
           ce_weight: float | None = None, use: bool = True) -> Sample:
    """A trajectory's sequence with a constant (or per-token) advantage and/or CE weight on its policy tokens.

    use=False keeps the sample but zeroes its mask (overlong masking: it neither pushes nor pulls).
    """
    ids, policy, logprobs = training_sequence(trajectory)
    mask = tuple(float(m) if use else 0.0 for m in policy)
    if advantage is None:
        adv = None
    elif isinstance(advantage, (int, float)):
        adv = tuple(advantage * m for m in policy)
    else:
        if len(advantage) != len(ids):
            raise ValueError(f"per-token advantages for {trajectory.task_id}: {len(advantage)} values for {len(ids)} tokens")
        adv = tuple(float(a) * m for a, m in zip(advantage, policy))
    ce = None if ce_weight is None else tuple(ce_weight * m for m in policy)
    return Sample(tuple(ids), mask, adv, ce, tuple(logprobs), trajectory_key(trajectory))


@dataclass
class Batch:
    """Padded tensors of a list of samples (right padding)."""

    ids: Tensor
    attention: Tensor
    mask: Tensor
    advantages: Tensor | None
    ce_weights: Tensor | None
    rollout_logprobs: Tensor | None  # NaN where a token has no sampling log-prob (off-policy traces)

    @property
    def tokens(self) -> int:
        return int(self.mask.sum().item())


def pad(samples: Sequence[Sample], pad_id: int, device: Any = "cpu") -> Batch:
    if not samples:
        raise ValueError("pad: no samples")
    width = max(len(s.ids) for s in samples)
    n = len(samples)
    ids = torch.full((n, width), pad_id, dtype=torch.long)
    attention = torch.zeros((n, width), dtype=torch.long)
    mask = torch.zeros((n, width))
    adv = torch.zeros((n, width)) if any(s.advantages is not None for s in samples) else None
    ce = torch.zeros((n, width)) if any(s.ce_weights is not None for s in samples) else None
    known = any(lp is not None for s in samples for lp in s.rollout_logprobs)
    rollout = torch.full((n, width), float("nan")) if known else None  # NaN: not sampled by the engine
    for row, s in enumerate(samples):
        k = len(s.ids)
        ids[row, :k] = torch.tensor(s.ids)
        attention[row, :k] = 1
        mask[row, :k] = torch.tensor(s.mask)
        if adv is not None and s.advantages is not None:
            adv[row, :k] = torch.tensor(s.advantages)
        if ce is not None and s.ce_weights is not None:
            ce[row, :k] = torch.tensor(s.ce_weights)
        if rollout is not None:
            rollout[row, :k] = torch.tensor([math.nan if lp is None else lp for lp in s.rollout_logprobs])
    to = lambda t: None if t is None else t.to(device)  # noqa: E731
    return Batch(ids.to(device), attention.to(device), mask.to(device), to(adv), to(ce), to(rollout))


def token_logprobs(model: Any, ids: Tensor, attention: Tensor) -> Tensor:
    """log pi(ids[:, t] | ids[:, :t]) at every position t (position 0, having no context, gets 0).

    Computed in float32 from the model's logits, whatever the model's dtype.
    """
    logits = model(input_ids=ids, attention_mask=attention).logits[:, :-1].float()
    picked = torch.log_softmax(logits, dim=-1).gather(-1, ids[:, 1:, None]).squeeze(-1)
    return torch.cat([torch.zeros_like(picked[:, :1]), picked], dim=1)
