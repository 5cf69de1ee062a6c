"""A reasoning-gym dataset as a pool of entries, built once per process and shared.

A ``PoolKey`` names a pool: the dataset, its config overrides (as JSON, so the key hashes and
pickles), the dataset seed and the pool size. ``load_pool(key)`` builds the dataset with
``reasoning_gym.create_dataset`` the first time and returns the same ``Pool`` afterwards, in the
environment's process and in the verifier's worker process alike: some datasets read data files
or pre-compute their questions when built (``arc_agi`` takes seconds), and some take a second or
more per entry (``knight_swap``), so entries are memoised too.

Entries are reasoning-gym's own dicts (``question``, ``answer``, ``metadata``); treat them as
read-only. Entry ``i`` of a pool is the same on every machine: reasoning-gym seeds each entry
from ``seed + i``.

``Pool.score`` is the entry's scorer: reasoning-gym's own, except where ``catalog.REPLACED_SCORERS``
replaces it (for an entry a composite mixed in, too).
"""

from __future__ import annotations

import dataclasses
import json
import threading
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from envgym_reasoning_gym.catalog import COMPOSITE, REPLACED_SCORERS, source_dataset
from envgym_reasoning_gym.composite import dataset_specs

DEFAULT_SIZE = 10_000
_ENTRY_CACHE = 512


@dataclass(frozen=True)
class PoolKey:
    """dataset: a name in reasoning-gym's registry; config_json: config overrides as sorted JSON;
    seed: the dataset seed; size: how many entries the pool holds."""

    dataset: str
    config_json: str
    seed: int
    size: int

    @classmethod
    def of(cls, dataset: str, config: Mapping[str, Any] | None, seed: int, size: int) -> PoolKey:
        return cls(dataset, json.dumps(dict(config or {}), sort_keys=True), seed, size)

    @property
    def config(self) -> dict[str, Any]:
        return json.loads(self.config_json)

    def scoring(self) -> PoolKey:
        """The pool a scorer needs: the same dataset and config, one entry. Scorers read the entry
        they judge, not the pool, and some datasets build every entry up front (``acre``)."""
        return dataclasses.replace(self, size=1)


class Pool:
    """One built dataset and its memoised entries (the most recent ``_ENTRY_CACHE``)."""

    def __init__(self, key: PoolKey) -> None:
        import reasoning_gym

        self.key = key
        config = key.config
        if key.dataset == COMPOSITE:  # reasoning-gym takes its mixture as DatasetSpec objects, not JSON
            config["datasets"] = dataset_specs(config)
        self.dataset = reasoning_gym.create_dataset(key.dataset, seed=key.seed, size=key.size, **config)
        self._entries: OrderedDict[int, dict[str, Any]] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self.dataset)

    def entry(self, index: int) -> dict[str, Any]:
        with self._lock:
            found = self._entries.get(index)
            if found is not None:
                self._entries.move_to_end(index)
                return found
        made = self.dataset[index]
        with self._lock:
            self._entries[index] = made
            while len(self._entries) > _ENTRY_CACHE:
                self._entries.popitem(last=False)
        return made

    def score(self, answer: str, entry: Mapping[str, Any]) -> Any:
        """The scorer of the dataset that made ``entry``: reasoning-gym's own,
        ``dataset.score_answer(answer, entry)``, unless ``REPLACED_SCORERS`` has one. May raise or hang."""
        replaced = REPLACED_SCORERS.get(source_dataset(self.key.dataset, entry))
        return self.dataset.score_answer(answer, entry) if replaced is None else replaced(answer, entry)


@lru_cache(maxsize=32)
def load_pool(key: PoolKey) -> Pool:
    """The pool ``key`` names, built on first use in this process."""
    return Pool(key)
