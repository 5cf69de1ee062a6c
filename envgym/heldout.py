"""The held-out partition: the tasks evaluation uses and training never draws.

Evaluation seeds start at ``EVAL_SEED_BASE``; training draws its seeds below it and rejects any
whose task is held out. Seeds are not tasks: in a small task space (Arithmetic-v0 at difficulty 1
has 713 problems) many seeds give the same problem, so 100 evaluation seeds would be about 93
distinct tasks, some counted twice. ``held_out`` therefore walks the seeds from the base and
keeps the first seed of each new task until it has ``tasks`` distinct ones: every held-out task
is evaluated exactly once, and when the environment declares its task-space size
(``TextEnv.task_count``) the report can say what share of the space is held out.

    part = held_out("envgym/Arithmetic-v0", {"difficulty": 1}, 200)
    part.seeds          # 200 seeds, one per distinct task
    part.describe()     # "200 distinct tasks of envgym/Arithmetic-v0, 28% of its task space of 713"
    training_tasks(env, 64, held=part)   # 64 distinct other tasks: (seed, task_id, opening messages)

A prefix of a longer partition is the shorter one, so a trainer's held-out set of 100 tasks is
the first 100 of a pipeline's 200.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from envgym.errors import EnvgymError, InputError

EVAL_SEED_BASE = 2**31 - 2**20  # the trainer draws training seeds below this
DRAWS_PER_TASK = 50  # seeds looked at per wanted task before a small space is taken as exhausted


@dataclass(frozen=True)
class HeldOut:
    """Distinct held-out tasks, each with the first evaluation seed that gives it."""

    env_id: str
    seeds: tuple[int, ...]
    task_ids: tuple[str, ...]
    space: int | None
    """The environment's task-space size (``TextEnv.task_count``), None when unbounded or unknown."""
    wanted: int
    draws: int

    def __len__(self) -> int:
        return len(self.seeds)

    @property
    def whole_space(self) -> bool:
        """Every task of a finite space is held out: nothing is left to train on."""
        return self.space is not None and len(self.seeds) >= self.space

    def describe(self) -> str:
        """E.g. ``200 distinct tasks of envgym/Arithmetic-v0, 28% of its task space of 713``."""
        if self.space is None:
            return f"{len(self)} distinct tasks of {self.env_id} (a generated space of undeclared size)"
        return f"{len(self)} distinct tasks of {self.env_id}, {len(self) / self.space:.0%} of its task space of {self.space}"

    def to_dict(self) -> dict[str, Any]:
        return {"env": self.env_id, "tasks": len(self), "wanted": self.wanted, "space": self.space, "draws": self.draws,
                "seeds": [self.seeds[0], self.seeds[-1]] if self.seeds else [], "description": self.describe()}


def task_count(env: Any) -> int | None:
    """The size of an environment's task space, where it declares one."""
    count = getattr(getattr(env, "unwrapped", env), "task_count", None)
    return count() if callable(count) else None


def held_out(env_id: str, env_kwargs: Mapping[str, Any] | None, tasks: int, *, env: Any = None) -> HeldOut:
    """The first ``tasks`` distinct tasks from the evaluation seeds (fewer when the space has fewer).

    env: an already made environment of ``env_id`` to reset (the caller's probe), else one is made.
    """
    if tasks < 1:
        raise EnvgymError(f"held-out tasks must be at least 1, got {tasks}")
    made = env is None
    if made:
        import envgym

        env = envgym.make(env_id, **dict(env_kwargs or {}))
    try:
        space = task_count(env)
        seeds: list[int] = []
        ids: list[str] = []
        seen: set[str] = set()
        limit = DRAWS_PER_TASK * tasks + (20 * space if space else 0)
        draws = 0
        while len(ids) < tasks and draws < limit and (space is None or len(ids) < space):
            seed = EVAL_SEED_BASE + draws
            draws += 1
            task_id = env.reset(seed=seed)[1]["task_id"]
            if task_id not in seen:
                seen.add(task_id)
                seeds.append(seed)
                ids.append(task_id)
    finally:
        if made:
            env.close()
    return HeldOut(env_id, tuple(seeds), tuple(ids), space, tasks, draws)


def training_tasks(env: Any, n: int, *, held: HeldOut, seed: int = 0) -> list[tuple[int, str, list[dict[str, Any]]]]:
    """``n`` distinct training tasks of ``env``, none of them held out: ``(seed, task_id, opening messages)``
    each, the seeds drawn below ``EVAL_SEED_BASE`` from ``seed`` as envgym's trainer draws them (the
    same ``seed`` gives the same tasks). Integrations that hand tasks to another trainer use it, so
    ``envgym eval`` later scores tasks the model never trained on.
    """
    if n < 1:
        raise InputError(f"{held.env_id}: the number of training tasks must be at least 1, got {n}")
    if held.whole_space:
        raise InputError(f"{held.env_id}: the {len(held)} held-out tasks are its whole task space ({held.space}), "
                          "leaving nothing to train on; hold out fewer tasks")
    rng = np.random.default_rng(seed)
    seen = set(held.task_ids)
    rows: list[tuple[int, str, list[dict[str, Any]]]] = []
    for _ in range(DRAWS_PER_TASK * n):
        task_seed = int(rng.integers(0, EVAL_SEED_BASE))
        observation, info = env.reset(seed=task_seed)
        if info["task_id"] not in seen:
            seen.add(info["task_id"])
            rows.append((task_seed, info["task_id"], observation))
            if len(rows) == n:
                return rows
    raise InputError(f"{held.env_id}: found {len(rows)} distinct training tasks outside the {len(held)} held out, "
                      f"{n} asked for; ask for fewer or hold out fewer tasks")
