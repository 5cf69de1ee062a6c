"""The ``hf`` policy: a transformers causal LM, batched with a KV cache through ``model.generate``.

Prompts of different lengths are left-padded into one batch (``n`` copies of each for groups).
Log-probabilities come from the unprocessed logits of each step (``output_logits``), so they
are log pi at temperature 1 whatever the sampling temperature, as the Policy contract says.
Completions are cut after the first end-of-turn token, which is kept.
"""

from __future__ import annotations

import contextlib
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from envgym.policy.base import Completion, SamplingParams


class HFPolicy:
    """A transformers model as a policy.

    model: a model directory, or a loaded ``PreTrainedModel``.
    tokenizer: a tokenizer (loaded from ``model`` when it is a path).
    name: the policy id for provenance (default: the directory name).
    device: "cpu", "cuda", or "auto" (cuda when available).
    batch_size: the most sequences generated at once.
    """

    def __init__(self, model: str | Path | Any, tokenizer: Any = None, *, name: str | None = None,
                 device: str = "auto", dtype: str = "float32", batch_size: int = 64) -> None:
        import torch
        from transformers import AutoModelForCausalLM, AutoTokenizer

        if device == "auto":
            device = "cuda" if torch.cuda.is_available() else "cpu"
        if isinstance(model, (str, Path)):
            path = Path(model)
            if not path.is_dir():
                raise FileNotFoundError(f"hf policy: {path} is not a model directory (config.json, weights, tokenizer)")
            tokenizer = tokenizer or AutoTokenizer.from_pretrained(path)
            model = AutoModelForCausalLM.from_pretrained(path, dtype=getattr(torch, dtype))
            name = name or path.name
        if tokenizer is None:
            raise ValueError("hf policy: pass the tokenizer with a loaded model")
        self.model = model.to(device).eval()
        self.tokenizer = tokenizer
        self.device = device
        self.batch_size = batch_size
        self.name = name or getattr(model.config, "name_or_path", None) or "hf-policy"
        self.version = 0
        self.eos_ids = _eos_ids(model, tokenizer)
        self.pad_id = tokenizer.pad_token_id if tokenizer.pad_token_id is not None else self.eos_ids[0]

    def generate(self, prompts: Sequence[Sequence[int]], params: SamplingParams) -> list[list[Completion]]:
        flat = [list(p) for p in prompts for _ in range(params.n)]
        done: list[Completion] = []
        with _seeded(params.seed):
            for start in range(0, len(flat), self.batch_size):
                done.extend(self._batch(flat[start : start + self.batch_size], params))
        return [done[i * params.n : (i + 1) * params.n] for i in range(len(prompts))]

    def _batch(self, prompts: list[list[int]], params: SamplingParams) -> list[Completion]:
        import torch

        width = max(len(p) for p in prompts)
        ids = torch.full((len(prompts), width), self.pad_id, dtype=torch.long)
        mask = torch.zeros((len(prompts), width), dtype=torch.long)
        for row, p in enumerate(prompts):
            ids[row, width - len(p):] = torch.tensor(p, dtype=torch.long)
            mask[row, width - len(p):] = 1
        sample = params.temperature > 0
        kwargs: dict[str, Any] = dict(
            max_new_tokens=params.max_tokens, do_sample=sample, eos_token_id=self.eos_ids,
            pad_token_id=self.pad_id, return_dict_in_generate=True, output_logits=True,
        )
        if self.pad_id not in self.eos_ids:
            kwargs["suppress_tokens"] = [self.pad_id]
        if sample:
            kwargs.update(temperature=params.temperature, top_p=params.top_p, top_k=0)
        if params.stop:
            kwargs.update(stop_strings=list(params.stop), tokenizer=self.tokenizer)
        with torch.inference_mode():
            out = self.model.generate(input_ids=ids.to(self.device), attention_mask=mask.to(self.device), **kwargs)
        new = out.sequences[:, width:].cpu()
        logits = torch.stack(out.logits, dim=1).float()  # (batch, new tokens, vocab)
        logprobs = torch.log_softmax(logits, dim=-1).gather(-1, new.unsqueeze(-1).to(logits.device)).squeeze(-1).cpu()
        rows = [self._cut(new[row].tolist(), logprobs[row].tolist()) for row in range(len(prompts))]
        texts = self.tokenizer.batch_decode([tokens for tokens, _, _ in rows], skip_special_tokens=True)
        return [Completion(tuple(t), tuple(lp), text, reason) for (t, lp, reason), text in zip(rows, texts)]

    def _cut(self, tokens: list[int], logprobs: list[float]) -> tuple[list[int], list[float], str]:
        """A row up to and including its end-of-turn token, and why it ended."""
        end = next((i + 1 for i, t in enumerate(tokens) if t in self.eos_ids), None)
        reason = "stop"
        if end is None:  # finished rows are padded; the pad token itself is never sampled
            end = next((i for i, t in enumerate(tokens) if t == self.pad_id), len(tokens))
            reason = "stop" if end < len(tokens) else "length"
        return tokens[:end], logprobs[:end], reason

    def update_weights(self, state_dict: Mapping[str, Any]) -> None:
        """Copy new weights in place; every key must match a parameter of the same shape."""
        own = self.model.state_dict()
        unknown = [k for k in state_dict if k not in own]
        wrong = [k for k, v in state_dict.items() if k in own and tuple(v.shape) != tuple(own[k].shape)]
        if unknown or wrong:
            raise ValueError(f"hf policy {self.name}: weight update rejected; unknown keys {unknown[:5]}, wrong shapes {wrong[:5]}")
        self.model.load_state_dict(dict(state_dict), strict=False)
        self.version += 1


def _eos_ids(model: Any, tokenizer: Any) -> list[int]:
    ids = model.generation_config.eos_token_id
    ids = [ids] if isinstance(ids, int) else list(ids or [])
    if tokenizer.eos_token_id is not None and tokenizer.eos_token_id not in ids:
        ids.append(tokenizer.eos_token_id)
    if not ids:
        raise ValueError("hf policy: the model and tokenizer name no end-of-sequence token")
    return ids


@contextlib.contextmanager
def _seeded(seed: int | None):
    """Sample under ``seed`` without disturbing the caller's torch RNG."""
    if seed is None:
        yield
        return
    import torch

    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        yield
