"""Per-sequence advantages from the rewards of groups of samples.

A group is the samples of one prompt. Every estimator in ADVANTAGES maps rewards r [N] and a
parallel sequence of N group ids to advantages A [N]:

    grpo    (r - mean_g) / (std_g + eps)     Shao et al. 2024 (DeepSeekMath). std_g is the
                                             population std (unbiased=False): rewards 0 and 1 give -1, +1.
    drgrpo  r - mean_g                       Liu et al. 2025 (Dr. GRPO): dividing by std_g
                                             weighs near-solved and near-hopeless prompts up.
    rloo    r - mean of the group's others   Ahmadian et al. 2024, = n/(n-1) * (r - mean_g);
                                             0 for a sample alone in its group.

A group whose rewards are all equal gets A = 0 from every estimator, so it teaches nothing;
``zero_variance_groups`` names those groups so that a dynamic sampler (DAPO) can drop or refill them.
``spread`` puts each sequence's advantage on its policy tokens (the loss's A[i,t]) and
``spread_steps`` puts step rewards on each step's tokens (process supervision).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence

import torch
from torch import Tensor

from envgym.learn.loss import Registry

Rewards = Tensor | Sequence[float]
Estimator = Callable[[Rewards, Sequence[Hashable]], Tensor]  # (rewards [N], group ids [N]) -> advantages [N]

ADVANTAGES: Registry[Estimator] = Registry("advantage estimator")


def compute_advantages(estimator: str, rewards: Rewards, groups: Sequence[Hashable]) -> Tensor:
    """Advantages [N] from the estimator registered under that name."""
    return ADVANTAGES.lookup(estimator)(rewards, groups)


@ADVANTAGES.register("grpo")
def grpo(rewards: Rewards, groups: Sequence[Hashable], eps: float = 1e-6) -> Tensor:
    """(r - group mean) / (group population std + eps); a group of equal rewards gets 0."""
    r, ids, size, mean = _group_stats(rewards, groups)
    centered = r - mean[ids]
    std = (torch.zeros_like(mean).index_add_(0, ids, centered.square()) / size).sqrt()
    return centered / (std[ids] + eps)


@ADVANTAGES.register("drgrpo")
def drgrpo(rewards: Rewards, groups: Sequence[Hashable]) -> Tensor:
    """r - group mean: no division by the group's std.

    >>> drgrpo([1.0, 0.0, 3.0, 3.0], ["a", "a", "b", "b"]).tolist()
    [0.5, -0.5, 0.0, 0.0]
    """
    r, ids, _, mean = _group_stats(rewards, groups)
    return r - mean[ids]


@ADVANTAGES.register("rloo")
def rloo(rewards: Rewards, groups: Sequence[Hashable]) -> Tensor:
    """r minus the mean of the other samples of its group (leave-one-out); 0 for a group of one."""
    r, ids, size, mean = _group_stats(rewards, groups)
    n = size[ids]
    return torch.where(n > 1, (r - mean[ids]) * n / (n - 1).clamp(min=1), torch.zeros_like(r))


def zero_variance_groups(rewards: Rewards, groups: Sequence[Hashable]) -> set[Hashable]:
    """The groups whose rewards are all equal (a group of one included).

    >>> sorted(zero_variance_groups([1.0, 1.0, 0.0, 1.0], ["a", "a", "b", "b"]))
    ['a']
    """
    seen: dict[Hashable, set[float]] = {}
    for group, value in zip(groups, _as_rewards(rewards, groups).tolist()):
        seen.setdefault(group, set()).add(value)
    return {group for group, values in seen.items() if len(values) == 1}


def spread(sequence_values: Rewards, mask: Tensor) -> Tensor:
    """[B, T]: each sequence's value on its mask tokens, 0 elsewhere."""
    values = torch.as_tensor(sequence_values)
    values = values if values.is_floating_point() else values.to(torch.get_default_dtype())
    if values.shape != mask.shape[:1]:
        raise ValueError(f"spread: {tuple(values.shape)} sequence values for a mask of shape {tuple(mask.shape)}")
    return values[:, None] * mask.to(values.dtype)


def spread_steps(step_rewards: Rewards, step_spans: Sequence[tuple[int, int]], length: int) -> Tensor:
    """[length]: each step's reward on its tokens [start, end), 0 outside every span.

    >>> spread_steps([1.0, -1.0], [(0, 2), (3, 4)], 5).tolist()
    [1.0, 1.0, 0.0, -1.0, 0.0]
    """
    rewards = torch.as_tensor(step_rewards, dtype=torch.get_default_dtype())
    if len(rewards) != len(step_spans):
        raise ValueError(f"spread_steps: {len(rewards)} step rewards for {len(step_spans)} spans")
    out = torch.zeros(length, dtype=rewards.dtype)
    covered = torch.zeros(length, dtype=torch.bool)
    for reward, (start, end) in zip(rewards, step_spans):
        if not 0 <= start <= end <= length:
            raise ValueError(f"spread_steps: span ({start}, {end}) is not within a sequence of {length} tokens")
        if covered[start:end].any():
            raise ValueError(f"spread_steps: span ({start}, {end}) overlaps an earlier step's span")
        out[start:end] = reward
        covered[start:end] = True
    return out


def _as_rewards(rewards: Rewards, groups: Sequence[Hashable]) -> Tensor:
    r = torch.as_tensor(rewards)
    r = r if r.is_floating_point() else r.to(torch.get_default_dtype())
    if r.ndim != 1 or len(r) != len(groups):
        raise ValueError(f"rewards must be 1-D with one group id each; got shape {tuple(r.shape)} and {len(groups)} group ids")
    return r


def _group_stats(rewards: Rewards, groups: Sequence[Hashable]) -> tuple[Tensor, Tensor, Tensor, Tensor]:
    """rewards [N], each sample's group index [N], and per group [G]: its size and mean reward."""
    r = _as_rewards(rewards, groups)
    index: dict[Hashable, int] = {}
    ids = torch.tensor([index.setdefault(g, len(index)) for g in groups], dtype=torch.long)
    size = torch.bincount(ids, minlength=len(index)).to(r.dtype)
    mean = torch.zeros(len(index), dtype=r.dtype).index_add_(0, ids, r) / size
    return r, ids, size, mean
