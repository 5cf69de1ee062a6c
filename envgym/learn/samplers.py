"""Task samplers: which training tasks a step draws, and what they learn from the outcomes.

Every learner asks the trainer for ``task_seeds(step, n)``; the trainer hands the question to the
run's sampler (``TrainConfig.sampler``, a stage's ``sampler:``, ``envgym train --sampler``). The
trainer offers the sampler the step's candidate seeds (``TaskSource.candidates``: an endless,
reproducible stream that already skips every held-out task) and, after each group of an
on-policy rollout is scored, tells it the outcome: ``sampler.update(task_key, rewards)``.

- ``uniform`` (the default) takes the first ``n`` candidates: exactly the draws the trainer made
  before samplers existed.
- ``adaptive`` is a curriculum of intermediate difficulty. It keeps the recent rewards of each
  *task key* and prefers candidates whose key's recent pass rate lies inside a band (default
  0.2-0.8), where a GRPO group most often mixes successes and failures, so its advantages are not
  all zero. Keys it has not seen yet count as inside the band (they are worth a look); keys outside
  keep a small weight (``explore``), so a level that was too hard is tried again as the policy improves.

A task's key is ``Task.metadata["curriculum_key"]`` when its environment sets one (the level of a
mixed-difficulty ``envgym/Arithmetic-v0``, the source dataset of ``reasoning-gym/Composite-v0``),
else its task id. Samplers are registered through the ``envgym_samplers`` hook, like learners.

A sampler's choices must depend only on ``(seed, step, stream)`` and the outcomes it was told, and
it keeps its memory in ``state_dict`` (saved in checkpoints): a resumed run then draws what an
uninterrupted one would.
"""

from __future__ import annotations

import itertools
from collections import deque
from collections.abc import Iterator, Mapping, Sequence
from typing import Any, Protocol, runtime_checkable

import numpy as np

CURRICULUM_KEY = "curriculum_key"
"""The ``Task.metadata`` entry that names a task's difficulty group for a curriculum."""


def task_key(task: Any) -> str:
    """The key a task's outcomes are pooled under: its ``curriculum_key`` metadata, else its id."""
    key = task.metadata.get(CURRICULUM_KEY)
    return str(key) if key is not None else task.id


class TaskSource(Protocol):
    """What a sampler may ask of the run (the trainer implements it)."""

    def candidates(self, step: int, stream: int = 0) -> Iterator[int]:
        """Training seeds for a step, endless and reproducible, never a held-out task."""
        ...

    def task_key(self, seed: int) -> str:
        """The key of the task a seed gives (``task_key``)."""
        ...

    def rng(self, step: int, stream: int = 0) -> np.random.Generator:
        """The random generator of a step and stream (the same on resume)."""
        ...


@runtime_checkable
class Sampler(Protocol):
    """Chooses training tasks and learns from their outcomes."""

    def seeds(self, source: TaskSource, step: int, n: int, stream: int = 0) -> list[int]:
        """``n`` training task seeds for a step (``stream``: a learner's separate draws within it)."""
        ...

    def update(self, task_key: str, rewards: Sequence[float]) -> None:
        """The rewards of one scored group of samples of a task with this key."""
        ...

    def metrics(self) -> dict[str, float]:
        """Numbers to log with the step's metrics (may be empty)."""
        ...

    def state_dict(self) -> dict[str, Any]: ...

    def load_state_dict(self, state: Mapping[str, Any]) -> None: ...


class Uniform:
    """Every training task equally likely: the first ``n`` candidates, as the trainer always drew."""

    def seeds(self, source: TaskSource, step: int, n: int, stream: int = 0) -> list[int]:
        return list(itertools.islice(source.candidates(step, stream), n))

    def update(self, task_key: str, rewards: Sequence[float]) -> None:
        """Uniform draws ignore outcomes."""

    def metrics(self) -> dict[str, float]:
        return {}

    def state_dict(self) -> dict[str, Any]:
        return {}

    def load_state_dict(self, state: Mapping[str, Any]) -> None:
        """Nothing to restore."""


class Adaptive:
    """Prefers tasks whose key's recent pass rate is inside ``[low, high]``.

    low, high: the band of recent mean reward (rewards in [0, 1]: the pass rate) to aim for.
    window: the most recent rewards kept per key (a few groups' worth).
    pool: candidates looked at per task drawn; ``n * pool`` candidates are weighed each time.
    explore: the weight of a candidate whose key is outside the band, against 1 inside it (and
        for a key not seen yet): above 0, so a level left behind is measured again now and then.
    """

    def __init__(self, low: float = 0.2, high: float = 0.8, window: int = 32, pool: int = 4,
                 explore: float = 0.05) -> None:
        if not 0.0 <= low < high <= 1.0:
            raise ValueError(f"adaptive sampler: the band needs 0 <= low < high <= 1, got low={low}, high={high}")
        if window < 1 or pool < 1:
            raise ValueError(f"adaptive sampler: window and pool must be at least 1, got window={window}, pool={pool}")
        if not 0.0 < explore <= 1.0:
            raise ValueError(f"adaptive sampler: explore must be in (0, 1], got {explore}")
        self.low, self.high, self.window, self.pool, self.explore = low, high, window, pool, explore
        self.recent: dict[str, deque[float]] = {}
        self._drawn: list[bool] = []  # whether each task of the last draw was inside the band (or new)

    def rate(self, task_key: str) -> float | None:
        """The recent mean reward of a key; None before any outcome."""
        seen = self.recent.get(task_key)
        return sum(seen) / len(seen) if seen else None

    def in_band(self, task_key: str) -> bool:
        rate = self.rate(task_key)
        return rate is None or self.low <= rate <= self.high

    def seeds(self, source: TaskSource, step: int, n: int, stream: int = 0) -> list[int]:
        pool = list(itertools.islice(source.candidates(step, stream), n * self.pool))
        inside = [self.in_band(source.task_key(seed)) for seed in pool]
        weights = np.array([1.0 if ok else self.explore for ok in inside])
        chosen = source.rng(step, 2000 + stream).choice(len(pool), size=n, replace=False, p=weights / weights.sum())
        self._drawn = [inside[i] for i in chosen]
        return [pool[i] for i in chosen]

    def update(self, task_key: str, rewards: Sequence[float]) -> None:
        self.recent.setdefault(task_key, deque(maxlen=self.window)).extend(float(r) for r in rewards)

    def metrics(self) -> dict[str, float]:
        """``sampler_in_band``: the share of the last draw whose key was inside the band (or new)."""
        return {"sampler_in_band": sum(self._drawn) / len(self._drawn)} if self._drawn else {}

    def state_dict(self) -> dict[str, Any]:
        return {"recent": {key: list(values) for key, values in self.recent.items()}}

    def load_state_dict(self, state: Mapping[str, Any]) -> None:
        self.recent = {key: deque(values, maxlen=self.window) for key, values in state.get("recent", {}).items()}


def sampler_factory(name: str) -> Any:
    """The factory registered as sampler ``name`` (built-ins and plugins, through ``envgym_samplers``)."""
    from envgym.plugins import host
    from envgym.registry import resolve

    return resolve(host().component("sampler", name).factory)


def make_sampler(name: str, settings: Mapping[str, Any] | None = None) -> Sampler:
    """The sampler registered as ``name``, built with its settings."""
    return sampler_factory(name)(**dict(settings or {}))
