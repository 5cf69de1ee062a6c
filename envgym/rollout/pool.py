"""Where a rollout's environments live: in this process (``LocalEnvPool``) or in Ray actors.

The collector only talks to a pool, in batches: reset these (slot, seed) pairs, step these
slots with these actions. A pool is built from an environment id and its options (not from an
env object), so it can build the environments wherever they run. Batching lets a remote pool
step many environments in parallel (verifiers and sandboxes are the slow part of a step).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

StepResult = tuple[list, float, bool, bool, dict]


@dataclass(frozen=True)
class ResetResult:
    observation: list[dict]
    info: dict
    env_id: str


class EnvPool(Protocol):
    """Environments addressed by slot number."""

    def reset(self, requests: Sequence[tuple[int, int]]) -> list[ResetResult]:
        """For each (slot, seed): make the slot's environment if needed, reset it with the seed."""
        ...

    def step(self, actions: Sequence[tuple[int, str]]) -> list[StepResult]:
        """For each (slot, action): ``env.step(action)``, in the order given."""
        ...

    def close(self) -> None: ...


@dataclass
class LocalEnvPool:
    """Environments in this process, made with ``envgym.make(env_id, **env_kwargs)``."""

    env_id: str
    env_kwargs: Mapping[str, Any] = field(default_factory=dict)
    _envs: dict[int, Any] = field(default_factory=dict, init=False, repr=False)

    def _env(self, slot: int) -> Any:
        env = self._envs.get(slot)
        if env is None:
            import envgym

            env = self._envs[slot] = envgym.make(self.env_id, **self.env_kwargs)
        return env

    def reset(self, requests: Sequence[tuple[int, int]]) -> list[ResetResult]:
        out = []
        for slot, seed in requests:
            env = self._env(slot)
            obs, info = env.reset(seed=seed)
            out.append(ResetResult(obs, info, env.spec.id if env.spec is not None else self.env_id))
        return out

    def step(self, actions: Sequence[tuple[int, str]]) -> list[StepResult]:
        missing = [slot for slot, _ in actions if slot not in self._envs]
        if missing:
            from envgym.errors import EnvStateError

            raise EnvStateError(f"{self.env_id}: slots {missing[:5]} were stepped before reset; reset them first")
        return [self._envs[slot].step(action) for slot, action in actions]

    def close(self) -> None:
        for env in self._envs.values():
            env.close()
        self._envs.clear()
