"""Where a rollout's environments live: in this process (``LocalEnvPool``) or in Ray actors.

The collector only talks to a pool, in batches: reset these (slot, seed) pairs, step these
slots with these actions. A pool is built from an environment id and its options (not from an
env object), so it can build the environments wherever they run. Batching lets a remote pool
step many environments in parallel (verifiers and sandboxes are the slow part of a step).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, Protocol

from envgym.types import Fingerprint, Verdict
from envgym.versions import fingerprints


@dataclass(frozen=True)
class StepResult:
    """One environment's step as a pool returns it: Gymnasium's five values, plus the verdict and
    the environment's reply (the messages it appended after the answer) taken out of ``info``, so
    no caller has to slice observations. Unpacks like Gymnasium's tuple."""

    observation: list[dict]
    reward: float
    terminated: bool
    truncated: bool
    info: dict
    verdict: Verdict | None = None
    replies: tuple[dict, ...] = ()

    def __iter__(self):
        return iter((self.observation, self.reward, self.terminated, self.truncated, self.info))

    def __getitem__(self, index: int) -> Any:
        return (self.observation, self.reward, self.terminated, self.truncated, self.info)[index]

    @classmethod
    def of(cls, result: tuple) -> StepResult:
        """From ``env.step``'s five values (a ``TextEnv`` puts its verdict and reply in ``info``)."""
        observation, reward, terminated, truncated, info = result
        return cls(observation, float(reward), terminated, truncated, info, info.get("verdict"),
                   tuple(info.get("replies", ())))



@dataclass(frozen=True)
class ResetResult:
    """One environment's reset; ``fingerprints``: which environment and verifier code will score
    the episode (``envgym.versions.fingerprints``), for the trajectory's provenance."""

    observation: list[dict]
    info: dict
    env_id: str
    fingerprints: Mapping[str, Fingerprint | None] = field(default_factory=dict)


class EnvPool(Protocol):
    """Environments addressed by slot number."""

    def reset(self, requests: Sequence[tuple[int, int]]) -> list[ResetResult]:
        """For each (slot, seed): make the slot's environment if needed, reset it with the seed."""
        ...

    def step(self, actions: Sequence[tuple[int, str]]) -> list[StepResult]:
        """For each (slot, action): ``env.step(action)``, in the order given."""
        ...

    def score(self, actions: Sequence[tuple[int, str]]) -> list[Verdict]:
        """For each (slot, action): ``env.score(action)``, judging without stepping (scaffolds use it)."""
        ...

    def feedback(self, items: Sequence[tuple[int, Verdict]]) -> list[list[dict]]:
        """For each (slot, verdict): the messages the environment would answer that verdict with."""
        ...

    def hint(self, slots: Sequence[int]) -> list[list[dict]]:
        """For each slot: ``env.hint()`` for its current task, as message dicts."""
        ...

    def snapshot(self, slots: Sequence[int]) -> list[Any]:
        """For each slot: ``env.snapshot()`` (``envgym.snapshot``), its episode state now."""
        ...

    def restore(self, items: Sequence[tuple[int, Any]]) -> None:
        """For each (slot, snapshot): ``env.restore(snapshot)``; the collector's ``branch_at`` forks with these."""
        ...

    def close(self) -> None: ...


@dataclass
class LocalEnvPool:
    """Environments in this process, made with ``envgym.make(env_id, **env_kwargs)``.

    threads: environments stepped (and scored) at once. Above 1, a batch's steps run in a
    thread pool: worth it when steps wait on other processes (sandboxes, ``"process"``-bound
    verifiers, remote judges), not for pure-Python verifiers, which hold the GIL.
    """

    env_id: str
    env_kwargs: Mapping[str, Any] = field(default_factory=dict)
    threads: int = 1
    _envs: dict[int, Any] = field(default_factory=dict, init=False, repr=False)
    _executor: ThreadPoolExecutor | None = field(default=None, init=False, repr=False)

    def __post_init__(self) -> None:
        if self.threads < 1:
            raise ValueError(f"LocalEnvPool({self.env_id!r}): threads must be at least 1, got {self.threads}")

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
            out.append(ResetResult(obs, info, env.spec.id if env.spec is not None else self.env_id, fingerprints(env)))
        return out

    def step(self, actions: Sequence[tuple[int, str]]) -> list[StepResult]:
        return self._map(lambda env, action: StepResult.of(env.step(action)), self._reset_envs(actions, "stepped"))

    def score(self, actions: Sequence[tuple[int, str]]) -> list[Verdict]:
        return self._map(lambda env, action: env.score(action), self._reset_envs(actions, "scored"))

    def hint(self, slots: Sequence[int]) -> list[list[dict]]:
        return [[m.to_dict() for m in env.hint()] for env, _ in self._reset_envs([(s, None) for s in slots], "asked for a hint")]

    def snapshot(self, slots: Sequence[int]) -> list[Any]:
        return [env.snapshot() for env, _ in self._reset_envs([(s, None) for s in slots], "snapshot")]

    def restore(self, items: Sequence[tuple[int, Any]]) -> None:
        for env, snap in self._reset_envs(items, "restored"):
            env.restore(snap)

    def _map(self, fn: Any, pairs: list[tuple[Any, Any]]) -> list[Any]:
        if self.threads == 1 or len(pairs) < 2:
            return [fn(env, item) for env, item in pairs]
        if self._executor is None:
            self._executor = ThreadPoolExecutor(self.threads, thread_name_prefix="envgym-env")
        return list(self._executor.map(lambda pair: fn(*pair), pairs))

    def feedback(self, items: Sequence[tuple[int, Verdict]]) -> list[list[dict]]:
        return [[m.to_dict() for m in env.feedback(verdict)] for env, verdict in self._reset_envs(items, "asked for feedback")]

    def _reset_envs(self, items: Sequence[tuple[int, Any]], verb: str) -> list[tuple[Any, Any]]:
        missing = [slot for slot, _ in items if slot not in self._envs]
        if missing:
            from envgym.errors import EnvStateError

            raise EnvStateError(f"{self.env_id}: slots {missing[:5]} were {verb} before reset; reset them first")
        return [(self._envs[slot], item) for slot, item in items]

    def close(self) -> None:
        for env in self._envs.values():
            env.close()
        self._envs.clear()
        if self._executor is not None:
            self._executor.shutdown()
            self._executor = None
