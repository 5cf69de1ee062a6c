"""``reasoning-gym/<Name>-v0``: one reasoning-gym dataset as a single-turn envgym environment.

    option          default   meaning
    dataset         (set)     the reasoning-gym dataset name, e.g. "basic_arithmetic"
    config          None      overrides for the dataset's config, e.g. {"min_terms": 3}; for
                              ``composite``, the mixture (``envgym_reasoning_gym.composite``)
    size            10000     entries in the task pool (reasoning-gym's ``size``)
    dataset_seed    0         reasoning-gym's ``seed``: which pool
    system_prompt   "default" a name in reasoning-gym's ``SYSTEM_PROMPTS`` ("default", "simple",
                              "direct", ...), other text as it is, or None for none
    timeout_s       10.0      wall-clock bound on one scoring, in seconds
    participation_credit False  keep the 0.01-0.05 that many scorers pay for any answer; by
                              default a score of at most 0.05 is 0
                              (``envgym_reasoning_gym.participation``)

``reset(seed)`` draws an index into the pool from the seed, so a seed always gives the same
entry. The prompt is the entry's question; the reply's answer goes inside ``<answer>...</answer>``
and is scored by the dataset's own ``score_answer`` (see ``envgym_reasoning_gym.verifier``), or
for ``game_of_life_halting`` by a corrected one (``catalog.REPLACED_SCORERS``). The scorer may
give partial credit; the verdict is correct only at 1. A composite's entry is scored, and its
gold answer and probes are made, as its source dataset's (``metadata["source_dataset"]``).

The timeout covers a cold worker process, which imports reasoning-gym (about 2 s) and builds the
dataset (up to 4 s for ``arc_agi``) before its first score; a warm one scores in milliseconds.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from itertools import islice
from typing import Any

import numpy as np

from envgym import Guarded, Message, Task, TextEnv
from envgym_reasoning_gym.catalog import COMPOSITE, dropped_probes, env_id, source_dataset
from envgym_reasoning_gym.composite import composite_config
from envgym_reasoning_gym.gold import gold_answer
from envgym_reasoning_gym.pool import DEFAULT_SIZE, PoolKey, load_pool
from envgym_reasoning_gym.verifier import ReasoningGymScorer

#: How many of the pool's first entries the decoy search looks through for ones of the same
#: dataset: all of a composite's mixed-in datasets appear there unless one's weight is a tiny share.
_DECOY_SCAN = 100


def _system_prompt(prompt: str | None) -> str | None:
    """reasoning-gym's system prompt of that name, or the text itself."""
    from reasoning_gym.utils import SYSTEM_PROMPTS

    return SYSTEM_PROMPTS.get(prompt, prompt) if isinstance(prompt, str) else prompt


class ReasoningGymEnv(TextEnv):
    """A reasoning-gym dataset's entries as tasks, scored by its own scorer (see the module docstring)."""

    def __init__(
        self,
        dataset: str,
        config: Mapping[str, Any] | None = None,
        size: int = DEFAULT_SIZE,
        dataset_seed: int = 0,
        system_prompt: str | None = "default",
        timeout_s: float = 10.0,
        participation_credit: bool = False,
        render_mode: str | None = None,
    ) -> None:
        from reasoning_gym.factory import DATASETS

        label = env_id(dataset) if isinstance(dataset, str) else "reasoning-gym"
        if not isinstance(dataset, str) or dataset not in DATASETS:
            raise ValueError(f"{label}: {dataset!r} is not a reasoning-gym dataset (see `envgym list`)")
        if config is not None and not isinstance(config, Mapping):
            raise ValueError(f"{label}: config must be a mapping of {dataset} config fields, got {config!r}")
        if dataset == COMPOSITE:
            try:
                config = composite_config(config)
            except ValueError as exc:
                raise ValueError(f"{label}: {exc}") from None
        if isinstance(size, bool) or not isinstance(size, int) or size < 1:
            raise ValueError(f"{label}: size must be a positive integer, got {size!r}")
        try:
            key = PoolKey.of(dataset, config, int(dataset_seed), size)
        except TypeError as exc:
            raise ValueError(f"{label}: config values must be plain JSON values: {exc}") from None
        try:
            self.pool = load_pool(key)
        except (TypeError, ValueError, AssertionError) as exc:
            raise ValueError(f"{label}: reasoning-gym refused the config {dict(config or {})}: {exc}") from None
        if not isinstance(participation_credit, bool):
            raise ValueError(f"{label}: participation_credit must be True or False, got {participation_credit!r}")
        scorer = ReasoningGymScorer(key.scoring(), participation_credit)
        super().__init__(Guarded(scorer, timeout_s=timeout_s), render_mode=render_mode)
        self.participation_credit = participation_credit
        self.dataset = dataset
        self.system_prompt = _system_prompt(system_prompt)

    def generate_task(self, rng: np.random.Generator) -> Task:
        index = int(rng.integers(len(self.pool)))
        entry = self.pool.entry(index)
        prompt = [Message("user", entry["question"])]
        if self.system_prompt is not None:
            prompt.insert(0, Message("system", self.system_prompt))
        key = self.pool.key
        metadata = {"index": index, "source_dataset": source_dataset(self.dataset, entry)}
        if self.dataset == COMPOSITE:  # an adaptive task sampler weighs the mixed datasets apart
            metadata["curriculum_key"] = metadata["source_dataset"]
        return Task(f"{self.dataset}-{key.seed}-{index}", tuple(prompt), entry, metadata)

    @property
    def source(self) -> str:
        """The dataset that made the current task's entry: ``dataset``, or the one a composite mixed in."""
        return self.task.metadata["source_dataset"]

    def gold_action(self) -> str:
        return f"<answer>{gold_answer(self.source, self.task.reference)}</answer>"

    def hack_actions(self) -> Mapping[str, str]:
        """The probes in ``probe_answers`` less those the entry's dataset's scorer gives partial
        credit by design (``catalog.PARTIAL_CREDIT``; participation credit only when it is kept)."""
        dropped = dropped_probes(self.source, self.participation_credit)
        return {name: reply for name, reply in self.probe_answers().items() if name not in dropped}

    def probe_answers(self) -> dict[str, str]:
        """Every hack probe for the current task: three format hacks (the right answer without
        the tag, with it left open, in ``\\boxed{}``) and two scored ones (an empty answer, another
        entry's answer). The empty one is left out where the right answer is empty."""
        gold = gold_answer(self.source, self.task.reference)
        probes = {"no_tag": gold, "unclosed_tag": f"<answer>{gold}", "boxed": f"\\boxed{{{gold}}}"}
        if gold.strip():  # "ab" tasks can reduce to nothing: then the empty answer is right
            probes["empty_answer"] = "<answer></answer>"
        decoy = self._decoy(gold)
        if decoy is not None:
            probes["wrong_answer"] = f"<answer>{decoy}</answer>"
        return probes

    def hint(self) -> tuple[Message, ...]:
        return (Message("user", f"Hint: the correct final answer is {gold_answer(self.source, self.task.reference)}."),)

    def _decoy(self, gold: str) -> str | None:
        """Another entry's answer that is not this one's and does not contain it (reasoning-gym's
        default scorer gives partial credit to an answer that contains the right one), from the
        pool's first three entries of the same dataset."""
        for index in islice(self._same_source(), 3):
            if index == self.task.metadata["index"]:
                continue
            other = gold_answer(self.source, self.pool.entry(index))
            if other.strip() and gold.strip() not in other:
                return other
        return None

    def _same_source(self) -> Iterator[int]:
        """The indices of the pool's entries from the current task's dataset (all, unless a
        composite), among its first ``_DECOY_SCAN``."""
        for index in range(min(len(self.pool), _DECOY_SCAN)):
            if source_dataset(self.dataset, self.pool.entry(index)) == self.source:
                yield index
