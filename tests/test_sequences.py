"""Shared-prompt batches give the log-probs and gradients of plain ones, for less compute."""

from __future__ import annotations

import pytest

torch = pytest.importorskip("torch")

from envgym.learn.sequences import Sample, pad  # noqa: E402
from envgym.models import build_model, build_tokenizer  # noqa: E402


def samples(tokenizer):
    """Two groups with different prompt lengths, completions of different lengths, one multi-turn row."""
    out = []
    rng = torch.Generator().manual_seed(0)
    for group, prompt_len in enumerate((7, 12)):
        prompt = tuple(torch.randint(5, 300, (prompt_len,), generator=rng).tolist())
        for k in range(3):
            completion = tuple(torch.randint(5, 300, (3 + 2 * k + group,), generator=rng).tolist())
            ids = prompt + completion
            mask = (0.0,) * len(prompt) + (1.0,) * len(completion)
            if k == 2:  # a second turn: environment tokens (mask 0), then more policy tokens
                ids += (7, 8, 9, 10, 11)
                mask += (0.0, 0.0, 0.0, 1.0, 1.0)
            out.append(Sample(ids, mask, tuple(0.5 * m for m in mask), None, tuple(-1.0 for _ in ids), f"g{group}#{k}"))
    return out


def policy_values(batch, values):
    return [v for row, m in zip(values, batch.mask) for v, keep in zip(row.tolist(), m.tolist()) if keep]


def test_shared_layout_matches_the_full_layout_in_values_and_gradients():
    tokenizer = build_tokenizer()
    model = build_model(tokenizer, seed=1)
    rows = samples(tokenizer)
    full, shared = pad(rows, tokenizer.pad_token_id, share_prompts=False), pad(rows, tokenizer.pad_token_id)
    assert full.prompts is None and shared.prompts is not None
    assert shared.prompts.shape[0] == 2 and shared.ids.numel() < full.ids.numel()
    grads = []
    for batch in (full, shared):
        model.zero_grad()
        logprobs = batch.logprobs(model)
        (logprobs * batch.mask * batch.advantages).sum().backward()
        grads.append({k: p.grad.clone() for k, p in model.named_parameters()})
        batch.values = policy_values(batch, logprobs.detach())
    assert full.tokens == shared.tokens
    assert shared.values == pytest.approx(full.values, abs=1e-5)
    for name, grad in grads[0].items():
        assert torch.allclose(grads[1][name], grad, atol=1e-5), name


def test_rows_without_shared_prompts_stay_in_the_full_layout():
    tokenizer = build_tokenizer()
    rows = [s for s in samples(tokenizer) if s.key.endswith("#0")]
    assert pad(rows, tokenizer.pad_token_id).prompts is None
