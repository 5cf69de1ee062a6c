"""The ``hf`` policy: a transformers causal LM, batched with a KV cache.

Prompts of different lengths are left-padded into one batch (``n`` copies of each for groups).
By default the batch is decoded by a lean loop of this module's own: one prefill, then one
forward per new token with a ``DynamicCache``, sampling in a few tensor ops. It does what
``model.generate`` does for these settings, without generate's per-step logits processors,
stopping criteria and cache bookkeeping, which dominate the step time of small models (about
3x on the tiny model on CPU). ``decode="generate"`` goes through ``model.generate`` instead, for
models the loop cannot drive (encoder-decoders, models that need inputs other than token ids).

Both paths keep the Policy contract:

- log-probabilities come from the unprocessed logits of each step, so they are log pi at
  temperature 1 whatever the sampling temperature or top-p;
- sampling: the logits divided by the temperature, then the top-p nucleus, then a multinomial
  draw; greedy (argmax) when the temperature is 0. The pad token is never sampled (when it is
  not also an end token), so a finished row is never confused with a sampled one;
- a completion is cut after its first end-of-turn token, which is kept, or after the token that
  completes a stop string, which is kept too (tokens and text); ``finish_reason`` is "stop" then
  and "length" when ``max_tokens`` ran out;
- with ``seed`` the loop draws from its own ``torch.Generator``, so sampling is reproducible and
  the caller's global RNG is untouched (generate runs under a forked, reseeded global RNG).

The model is put in eval mode while it generates and its modes are restored afterwards: the
trainer shares it and may have left it training.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, Literal

from envgym.policy.base import Completion, FinishReason, SamplingParams

Decode = Literal["loop", "generate"]

# Tokens of slack beyond a stop string's length in bytes when looking for it in a row's tail:
# room for special tokens (decoded to nothing) and a multi-byte character cut at the tail's start.
STOP_TAIL_SLACK = 16


class HFPolicy:
    """A transformers model as a policy.

    model: a model directory, or a loaded ``PreTrainedModel``.
    tokenizer: a tokenizer (loaded from ``model`` when it is a path).
    name: the policy id for provenance (default: the directory name).
    device: "cpu", "cuda", or "auto" (cuda when available).
    batch_size: the most sequences generated at once.
    decode: "loop" (default) decodes with this module's own KV-cache loop, for causal LMs that
        take ``input_ids``, ``attention_mask``, ``position_ids`` and ``past_key_values``;
        "generate" calls ``model.generate``, slower per step but for any generating model.
        Seeded samples differ between the two (they draw random numbers differently).
    """

    def __init__(self, model: str | Path | Any, tokenizer: Any = None, *, name: str | None = None,
                 device: str = "auto", dtype: str = "float32", batch_size: int = 64,
                 decode: Decode = "loop") -> None:
        import torch
        from transformers import AutoModelForCausalLM, AutoTokenizer

        if decode not in ("loop", "generate"):
            raise ValueError(f"hf policy: decode must be 'loop' or 'generate', got {decode!r}")
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
        self.model = model.to(device)  # left in its mode: generation switches to eval and back
        self.tokenizer = tokenizer
        self.device = device
        self.batch_size = batch_size
        self.decode = decode
        self.name = name or getattr(model.config, "name_or_path", None) or "hf-policy"
        self.version = 0
        self.eos_ids = _eos_ids(model, tokenizer)
        self.pad_id = tokenizer.pad_token_id if tokenizer.pad_token_id is not None else self.eos_ids[0]

    def generate(self, prompts: Sequence[Sequence[int]], params: SamplingParams) -> list[list[Completion]]:
        import torch

        flat = [list(p) for p in prompts for _ in range(params.n)]
        done: list[Completion] = []
        loop = self.decode == "loop"
        generator = None if params.seed is None or not loop else torch.Generator(self.device).manual_seed(params.seed)
        with _seeded(None if loop else params.seed), _eval_mode(self.model), torch.inference_mode():
            for start in range(0, len(flat), self.batch_size):
                chunk = flat[start : start + self.batch_size]
                done.extend(self._loop_batch(chunk, params, generator) if loop else self._generate_batch(chunk, params))
        return [done[i * params.n : (i + 1) * params.n] for i in range(len(prompts))]

    def _left_pad(self, prompts: list[list[int]]) -> tuple[Any, Any]:
        """``(ids, mask)``, each (batch, longest prompt) on the device, prompts right-aligned."""
        import torch

        width = max(len(p) for p in prompts)
        ids = torch.full((len(prompts), width), self.pad_id, dtype=torch.long)
        mask = torch.zeros((len(prompts), width), dtype=torch.long)
        for row, p in enumerate(prompts):
            ids[row, width - len(p):] = torch.tensor(p, dtype=torch.long)
            mask[row, width - len(p):] = 1
        return ids.to(self.device), mask.to(self.device)

    def _loop_batch(self, prompts: list[list[int]], params: SamplingParams, generator: Any) -> list[Completion]:
        """Prefill once, then one cached forward per token until every row has ended."""
        import torch
        from transformers import DynamicCache

        ids, mask = self._left_pad(prompts)
        rows, width = ids.shape
        steps = params.max_tokens
        attention = torch.cat([mask, mask.new_ones((rows, steps))], dim=1)  # sliced as the cache grows
        positions = (mask.cumsum(-1) - 1).clamp(min=0)
        cache = DynamicCache(config=self.model.config)
        logits = self.model(input_ids=ids, attention_mask=mask, position_ids=positions, past_key_values=cache,
                            use_cache=True, logits_to_keep=1).logits[:, -1]
        position = positions[:, -1:] + 1  # (rows, 1): where each row's next token sits
        eos = torch.tensor(self.eos_ids, device=ids.device)
        suppress = None if self.pad_id in self.eos_ids else self.pad_id
        tokens = torch.full((rows, steps), self.pad_id, dtype=torch.long, device=ids.device)
        logprobs = torch.zeros((rows, steps), device=ids.device)
        ends = torch.full((rows,), steps, device=ids.device)  # tokens kept per row
        alive = torch.ones(rows, dtype=torch.bool, device=ids.device)
        for t in range(steps):
            logits = logits.float()
            token = _sample(logits, params, generator, suppress)
            logprobs[:, t] = logits.gather(-1, token[:, None]).squeeze(-1) - logits.logsumexp(-1)
            token = token.masked_fill(~alive, self.pad_id)
            tokens[:, t] = token
            ended = alive & torch.isin(token, eos)
            if params.stop:
                ended |= self._completes_stop(tokens[:, : t + 1], alive & ~ended, params.stop)
            ends.masked_fill_(ended, t + 1)
            alive &= ~ended
            if t + 1 == steps or not alive.any():
                break
            logits = self.model(input_ids=token[:, None], attention_mask=attention[:, : width + t + 1],
                                position_ids=position, past_key_values=cache, use_cache=True).logits[:, -1]
            position = position + 1
        ends, alive, tokens, logprobs = ends.tolist(), alive.tolist(), tokens.tolist(), logprobs.tolist()
        return self._completions([
            (tokens[r][: int(ends[r])], logprobs[r][: int(ends[r])], "length" if alive[r] else "stop") for r in range(rows)
        ])

    def _completes_stop(self, tokens: Any, rows: Any, stop: Sequence[str]) -> Any:
        """Which of the ``rows`` (bool, (batch,)) the last of ``tokens`` (batch, t) ended with a stop string.

        Only each row's tail is decoded, long enough for the longest stop string, so the check
        costs the same at every step; a stop string completed earlier would have ended the row then.
        """
        import torch

        hit = torch.zeros_like(rows)
        live = rows.nonzero().squeeze(-1)
        if not len(live):
            return hit
        tail = max(len(s.encode()) for s in stop) + STOP_TAIL_SLACK
        texts = self.tokenizer.batch_decode(tokens[live, -tail:].tolist(), skip_special_tokens=True)
        found = [r for r, text in zip(live.tolist(), texts) if any(s in text for s in stop)]
        hit[found] = True
        return hit

    def _generate_batch(self, prompts: list[list[int]], params: SamplingParams) -> list[Completion]:
        import torch

        ids, mask = self._left_pad(prompts)
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
        out = self.model.generate(input_ids=ids, attention_mask=mask, **kwargs)
        new = out.sequences[:, ids.shape[1]:]
        logits = torch.stack(out.logits, dim=1).float()  # (batch, new tokens, vocab)
        logprobs = torch.log_softmax(logits, dim=-1).gather(-1, new.unsqueeze(-1)).squeeze(-1).cpu()
        new = new.cpu()
        return self._completions([self._cut(new[row].tolist(), logprobs[row].tolist()) for row in range(len(prompts))])

    def _cut(self, tokens: list[int], logprobs: list[float]) -> tuple[list[int], list[float], FinishReason]:
        """A row of ``model.generate`` up to and including its end-of-turn token, and why it ended."""
        end = next((i + 1 for i, t in enumerate(tokens) if t in self.eos_ids), None)
        reason: FinishReason = "stop"
        if end is None:  # finished rows are padded; the pad token itself is never sampled
            end = next((i for i, t in enumerate(tokens) if t == self.pad_id), len(tokens))
            reason = "stop" if end < len(tokens) else "length"
        return tokens[:end], logprobs[:end], reason

    def _completions(self, rows: list[tuple[list[int], list[float], FinishReason]]) -> list[Completion]:
        texts = self.tokenizer.batch_decode([tokens for tokens, _, _ in rows], skip_special_tokens=True)
        return [Completion(tuple(t), tuple(lp), text, reason) for (t, lp, reason), text in zip(rows, texts)]

    def update_weights(self, state_dict: Mapping[str, Any]) -> None:
        """Copy new weights in place; every key must match a parameter of the same shape."""
        own = self.model.state_dict()
        unknown = [k for k in state_dict if k not in own]
        wrong = [k for k, v in state_dict.items() if k in own and tuple(v.shape) != tuple(own[k].shape)]
        if unknown or wrong:
            raise ValueError(f"hf policy {self.name}: weight update rejected; unknown keys {unknown[:5]}, wrong shapes {wrong[:5]}")
        self.model.load_state_dict(dict(state_dict), strict=False)
        self.version += 1


def _sample(logits: Any, params: SamplingParams, generator: Any, suppress: int | None) -> Any:
    """One token per row (batch,) from float logits (batch, vocab): greedy, or tempered and top-p."""
    import torch

    if suppress is not None:
        logits = logits.index_fill(-1, torch.tensor([suppress], device=logits.device), float("-inf"))
    if params.temperature == 0:
        return logits.argmax(-1)
    probs = torch.softmax(logits / params.temperature, dim=-1)
    if params.top_p < 1:
        probs = _nucleus(probs, params.top_p)
    return torch.multinomial(probs, 1, generator=generator).squeeze(-1)


def _nucleus(probs: Any, top_p: float) -> Any:
    """``probs`` (batch, vocab) with everything outside each row's top-p nucleus set to 0.

    The nucleus is the fewest most likely tokens whose mass reaches ``top_p`` (at least one):
    a token stays when the mass of the tokens more likely than it is below ``top_p``.
    """
    ordered, order = probs.sort(dim=-1, descending=True)
    outside = ordered.cumsum(-1) - ordered >= top_p
    return probs.scatter(-1, order, ordered.masked_fill(outside, 0.0))


def _eos_ids(model: Any, tokenizer: Any) -> list[int]:
    ids = model.generation_config.eos_token_id
    ids = [ids] if isinstance(ids, int) else list(ids or [])
    if tokenizer.eos_token_id is not None and tokenizer.eos_token_id not in ids:
        ids.append(tokenizer.eos_token_id)
    if not ids:
        raise ValueError("hf policy: the model and tokenizer name no end-of-sequence token")
    return ids


@contextlib.contextmanager
def _eval_mode(model: Any) -> Iterator[None]:
    """Eval mode (no dropout) for the block; each submodule's own mode is restored after."""
    modes = [(module, module.training) for module in model.modules()]
    model.eval()
    try:
        yield
    finally:
        for module, training in modes:
            module.training = training


@contextlib.contextmanager
def _seeded(seed: int | None):
    """Sample under ``seed`` without disturbing the caller's torch RNG (the ``generate`` path)."""
    if seed is None:
        yield
        return
    import torch

    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        yield
