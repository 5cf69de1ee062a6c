"""The policy contract: token ids in, token ids and their log-probabilities out (docs/design.md, rule 1).

A policy generates from a batch of already-tokenized prompts. It never sees text it would have
to re-tokenize, so what a learner trains on is exactly what was sampled. Backends (``hf``,
``vllm``, ``openai``) are registered through the ``envgym_policies`` hook and built with
``envgym.make_policy(name, **kwargs)``.

Log-probabilities are those of the model's own distribution (temperature 1, no top-p or top-k
truncation) for each sampled token, so a learner can form importance ratios against its own
log pi; ``logprobs`` is None where a backend cannot report them (some hosted APIs).
"""

from __future__ import annotations

import dataclasses
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal, Protocol, runtime_checkable

FinishReason = Literal["stop", "length"]


@dataclass(frozen=True)
class SamplingParams:
    """How to sample.

    temperature: 0 means greedy.
    top_p: nucleus sampling mass.
    max_tokens: the most new tokens per completion.
    stop: strings that end a completion (the stop string is kept in the text and tokens).
    n: completions per prompt (a GRPO group).
    seed: makes sampling reproducible where the backend allows it.
    row_seeds: one seed per prompt, overriding ``seed``: each prompt's samples then depend on its
        own seed only, not on which other prompts share its batch or where it sits in it. The
        collector sets them from each episode's task, sample and turn (``RolloutConfig.episode_seeds``),
        so ranks that split a step's episodes between them sample exactly what one process would.
    """

    temperature: float = 1.0
    top_p: float = 1.0
    max_tokens: int = 256
    stop: tuple[str, ...] = ()
    n: int = 1
    seed: int | None = None
    row_seeds: tuple[int, ...] | None = None

    def __post_init__(self) -> None:
        if self.temperature < 0:
            raise ValueError(f"temperature must be >= 0, got {self.temperature}")
        if not 0 < self.top_p <= 1:
            raise ValueError(f"top_p must be in (0, 1], got {self.top_p}")
        if self.max_tokens < 1 or self.n < 1:
            raise ValueError(f"max_tokens and n must be at least 1, got {self.max_tokens} and {self.n}")

    def rows(self, indices: Sequence[int]) -> SamplingParams:
        """These parameters for a sub-batch: the prompts at ``indices`` keep their row seeds."""
        if self.row_seeds is None:
            return self
        return dataclasses.replace(self, row_seeds=tuple(self.row_seeds[i] for i in indices))

    def prompt_seeds(self, count: int) -> list[int | None]:
        """One seed per prompt of a ``count``-prompt batch: the row seeds, or ``request_seeds``."""
        if self.row_seeds is None:
            return request_seeds(self.seed, count)
        if len(self.row_seeds) != count:
            raise ValueError(f"SamplingParams.row_seeds holds {len(self.row_seeds)} seeds for {count} prompts")
        return [s & (2**62 - 1) for s in self.row_seeds]


@dataclass(frozen=True)
class Completion:
    """One sampled continuation.

    token_ids: the sampled tokens, including the end-of-turn token when the model produced it.
    logprobs: log pi(token) under the model (temperature 1) for each token, or None.
    text: the decoded tokens.
    finish_reason: "stop" (end-of-turn token or stop string) or "length" (max_tokens reached).
    """

    token_ids: tuple[int, ...]
    logprobs: tuple[float, ...] | None
    text: str
    finish_reason: FinishReason


@runtime_checkable
class Policy(Protocol):
    """A model that continues token-id prompts.

    name: the policy id recorded in provenance.
    version: increases with every weight update; recorded with each on-policy sample.
    tokenizer: a Hugging Face tokenizer with a chat template (used to render prompts).
    """

    name: str
    version: int
    tokenizer: Any

    def generate(self, prompts: Sequence[Sequence[int]], params: SamplingParams) -> list[list[Completion]]:
        """For each prompt, ``params.n`` completions."""
        ...


@runtime_checkable
class UpdatablePolicy(Policy, Protocol):
    def update_weights(self, state_dict: Mapping[str, Any]) -> None:
        """Load new weights in place (no restart) and increment ``version``; raise on failure."""
        ...


# ---- helpers shared by engine backends (vllm, openai) ----------------------------------------


def sampled_and_copied(params: SamplingParams) -> tuple[int, int]:
    """How many completions to ask an engine for, and how many times to repeat them, to make ``n``.

    A greedy group is one completion repeated (vLLM refuses ``n > 1`` without sampling).

    >>> sampled_and_copied(SamplingParams(temperature=0.0, n=4)), sampled_and_copied(SamplingParams(n=4))
    ((1, 4), (4, 1))
    """
    return (1, params.n) if params.temperature == 0 else (params.n, 1)


def request_seeds(seed: int | None, count: int) -> list[int | None]:
    """Distinct, reproducible seeds for the ``count`` requests of a batch sampled under ``seed``.

    Engines seed each request's sampler on its own (vLLM gives the ``n`` samples of one request
    ``seed + i``), so one seed for every prompt of a batch would draw the same noise for all of
    them and couple their samples. This spreads one batch seed over the requests instead, as one
    seeded generator does for a whole batch in the ``hf`` policy.

    >>> request_seeds(None, 2)
    [None, None]
    >>> request_seeds(7, 3) == request_seeds(7, 3) and len(set(request_seeds(7, 3))) == 3
    True
    """
    if seed is None:
        return [None] * count
    rng = random.Random(seed)
    return [rng.getrandbits(62) for _ in range(count)]


MASK64 = 2**64 - 1


def mix_seed(*parts: int) -> int:
    """A 62-bit seed that depends on every part and their order (splitmix64 over the parts).

    >>> mix_seed(1, 2) != mix_seed(2, 1) and mix_seed(1, 2) == mix_seed(1, 2)
    True
    >>> 0 <= mix_seed(-5, 2**70) < 2**62
    True
    """
    x = 0x9E3779B97F4A7C15
    for part in parts:
        x = (x ^ (int(part) & MASK64)) * 0xBF58476D1CE4E5B9 & MASK64
        x = (x ^ (x >> 31)) * 0x94D049BB133111EB & MASK64
        x ^= x >> 29
    return x >> 2
