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

from envgym.rollout.store import trajectory_key
from envgym.types import Trajectory


@dataclass(frozen=True)
class Sample:
    """One training sequence.

    ids: the tokens; mask: 1 on tokens that count in the loss (policy tokens, less masked ones);
    advantages / ce_weights: per-token weights (None: the part is off for this sample);
    rollout_logprobs: the engine's sampling log-probs per token (None where unknown);
    key: the trajectory it came from, task_id: its task (for the run's record of what was trained on).
    """

    ids: tuple[int, ...]
    mask: tuple[float, ...]
    advantages: tuple[float, ...] | None
    ce_weights: tuple[float, ...] | None
    rollout_logprobs: tuple[float | None, ...]
    key: str
    task_id: str = ""


def training_sequence(trajectory: Trajectory) -> tuple[list[int], list[int], list[float | None]]:
    """The token ids a learner trains on, the mask of policy tokens, and their sampling log-probs.

    Every turn's prompt is a prefix of the final sequence (nothing is re-tokenized), so the
    sequence is the last prompt plus the last completion, and each turn's completion sits at
    the end of its own prompt.
    """
    if not trajectory.turns:
        return [], [], []
    last = trajectory.turns[-1]
    ids = list(last.prompt_ids) + list(last.completion_ids)
    mask = [0] * len(ids)
    logprobs: list[float | None] = [None] * len(ids)
    for turn in trajectory.turns:
        start = len(turn.prompt_ids)
        if ids[:start] != list(turn.prompt_ids) or ids[start:start + len(turn.completion_ids)] != list(turn.completion_ids):
            raise ValueError(f"trajectory {trajectory.task_id}: turn tokens are not a prefix of the final sequence")
        for i, token_logprob in enumerate(turn.logprobs or [None] * len(turn.completion_ids)):
            mask[start + i] = 1
            logprobs[start + i] = token_logprob
    return ids, mask, logprobs


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
    return Sample(tuple(ids), mask, adv, ce, tuple(logprobs), trajectory_key(trajectory), trajectory.task_id)


@dataclass
class Batch:
    """Padded tensors of a list of samples, in one of two layouts.

    Full layout (``prompts is None``): each row is a whole sequence, right-padded.
    Shared layout: each row holds only what follows its prompt (the tokens before its first
    policy token), right-padded; the distinct prompts are left-padded in ``prompts`` and
    ``prompt_of`` maps rows to them. A GRPO group's samples share their prompt, so it is encoded
    once and its keys and values serve every sample (the gradient through them is the sum over
    the group, exactly as if each sample had its own copy): a batch of groups of 8 costs about
    half the compute.

    ``mask``, ``advantages``, ``ce_weights``, ``rollout_logprobs`` and ``logprobs(model)`` share
    the rows' layout; policy tokens never sit in a prompt, so the loss sees every one of them.
    """

    ids: Tensor
    attention: Tensor
    mask: Tensor
    advantages: Tensor | None
    ce_weights: Tensor | None
    rollout_logprobs: Tensor | None  # NaN where a token has no sampling log-prob (off-policy traces)
    prompts: Tensor | None = None
    prompt_attention: Tensor | None = None
    prompt_of: Tensor | None = None

    @property
    def tokens(self) -> int:
        return int(self.mask.sum().item())

    def logprobs(self, model: Any) -> Tensor:
        """log pi of every row token under ``model``, in the rows' layout (float32)."""
        if self.prompts is None:
            return token_logprobs(model, self.ids, self.attention)
        return _shared_logprobs(model, self)


def pad(samples: Sequence[Sample], pad_id: int, device: Any = "cpu", share_prompts: bool = True) -> Batch:
    """Stack samples; with ``share_prompts``, in the shared layout when some rows share a prompt."""
    if not samples:
        raise ValueError("pad: no samples")
    starts = [next((i for i, m in enumerate(s.mask) if m), None) for s in samples]
    prompts = {s.ids[:k] for s, k in zip(samples, starts) if k is not None}
    shared = share_prompts and None not in starts and len(prompts) < len(samples)
    cut = starts if shared else [0] * len(samples)
    width = max(len(s.ids) - k for s, k in zip(samples, cut))

    def rows(values: Any, fill: float) -> list[list[float]]:
        return [list(v[k:]) + [fill] * (width - len(v) + k) for v, k in zip(values, cut)]

    ids = torch.tensor(rows([s.ids for s in samples], pad_id), dtype=torch.long)
    attention = torch.tensor(rows([(1,) * len(s.ids) for s in samples], 0), dtype=torch.long)
    mask = torch.tensor(rows([s.mask for s in samples], 0.0))
    adv = ce = rollout = None
    if any(s.advantages is not None for s in samples):
        adv = torch.tensor(rows([s.advantages or (0.0,) * len(s.ids) for s in samples], 0.0))
    if any(s.ce_weights is not None for s in samples):
        ce = torch.tensor(rows([s.ce_weights or (0.0,) * len(s.ids) for s in samples], 0.0))
    if any(lp is not None for s in samples for lp in s.rollout_logprobs):  # NaN: not sampled by the engine
        rollout = torch.tensor(rows([[math.nan if lp is None else lp for lp in s.rollout_logprobs] for s in samples], math.nan))
    to = lambda t: None if t is None else t.to(device)  # noqa: E731
    batch = Batch(ids.to(device), attention.to(device), mask.to(device), to(adv), to(ce), to(rollout))
    if shared:
        order = sorted(prompts)
        index = {p: i for i, p in enumerate(order)}
        left = max(len(p) for p in order)
        batch.prompts = torch.full((len(order), left), pad_id, dtype=torch.long)
        batch.prompt_attention = torch.zeros((len(order), left), dtype=torch.long)
        for i, p in enumerate(order):
            batch.prompts[i, left - len(p):] = torch.tensor(p)
            batch.prompt_attention[i, left - len(p):] = 1
        batch.prompt_of = torch.tensor([index[s.ids[:k]] for s, k in zip(samples, cut)])
        batch.prompts, batch.prompt_attention, batch.prompt_of = (
            t.to(device) for t in (batch.prompts, batch.prompt_attention, batch.prompt_of))
    return batch


def token_logprobs(model: Any, ids: Tensor, attention: Tensor) -> Tensor:
    """log pi(ids[:, t] | ids[:, :t]) at every position t (position 0, having no context, gets 0).

    Computed in float32 from the model's logits, whatever the model's dtype.
    """
    logits = model(input_ids=ids, attention_mask=attention).logits[:, :-1].float()
    picked = torch.log_softmax(logits, dim=-1).gather(-1, ids[:, 1:, None]).squeeze(-1)
    return torch.cat([torch.zeros_like(picked[:, :1]), picked], dim=1)


def _shared_logprobs(model: Any, batch: Batch) -> Tensor:
    """Encode each distinct prompt once; run every row's continuation on its prompt's cache."""
    positions = (batch.prompt_attention.cumsum(-1) - 1).clamp(min=0)
    out = model(input_ids=batch.prompts, attention_mask=batch.prompt_attention, position_ids=positions, use_cache=True)
    cache, rows = out.past_key_values, batch.prompt_of
    for layer in cache.layers:  # every row gets its prompt's keys and values (differentiable gather)
        layer.keys, layer.values = layer.keys.index_select(0, rows), layer.values.index_select(0, rows)
    start = batch.prompt_attention.sum(-1).index_select(0, rows)
    positions = start[:, None] + torch.arange(batch.ids.shape[1], device=batch.ids.device)[None, :]
    attention = torch.cat([batch.prompt_attention.index_select(0, rows), batch.attention], dim=1)
    logits = model(input_ids=batch.ids, attention_mask=attention, position_ids=positions, past_key_values=cache).logits
    first = torch.log_softmax(out.logits[:, -1].float(), dim=-1).index_select(0, rows).gather(-1, batch.ids[:, :1])
    rest = torch.log_softmax(logits[:, :-1].float(), dim=-1).gather(-1, batch.ids[:, 1:, None]).squeeze(-1)
    return torch.cat([first, rest], dim=1)
