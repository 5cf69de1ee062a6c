"""``reasoning-gym/<Name>-v0``: one reasoning-gym dataset as a single-turn envgym environment.

    option          default   meaning
    dataset         (set)     the reasoning-gym dataset name, e.g. "basic_arithmetic"
    config          None      overrides for the dataset's config, e.g. {"min_terms": 3}
    size            10000     entries in the task pool (reasoning-gym's ``size``)
    dataset_seed    0         reasoning-gym's ``seed``: which pool
    system_prompt   "default" a name in reasoning-gym's ``SYSTEM_PROMPTS`` ("default", "simple",
                              "direct", ...), other text as it is, or None for none
    timeout_s       10.0      wall-clock bound on one scoring, in seconds

``reset(seed)`` draws an index into the pool from the seed, so a seed always gives the same
entry. The prompt is the entry's question; the reply's answer goes inside ``<answer>...</answer>``
and is scored by the dataset's own ``score_answer`` (see ``envgym_reasoning_gym.verifier``). The
scorer may give partial credit; the verdict is correct only at 1.

The timeout covers a cold worker process, which imports reasoning-gym (about 2 s) and builds the
dataset (up to 4 s for ``arc_agi``) before its first score; a warm one scores in milliseconds.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from envgym import Guarded, Message, Task, TextEnv
from envgym_reasoning_gym.catalog import EXCLUDED, dropped_probes, env_id
from envgym_reasoning_gym.gold import gold_answer
from envgym_reasoning_gym.pool import DEFAULT_SIZE, PoolKey, load_pool
from envgym_reasoning_gym.verifier import ReasoningGymScorer


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
        render_mode: str | None = None,
    ) -> None:
        from reasoning_gym.factory import DATASETS

        label = env_id(dataset) if isinstance(dataset, str) else "reasoning-gym"
        if not isinstance(dataset, str) or dataset not in DATASETS or dataset in EXCLUDED:
            why = f": {EXCLUDED[dataset]}" if dataset in EXCLUDED else ""
            raise ValueError(f"{label}: {dataset!r} is not an exposed reasoning-gym dataset{why}")
        if config is not None and not isinstance(config, Mapping):
            raise ValueError(f"{label}: config must be a mapping of {dataset} config fields, got {config!r}")
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
        super().__init__(Guarded(ReasoningGymScorer(key.scoring()), timeout_s=timeout_s), render_mode=render_mode)
        self.dataset = dataset
        self.system_prompt = _system_prompt(system_prompt)

    def generate_task(self, rng: np.random.Generator) -> Task:
        index = int(rng.integers(len(self.pool)))
        entry = self.pool.entry(index)
        prompt = [Message("user", entry["question"])]
        if self.system_prompt is not None:
            prompt.insert(0, Message("system", self.system_prompt))
        key = self.pool.key
        return Task(f"{self.dataset}-{key.seed}-{index}", tuple(prompt), entry, {"index": index})

    def gold_action(self) -> str:
        return f"<answer>{gold_answer(self.dataset, self.task.reference)}</answer>"

    def hack_actions(self) -> Mapping[str, str]:
        """The probes in ``probe_answers`` less those the dataset's scorer gives partial credit
        by design (``catalog.PARTIAL_CREDIT``)."""
        dropped = dropped_probes(self.dataset)
        return {name: reply for name, reply in self.probe_answers().items() if name not in dropped}

    def probe_answers(self) -> dict[str, str]:
        """Every hack probe for the current task: three format hacks (the right answer without
        the tag, with it left open, in ``\\boxed{}``) and two scored ones (an empty answer, another
        entry's answer). The empty one is left out where the right answer is empty."""
        gold = gold_answer(self.dataset, self.task.reference)
        probes = {"no_tag": gold, "unclosed_tag": f"<answer>{gold}", "boxed": f"\\boxed{{{gold}}}"}
        if gold.strip():  # "ab" tasks can reduce to nothing: then the empty answer is right
            probes["empty_answer"] = "<answer></answer>"
        decoy = self._decoy(gold)
        if decoy is not None:
            probes["wrong_answer"] = f"<answer>{decoy}</answer>"
        return probes

    def hint(self) -> tuple[Message, ...]:
        return (Message("user", f"Hint: the correct final answer is {gold_answer(self.dataset, self.task.reference)}."),)

    def _decoy(self, gold: str) -> str | None:
        """Another entry's answer that is not this one's and does not contain it (reasoning-gym's
        default scorer gives partial credit to an answer that contains the right one)."""
        for index in range(3):
            if index == self.task.metadata["index"]:
                continue
            other = gold_answer(self.dataset, self.pool.entry(index))
            if other.strip() and gold.strip() not in other:
                return other
        return None
