"""``RayEnvPool``: the rollout's environments in Ray actors, on this machine or across a cluster.

Each worker is a Ray actor holding a ``LocalEnvPool``; slot ``s`` lives in worker
``s % num_workers``. ``reset`` and ``step`` split a batch by worker, send every worker its share
at once and return the results in the caller's order, so the slow part of a step (verifiers,
sandboxes) runs in parallel. Actors are placed with Ray's ``SPREAD`` strategy and reserve no
CPU while they run (Ray's default for actors), so more workers than cores never deadlock.

A worker sees environments the way the driver does:

- its ``sys.path`` starts with the driver's own entries (those outside the Python installation:
  the script's folder, ``PYTHONPATH``, editable sources), passed as ``PYTHONPATH`` in the actor's
  runtime environment, so modules of the user's project import there without shipping files;
- it loads plugins through ``envgym.load_plugins``: installed entry points as usual, the driver's
  ``ENVGYM_PLUGINS`` and ``ENVGYM_DISABLE_PLUGIN_AUTOLOAD``, and the modules named in
  ``plugins`` (for environments registered in user code rather than by an installed package).

On a cluster the driver's paths must exist on every node (a shared filesystem, or the same
checkout); otherwise install the plugin package there. An error raised by an environment comes
back as itself (an unknown id is the same ``EnvNotFoundError`` as in the driver), not as Ray's
wrapper. Not handled: a worker that dies is not restarted; the call fails with its error.
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from envgym.errors import EnvgymError
from envgym.plugins import DISABLE_AUTOLOAD_ENV, PLUGINS_ENV
from envgym.rollout.pool import LocalEnvPool, ResetResult, StepResult
from envgym.types import Verdict

CLOSE_TIMEOUT_S = 30.0


@dataclass(frozen=True)
class WorkerLocation:
    """Where a slot's environment lives: the worker's index, its node's IP address and its pid."""

    worker: int
    node: str
    pid: int


class _EnvWorker:
    """The body of one Ray actor: a ``LocalEnvPool`` for the slots assigned to it.

    Plugins load on the first reset, not in ``__init__``, so a failure comes back to the caller
    as the exception itself (Ray reports errors in an actor's constructor only as text).
    """

    def __init__(self, env_id: str, env_kwargs: Mapping[str, Any], plugins: Sequence[str]) -> None:
        self._pool = LocalEnvPool(env_id, dict(env_kwargs))
        self._plugins = list(plugins)
        self._loaded = False
        self._slots: set[int] = set()

    def _load_plugins(self) -> None:
        import envgym

        host = envgym.load_plugins(extra=self._plugins)
        failed = [f for f in host.failures if f.plugin in self._plugins]
        if failed:
            f = failed[0]
            raise EnvgymError(
                f"plugin {f.plugin!r} failed to load in a Ray environment worker ({f.stage}): {f.error}. "
                f"The worker's sys.path starts with the driver's; on a cluster, the module must exist on every node."
            )
        self._loaded = True

    def reset(self, requests: Sequence[tuple[int, int]]) -> list[ResetResult]:
        if not self._loaded:
            self._load_plugins()
        self._slots.update(slot for slot, _ in requests)
        return self._pool.reset(requests)

    def step(self, actions: Sequence[tuple[int, str]]) -> list[StepResult]:
        return self._pool.step(actions)

    def score(self, actions: Sequence[tuple[int, str]]) -> list[Verdict]:
        return self._pool.score(actions)

    def feedback(self, items: Sequence[tuple[int, Verdict]]) -> list[list[dict]]:
        return self._pool.feedback(items)

    def hint(self, items: Sequence[tuple[int, None]]) -> list[list[dict]]:
        return self._pool.hint([slot for slot, _ in items])

    def snapshot(self, items: Sequence[tuple[int, None]]) -> list[Any]:
        return self._pool.snapshot([slot for slot, _ in items])

    def restore(self, items: Sequence[tuple[int, Any]]) -> list[None]:
        self._pool.restore(items)
        return [None] * len(items)

    def where(self) -> tuple[str, int, list[int]]:
        import ray

        return ray.util.get_node_ip_address(), os.getpid(), sorted(self._slots)

    def close(self) -> None:
        self._pool.close()


class RayEnvPool:
    """An ``EnvPool`` whose environments live in ``num_workers`` Ray actors.

    env_id, env_kwargs: what each worker passes to ``envgym.make``.
    num_workers: actors to start; slot ``s`` lives in actor ``s % num_workers``.
    address: None starts a local Ray instance (or uses the one this process already joined, or
        ``RAY_ADDRESS``); ``"auto"`` or ``"ray://host:10001"`` joins a running cluster.
    plugins: plugin modules every worker loads (``envgym.load_plugins(extra=...)``), for
        environments registered in user code rather than by an installed package.
    """

    def __init__(
        self,
        env_id: str,
        env_kwargs: Mapping[str, Any] | None = None,
        *,
        num_workers: int = 2,
        address: str | None = None,
        plugins: Sequence[str] = (),
    ) -> None:
        if num_workers < 1:
            raise ValueError(f"RayEnvPool({env_id!r}): num_workers must be at least 1, got {num_workers}")
        ray = _ray()
        if not ray.is_initialized():
            local = {"include_dashboard": False} if address is None else {}
            ray.init(address=address, ignore_reinit_error=True, logging_level=logging.ERROR, **local)
        self.env_id = env_id
        actor = ray.remote(_EnvWorker).options(scheduling_strategy="SPREAD", runtime_env=_worker_runtime_env())
        self._workers = [actor.remote(env_id, dict(env_kwargs or {}), list(plugins)) for _ in range(num_workers)]

    def reset(self, requests: Sequence[tuple[int, int]]) -> list[ResetResult]:
        """For each (slot, seed): make the slot's environment in its worker if needed and reset it."""
        return self._call("reset", requests)

    def step(self, actions: Sequence[tuple[int, str]]) -> list[StepResult]:
        """For each (slot, action): step the slot's environment; results in the order given."""
        return self._call("step", actions)

    def score(self, actions: Sequence[tuple[int, str]]) -> list[Verdict]:
        """For each (slot, action): the slot's ``env.score(action)``, without stepping it."""
        return self._call("score", actions)

    def feedback(self, items: Sequence[tuple[int, Verdict]]) -> list[list[dict]]:
        """For each (slot, verdict): the slot's ``env.feedback(verdict)`` as message dicts."""
        return self._call("feedback", items)

    def hint(self, slots: Sequence[int]) -> list[list[dict]]:
        """For each slot: the slot's ``env.hint()`` as message dicts."""
        return self._call("hint", [(slot, None) for slot in slots])

    def snapshot(self, slots: Sequence[int]) -> list[Any]:
        """For each slot: its environment's snapshot, pickled back from its worker."""
        return self._call("snapshot", [(slot, None) for slot in slots])

    def restore(self, items: Sequence[tuple[int, Any]]) -> None:
        """For each (slot, snapshot): restore the slot's environment in its worker (any worker's snapshot)."""
        self._call("restore", items)

    def where(self) -> dict[int, WorkerLocation]:
        """For every slot that has an environment, the worker process that holds it."""
        located = self._get([w.where.remote() for w in self._live_workers()])
        return {slot: WorkerLocation(i, node, pid) for i, (node, pid, slots) in enumerate(located) for slot in slots}

    def close(self) -> None:
        """Close every environment, then kill the actors. Safe to call twice."""
        ray = _ray()
        workers, self._workers = self._workers, []
        if not workers:
            return
        try:
            ray.get([w.close.remote() for w in workers], timeout=CLOSE_TIMEOUT_S)
        except (ray.exceptions.RayError, TimeoutError):
            pass  # a worker that is dead or stuck is killed all the same
        for worker in workers:
            ray.kill(worker, no_restart=True)

    def _call(self, method: str, requests: Sequence[tuple[int, Any]]) -> list[Any]:
        """Send each worker its share of ``requests`` at once; gather the answers in request order."""
        workers = self._live_workers()
        positions: dict[int, list[int]] = {}
        for position, (slot, _) in enumerate(requests):
            positions.setdefault(slot % len(workers), []).append(position)
        refs = [getattr(workers[w], method).remote([requests[p] for p in ps]) for w, ps in positions.items()]
        out: list[Any] = [None] * len(requests)
        for ps, answers in zip(positions.values(), self._get(refs)):
            for position, answer in zip(ps, answers):
                out[position] = answer
        return out

    def _get(self, refs: list[Any]) -> list[Any]:
        """``ray.get`` that raises the environment's own exception instead of Ray's wrapper."""
        ray = _ray()
        try:
            return ray.get(refs)
        except ray.exceptions.RayTaskError as err:
            cause = err.cause
            if isinstance(cause, EnvgymError):
                raise cause from None  # written for the user: the message says it all
            raise cause from err  # a bug in an environment: keep the worker's traceback
        except ray.exceptions.RayActorError as err:
            raise EnvgymError(f"{self.env_id}: a Ray environment worker died: {err}") from err

    def _live_workers(self) -> list[Any]:
        if not self._workers:
            raise EnvgymError(f"RayEnvPool({self.env_id!r}) is closed; make a new pool")
        return self._workers


def _ray() -> Any:
    try:
        import ray
    except ImportError as exc:
        raise ImportError("RayEnvPool needs Ray: pip install 'envgym[ray]'") from exc
    return ray


def _worker_runtime_env() -> dict[str, Any]:
    """The driver's own sys.path entries and envgym's plugin settings, as actor environment variables."""
    install = [Path(p).resolve() for p in {sys.prefix, sys.base_prefix, sys.exec_prefix, sys.base_exec_prefix}]
    paths = [Path(p or os.curdir).resolve() for p in sys.path]
    own = [str(p) for p in paths if p.is_dir() and not any(p.is_relative_to(root) for root in install)]
    env_vars = {name: os.environ[name] for name in (PLUGINS_ENV, DISABLE_AUTOLOAD_ENV) if name in os.environ}
    env_vars["PYTHONPATH"] = os.pathsep.join([*dict.fromkeys(own), "${PYTHONPATH}"])  # Ray expands ${...}
    return {"env_vars": env_vars}
