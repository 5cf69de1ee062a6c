"""The ``hf`` policy: a transformers causal LM, batched with a KV cache.

Prompts of different lengths are left-padded into one batch (``n`` copies of each for groups).
By default the batch is decoded by a lean loop of this module's own rather than by
``model.generate``: one prefill, then one forward per new token, sampling in a few tensor ops.
Per step it skips generate's logits processors and stopping criteria, and it also

- reads each prompt once and lets its ``n`` copies share that cache;
- writes the KV cache into preallocated buffers, where transformers' ``DynamicCache``
  concatenates (copies) the whole cache at every step;
- draws a token with one uniform number per row (inverse CDF), where ``torch.multinomial``
  draws one per vocabulary entry (on CPU, a third of the tiny model's step);
- drops finished rows from the batch once they are half of it;
- keeps one log-probability per token, not the logits of every step.

On the tiny model on two CPU cores, 64 rows x 32 tokens take about 1.5x less time than with
``model.generate`` when sampling (1.2x greedy); the model's cached forward is most of what
remains. ``decode="generate"`` goes through ``model.generate`` instead, for models the loop
cannot drive (encoder-decoders, models that need inputs other than token ids, or whose forward
lacks ``logits_to_keep``).

On a GPU the step's cost is not the arithmetic but launching a few hundred small kernels per
token, so ``decode="static"`` (the default on CUDA) decodes with shapes that never change: the KV
cache is one buffer of every row's full length, written at a position held in a tensor, and the
attention mask is a 4D tensor updated in place; finished rows ride along instead of being
dropped. With fixed shapes the decode step is captured once per batch as a CUDA graph and
replayed for every token (``cuda_graphs``). Its greedy output is the loop's, token for token
(``tests/test_hf_fast_decode.py``). When the trainer trains in bf16 on a GPU it hands the policy
a bf16 copy of the weights to generate with (``generation_dtype``), refreshed at every push, and
``batch_size="auto"`` sizes batches by free GPU memory so a whole step's rollouts decode at once.

Both paths keep the Policy contract:

- log-probabilities come from the unprocessed logits of each step, so they are log pi at
  temperature 1 whatever the sampling temperature or top-p;
- sampling: the logits divided by the temperature, then the top-p nucleus, then a categorical
  draw; greedy (argmax) when the temperature is 0. The pad token is never sampled (when it is
  not also an end token), so a finished row is never confused with a sampled one;
- a completion is cut after its first end-of-turn token, which is kept, or after the token that
  completes a stop string, which is kept too (tokens and text); ``finish_reason`` is "stop" then
  and "length" when ``max_tokens`` ran out;
- with ``seed`` the loop draws from its own ``torch.Generator``, so sampling is reproducible and
  the caller's global RNG is untouched (generate runs under a forked, reseeded global RNG);
- with ``row_seeds`` each row draws from its own seed (a counter-based hash), so a prompt's
  samples do not depend on the batch it is in (data-parallel ranks sample what one process would).

The model is put in eval mode while it generates and its modes are restored afterwards: the
trainer shares it and may have left it training.
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, Literal

from envgym.policy.base import MASK64, Completion, FinishReason, SamplingParams, mix_seed

Decode = Literal["auto", "loop", "static", "generate"]

# Tokens of slack beyond a stop string's length in bytes when looking for it in a row's tail:
# room for special tokens (decoded to nothing) and a multi-byte character cut at the tail's start.
STOP_TAIL_SLACK = 16


class HFPolicy:
    """A transformers model as a policy.

    model: a model directory, or a loaded ``PreTrainedModel``.
    tokenizer: a tokenizer (loaded from ``model`` when it is a path).
    name: the policy id for provenance (default: the directory name).
    device: "cpu", "cuda", or "auto" (cuda when available).
    batch_size: the most sequences generated at once, or "auto": as many as free GPU memory holds
        (64 on the CPU).
    decode: "loop" decodes with this module's own KV-cache loop, for causal LMs that take
        ``input_ids``, ``attention_mask``, ``position_ids`` and ``past_key_values``; "static" with
        the same loop at fixed shapes (CUDA-graph friendly); "auto" (default): static on CUDA,
        loop elsewhere; "generate" calls ``model.generate``, slower per step but for any
        generating model. Seeded samples differ between generate and the others.
    cuda_graphs: capture the static decode step as a CUDA graph (default: on CUDA).
    generation_dtype: generate with a copy of the weights in this dtype (e.g. "bfloat16"),
        refreshed by ``refresh()``; None generates with the model itself.
    """

    def __init__(self, model: str | Path | Any, tokenizer: Any = None, *, name: str | None = None,
                 device: str = "auto", dtype: str = "float32", batch_size: int | Literal["auto"] = 64,
                 decode: Decode = "auto", cuda_graphs: bool | None = None, generation_dtype: str | None = None) -> None:
        import torch
        from transformers import AutoModelForCausalLM, AutoTokenizer

        if decode not in ("auto", "loop", "static", "generate"):
            raise ValueError(f"hf policy: decode must be 'auto', 'loop', 'static' or 'generate', got {decode!r}")
        if batch_size != "auto" and (not isinstance(batch_size, int) or batch_size < 1):
            raise ValueError(f"hf policy: batch_size must be a positive integer or 'auto', got {batch_size!r}")
        if device == "auto":
            device = "cuda" if torch.cuda.is_available() else "cpu"
        cuda = str(device).startswith("cuda")
        if decode == "auto":
            decode = "static" if cuda else "loop"
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
        self.cuda_graphs = cuda and decode == "static" if cuda_graphs is None else cuda_graphs
        if self.cuda_graphs and not cuda:
            raise ValueError("hf policy: cuda_graphs needs a CUDA device")
        self.shadow = None  # the weights generation reads, when they are a copy in generation_dtype
        if generation_dtype is not None and getattr(torch, generation_dtype) != next(model.parameters()).dtype:
            import copy

            self.shadow = copy.deepcopy(model).to(getattr(torch, generation_dtype)).eval().requires_grad_(False)
        self.name = name or getattr(model.config, "name_or_path", None) or "hf-policy"
        self.version = 0
        self.eos_ids = _eos_ids(model, tokenizer)
        self.pad_id = tokenizer.pad_token_id if tokenizer.pad_token_id is not None else self.eos_ids[0]

    @property
    def generator_model(self) -> Any:
        """The module that decodes: the model, or its copy in ``generation_dtype``."""
        return self.model if self.shadow is None else self.shadow

    def refresh(self) -> None:
        """The model's weights changed in place (a training step): copy them into the generation copy, bump the version."""
        if self.shadow is not None:
            import torch

            with torch.no_grad():
                for mine, theirs in zip(self.shadow.state_dict().values(), self.model.state_dict().values()):
                    mine.copy_(theirs)
        self.version += 1

    def rows_per_batch(self, rows: int, width: int, steps: int) -> int:
        """How many of ``rows`` sequences (prompts up to ``width`` tokens, ``steps`` new) to decode at once."""
        if self.batch_size != "auto":
            return self.batch_size
        if not str(self.device).startswith("cuda"):
            return 64
        import torch

        config = self.model.config
        text = getattr(config, "get_text_config", lambda: config)()
        heads = getattr(text, "num_key_value_heads", None) or text.num_attention_heads
        head_dim = getattr(text, "head_dim", None) or text.hidden_size // text.num_attention_heads
        size = next(self.generator_model.parameters()).element_size()
        kv = 2 * text.num_hidden_layers * heads * head_dim * (width + steps) * size
        logits = 3 * text.vocab_size * 4  # the step's logits, their float copy and softmax
        free, _ = torch.cuda.mem_get_info(torch.device(self.device))
        return max(1, min(rows, int(0.7 * free) // (kv + logits)))

    def generate(self, prompts: Sequence[Sequence[int]], params: SamplingParams) -> list[list[Completion]]:
        import torch

        flat = [list(p) for p in prompts for _ in range(params.n)]
        seeds = _row_seeds(params, len(prompts))
        done: list[Completion] = []
        loop = self.decode in ("loop", "static")
        generator = None if params.seed is None or not loop else torch.Generator(self.device).manual_seed(params.seed)
        whole_batch_seed = None if loop or seeds is not None else params.seed
        size = self.rows_per_batch(len(flat), max((len(p) for p in flat), default=0), params.max_tokens)
        with _seeded(whole_batch_seed), _eval_mode(self.generator_model), torch.inference_mode():
            for start in range(0, len(flat), size):
                chunk = flat[start : start + size]
                if loop:
                    rows = None if seeds is None else torch.tensor(seeds[start : start + size], device=self.device)
                    batch = self._static_batch if self.decode == "static" else self._loop_batch
                    done.extend(batch(chunk, params, generator, rows))
                elif seeds is None:
                    done.extend(self._generate_batch(chunk, params))
                else:  # generate draws for the whole batch at once: a row seed means a batch of one
                    for row, seed in zip(chunk, seeds[start : start + size]):
                        with _seeded(seed):
                            done.extend(self._generate_batch([row], params))
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

    def _loop_batch(self, prompts: list[list[int]], params: SamplingParams, generator: Any,
                    seeds: Any = None) -> list[Completion]:
        """Prefill once, then one cached forward per token until every row has ended.

        Rows that have ended are dropped from the batch (and the cache) once they are half of it,
        so a few long completions do not drag a full batch along. With ``seeds`` (int64, one per
        row) each row's t-th draw is a hash of its seed and t (``_uniforms``), not ``generator``'s.
        """
        import torch

        rows, steps = len(prompts), params.max_tokens
        cache, logits, attention, position = self._prefill(prompts, steps)
        width, device = attention.shape[1] - steps, logits.device
        eos = torch.tensor(self.eos_ids, device=device)
        suppress = None if self.pad_id in self.eos_ids else self.pad_id
        tokens = torch.full((rows, steps), self.pad_id, dtype=torch.long, device=device)
        logprobs = torch.zeros((rows, steps), device=device)
        ends = torch.full((rows,), steps, device=device)  # tokens kept, per prompt row
        stopped = torch.zeros(rows, dtype=torch.bool, device=device)
        live = torch.arange(rows, device=device)  # the prompt row of each batch row
        alive = torch.ones(rows, dtype=torch.bool, device=device)
        for t in range(steps):
            logits = logits.float()
            uniform = None if seeds is None or params.temperature == 0 else _uniforms(seeds[live], t)
            token = _sample(logits, params, generator, suppress, uniform)
            tokens[live, t] = token
            logprobs[live, t] = logits.log_softmax(-1).gather(-1, token[:, None]).squeeze(-1)
            ended = self._ended(token, eos, tokens[:, : t + 1], live, alive, params.stop)
            ends[live[ended]] = t + 1
            stopped[live[ended]] = True
            alive &= ~ended
            left = int(alive.sum())
            if left == 0 or t + 1 == steps:
                break
            if left <= len(alive) // 2:
                keep = alive.nonzero().squeeze(-1)
                cache.batch_select_indices(keep)
                live, alive, token = live[keep], alive[keep], token[keep]
                position, attention = position[keep], attention[keep]
            logits = self.generator_model(input_ids=token[:, None], attention_mask=attention[:, : width + t + 1],
                                position_ids=position, past_key_values=cache, use_cache=True).logits[:, -1]
            position = position + 1
        return self._rows(tokens, logprobs, ends, stopped)

    def _static_batch(self, prompts: list[list[int]], params: SamplingParams, generator: Any,
                      seeds: Any = None) -> list[Completion]:
        """The loop at fixed shapes: every decode step sees the same tensors, so it can be a CUDA graph.

        The prompts are read as in the loop (``_prefill``), then their keys and values are copied
        into buffers holding each row's whole length (prompt and ``max_tokens``). A decode step
        writes its key and value at a position kept in a tensor, and attends through a 4D additive
        mask whose next column is opened before each step, so no shape changes between steps.
        Finished rows keep decoding (their tokens are dropped) rather than leaving the batch.
        """
        import torch

        rows, steps = len(prompts), params.max_tokens
        dynamic, logits, attention, position = self._prefill(prompts, steps)
        if not all(type(layer).__name__ == "BufferedLayer" for layer in dynamic.layers):  # sliding windows and the like
            return self._loop_batch(prompts, params, generator, seeds)  # (a second prefill: rare models only)
        width, device = attention.shape[1] - steps, logits.device
        model = self.generator_model
        cache, index = _static_cache(dynamic, width + steps, width)
        dtype = dynamic.layers[0].keys.dtype
        low = torch.finfo(dtype).min
        mask = torch.zeros((rows, 1, 1, width + steps), dtype=dtype, device=device)
        mask.masked_fill_(attention[:, None, None, :] == 0, low)
        mask[..., width:] = low  # opened one column per step
        ids = torch.zeros((rows, 1), dtype=torch.long, device=device)
        where = position.clone()
        step = functools.partial(model, input_ids=ids, attention_mask=mask, position_ids=where, past_key_values=cache,
                                 use_cache=True)
        graph = None
        eos = torch.tensor(self.eos_ids, device=device)
        suppress = None if self.pad_id in self.eos_ids else self.pad_id
        tokens = torch.full((rows, steps), self.pad_id, dtype=torch.long, device=device)
        logprobs = torch.zeros((rows, steps), device=device)
        ends = torch.full((rows,), steps, device=device)
        stopped = torch.zeros(rows, dtype=torch.bool, device=device)
        alive = torch.ones(rows, dtype=torch.bool, device=device)
        live = torch.arange(rows, device=device)
        for t in range(steps):
            logits = logits.float()
            uniform = None if seeds is None or params.temperature == 0 else _uniforms(seeds, t)
            token = _sample(logits, params, generator, suppress, uniform)
            tokens[:, t] = torch.where(alive, token, self.pad_id)
            logprobs[:, t] = logits.log_softmax(-1).gather(-1, token[:, None]).squeeze(-1)
            ended = self._ended(token, eos, tokens[:, : t + 1], live, alive, params.stop)
            ends[ended] = t + 1
            stopped |= ended
            alive &= ~ended
            if t + 1 == steps or not bool(alive.any()):
                break
            mask[..., width + t] = 0
            index.fill_(width + t)
            ids.copy_(token[:, None])
            where.copy_(position + t)
            if graph is None and self.cuda_graphs:
                graph, out = _captured(step)
            if graph is not None:
                graph.replay()
                logits = out.logits[:, -1]
            else:
                logits = step().logits[:, -1]
        return self._rows(tokens, logprobs, ends, stopped)

    def _ended(self, token: Any, eos: Any, tokens: Any, live: Any, alive: Any, stop: Sequence[str]) -> Any:
        """Which live rows (bool, (batch,)) the token just sampled ends: an end-of-turn token, or a stop string."""
        ended = alive & (token[:, None] == eos).any(-1)
        if stop:
            ended |= self._completes_stop(tokens, live, alive & ~ended, stop)
        return ended

    def _rows(self, tokens: Any, logprobs: Any, ends: Any, stopped: Any) -> list[Completion]:
        """The completions of a decoded batch: each row's tokens and log-probs up to where it ended, and why."""
        ends, stopped, tokens, logprobs = ends.tolist(), stopped.tolist(), tokens.tolist(), logprobs.tolist()
        return self._completions([(tokens[r][: int(ends[r])], logprobs[r][: int(ends[r])], "stop" if stopped[r] else "length")
                                  for r in range(len(ends))])

    def _prefill(self, prompts: list[list[int]], steps: int) -> tuple[Any, Any, Any, Any]:
        """Read the prompts into a KV cache, ready for ``steps`` new tokens per row.

        Returns ``(cache, logits, attention, position)``: the next-token logits (batch, vocab); the
        attention mask (batch, longest prompt + steps), prompts left-padded, the rest ones; and
        where each row's next token sits (batch, 1). Copies of a prompt (a group's ``n``) are read
        once and share that cache.
        """
        import torch

        distinct, copy_of = _distinct(prompts)
        ids, mask = self._left_pad(distinct)
        cache = _kv_cache(self.model.config, ids.shape[1] + min(steps, 256), most=ids.shape[1] + steps)
        position = (mask.cumsum(-1) - 1).clamp(min=0)
        logits = self.generator_model(input_ids=ids, attention_mask=mask, position_ids=position, past_key_values=cache,
                            use_cache=True, logits_to_keep=1).logits[:, -1]
        if len(distinct) < len(prompts):
            copy_of = torch.tensor(copy_of, device=ids.device)
            cache.batch_select_indices(copy_of)
            logits, mask, position = logits[copy_of], mask[copy_of], position[copy_of]
        attention = torch.cat([mask, mask.new_ones((len(prompts), steps))], dim=1)  # sliced as the cache grows
        return cache, logits, attention, position[:, -1:] + 1

    def _completes_stop(self, tokens: Any, live: Any, rows: Any, stop: Sequence[str]) -> Any:
        """Which batch rows among ``rows`` (bool, (batch,)) a stop string ended at their last token.

        tokens: (prompt rows, t) the tokens so far; live: (batch,) the prompt row of each batch row.
        Only each row's tail is decoded, long enough for the longest stop string, so the check
        costs the same at every step; a stop string completed earlier would have ended the row then.
        """
        import torch

        hit = torch.zeros_like(rows)
        candidates = rows.nonzero().squeeze(-1)
        if not len(candidates):
            return hit
        tail = max(len(s.encode()) for s in stop) + STOP_TAIL_SLACK
        texts = self.tokenizer.batch_decode(tokens[live[candidates], -tail:].tolist(), skip_special_tokens=True)
        found = [any(s in text for s in stop) for text in texts]
        hit[candidates[torch.tensor(found, device=hit.device)]] = True
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
        out = self.generator_model.generate(input_ids=ids, attention_mask=mask, **kwargs)
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
        self.refresh()


def _distinct(prompts: list[list[int]]) -> tuple[list[list[int]], list[int]]:
    """The prompts with runs of copies collapsed, and for each prompt the index of its copy there.

    >>> _distinct([[1], [1], [2], [1]])
    ([[1], [2], [1]], [0, 0, 1, 2])
    """
    distinct: list[list[int]] = []
    copy_of = []
    for p in prompts:
        if not distinct or distinct[-1] != p:
            distinct.append(p)
        copy_of.append(len(distinct) - 1)
    return distinct, copy_of


def _sample(logits: Any, params: SamplingParams, generator: Any, suppress: int | None, uniform: Any = None) -> Any:
    """One token per row (batch,) from float logits (batch, vocab): greedy, or tempered and top-p.

    uniform: each row's uniform number in [0, 1) (batch, 1), float64; drawn from ``generator`` when None.
    """
    import torch

    if suppress is not None:
        logits = logits.index_fill(-1, torch.tensor([suppress], device=logits.device), float("-inf"))
    if params.temperature == 0:
        return logits.argmax(-1)
    probs = torch.softmax(logits / params.temperature, dim=-1)
    if params.top_p == 1:
        return _draw(probs, generator, uniform)
    probs, tokens = _nucleus(probs, params.top_p)
    return tokens.gather(-1, _draw(probs, generator, uniform)[:, None]).squeeze(-1)


def _nucleus(probs: Any, top_p: float) -> tuple[Any, Any]:
    """Each row's top-p nucleus: ``(probs, token ids)``, both (batch, k), zero outside the nucleus.

    The nucleus is the fewest most likely tokens whose mass reaches ``top_p`` (at least one): a
    token is in it when the mass of the tokens more likely than it is below ``top_p``. Sorting the
    whole vocabulary is slow on CPU, so this looks among the top 64 tokens first and doubles that
    until every row's nucleus fits (sorting everything once it would be an eighth of the vocabulary).
    """
    vocab, k = probs.shape[-1], 64
    while True:
        k = k if 8 * k <= vocab else vocab
        top, tokens = probs.topk(k, dim=-1)  # sorted, most likely first
        mass = top.cumsum(-1)
        if k == vocab or bool((mass[:, -1] >= top_p).all()):
            return top.masked_fill(mass - top >= top_p, 0.0), tokens
        k *= 2


def _draw(probs: Any, generator: Any, uniform: Any = None) -> Any:
    """One index per row of ``probs`` (batch, k; non-negative, not necessarily normalised).

    Inverts each row's cumulative distribution at one uniform draw: ``torch.multinomial`` draws a
    random number per entry instead, which costs more than the model's forward for small models
    on CPU. A zero-probability entry is never chosen.
    """
    import torch

    cdf = probs.double().cumsum(-1)
    total = cdf[:, -1:]
    if uniform is None:
        uniform = torch.rand(total.shape, generator=generator, dtype=total.dtype, device=total.device)
    u = uniform * total
    u = torch.minimum(u, torch.nextafter(total, torch.zeros_like(total)))  # below the total, whatever the rounding
    return torch.searchsorted(cdf, u, right=True).squeeze(-1)


def _signed(value: int) -> int:
    """A 64-bit pattern as the int64 that holds it."""
    value &= MASK64
    return value - 2**64 if value >= 2**63 else value


_GAMMA, _MIX1, _MIX2 = 0x9E3779B97F4A7C15, _signed(0xBF58476D1CE4E5B9), _signed(0x94D049BB133111EB)


def _shifted(x: Any, bits: int) -> Any:
    """``x >> bits`` on the 64-bit patterns of int64 ``x`` (logical: zeros shifted in)."""
    return (x >> bits) & ((1 << (64 - bits)) - 1)


def _uniforms(seeds: Any, t: int) -> Any:
    """Uniform numbers in [0, 1), float64 (batch, 1): splitmix64 of each row's seed at counter ``t``.

    Counter-based, so a row's t-th number depends on its seed and t alone: not on the rows beside
    it, the batch size, or rows dropped from the batch. int64 arithmetic wraps around, which is
    the modular arithmetic splitmix64 is defined with.
    """
    x = seeds + _signed((t + 1) * _GAMMA)
    x = (x ^ _shifted(x, 30)) * _MIX1
    x = (x ^ _shifted(x, 27)) * _MIX2
    x = x ^ _shifted(x, 31)
    return (_shifted(x, 11).double() * 2.0**-53)[:, None]


def _row_seeds(params: SamplingParams, prompts: int) -> list[int] | None:
    """One seed per generated row (prompt x copy) from ``params.row_seeds``, or None."""
    if params.row_seeds is None:
        return None
    per_prompt = params.prompt_seeds(prompts)
    return [_signed(mix_seed(seed, copy)) for seed in per_prompt for copy in range(params.n)]


def _captured(step: Any) -> tuple[Any, Any]:
    """``step()`` captured as a CUDA graph: ``(graph, its output)``; replaying recomputes the output in place.

    A warm-up call on a side stream comes first (CUDA libraries allocate their workspaces then);
    it writes the same key and value at the same position as the first replay will.
    """
    import torch

    side = torch.cuda.Stream()
    side.wait_stream(torch.cuda.current_stream())
    with torch.cuda.stream(side):
        step()
    torch.cuda.current_stream().wait_stream(side)
    graph = torch.cuda.CUDAGraph()
    with torch.cuda.graph(graph):
        out = step()
    return graph, out


def _static_cache(dynamic: Any, length: int, written: int) -> tuple[Any, Any]:
    """A cache of fixed-size buffers (batch, heads, ``length``, head dim) holding ``dynamic``'s first
    ``written`` positions, and the position tensor (1,) every layer writes its next token at."""
    import torch
    from transformers import DynamicCache

    first = dynamic.layers[0].keys
    index = torch.full((1,), written, dtype=torch.long, device=first.device)
    static_layer = _static_layer()
    cache = DynamicCache()
    cache.layers = [static_layer(layer.keys, layer.values, length, index) for layer in dynamic.layers]
    return cache, index


@functools.cache
def _static_layer() -> type:
    """The fixed-shape cache layer class, made on first use so importing this module stays light."""
    from transformers.cache_utils import DynamicLayer

    class StaticBufferLayer(DynamicLayer):
        """Keys and values in (batch, heads, length, head dim) buffers that never move or change shape;
        one new position per update, written at ``index`` (a tensor the decode loop sets)."""

        def __init__(self, keys: Any, values: Any, length: int, index: Any) -> None:
            super().__init__()
            self.index, self.written = index, keys.shape[-2]
            self.keys, self.values = (_resized(b, length, self.written) for b in (keys, values))
            self.keys[:, :, self.written:].zero_()
            self.values[:, :, self.written:].zero_()
            self.dtype, self.device, self.is_initialized = keys.dtype, keys.device, True

        def update(self, key_states: Any, value_states: Any, *args: Any, **kwargs: Any) -> tuple[Any, Any]:
            self.keys.index_copy_(2, self.index, key_states)
            self.values.index_copy_(2, self.index, value_states)
            return self.keys, self.values

        def get_seq_length(self) -> int:
            return self.keys.shape[-2]

    return StaticBufferLayer


def _kv_cache(config: Any, capacity: int, most: int | None = None) -> Any:
    """A ``DynamicCache`` for ``config`` whose full-attention layers write into preallocated buffers.

    transformers' ``DynamicLayer`` concatenates every new token onto its whole cache, a copy that
    grows with the sequence at every step; a buffer with room for ``capacity`` tokens (doubled
    when it fills, up to the ``most`` it will ever hold) takes each token in place. Other layer
    kinds (sliding window, linear attention) stay as transformers builds them.
    """
    from transformers import DynamicCache
    from transformers.cache_utils import DynamicLayer

    cache = DynamicCache(config=config)
    buffered = _buffered_layer()
    cache.layers = [buffered(capacity, most or capacity) if type(layer) is DynamicLayer else layer
                    for layer in cache.layers]
    return cache


@functools.cache
def _buffered_layer() -> type:
    """The buffered cache layer class, made on first use so importing this module stays light."""
    from transformers.cache_utils import DynamicLayer

    class BufferedLayer(DynamicLayer):
        """A ``DynamicLayer`` over (batch, heads, capacity, head dim) buffers; ``keys``/``values`` are views."""

        def __init__(self, capacity: int, most: int) -> None:
            super().__init__()
            self.capacity, self.most, self.length = capacity, most, 0

        def lazy_initialization(self, key_states: Any, value_states: Any) -> None:
            self.dtype, self.device = key_states.dtype, key_states.device
            self._keys, self._values = (_resized(s, self.capacity, 0) for s in (key_states, value_states))
            self.is_initialized = True

        def update(self, key_states: Any, value_states: Any, *args: Any, **kwargs: Any) -> tuple[Any, Any]:
            if not self.is_initialized:
                self.lazy_initialization(key_states, value_states)
            end = self.length + key_states.shape[-2]
            if end > self.capacity:
                self.capacity = max(end, min(2 * self.capacity, self.most))
                self._keys, self._values = (_resized(b, self.capacity, self.length) for b in (self._keys, self._values))
            self._keys[:, :, self.length : end] = key_states
            self._values[:, :, self.length : end] = value_states
            self.length = end
            self.keys, self.values = self._keys[:, :, :end], self._values[:, :, :end]
            return self.keys, self.values

        def batch_select_indices(self, indices: Any) -> None:
            self._keys, self._values = (_resized(b[indices, :, : self.length], self.capacity, self.length)
                                        for b in (self._keys, self._values))
            self.keys, self.values = self._keys[:, :, : self.length], self._values[:, :, : self.length]

    return BufferedLayer


def _resized(states: Any, capacity: int, length: int) -> Any:
    """A (batch, heads, capacity, head dim) buffer holding the first ``length`` positions of ``states``."""
    batch, heads, _, dim = states.shape
    buffer = states.new_empty((batch, heads, capacity, dim))
    buffer[:, :, :length] = states[:, :, :length]
    return buffer


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
