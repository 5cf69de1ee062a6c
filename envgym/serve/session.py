"""One OpenEnv session: an envgym environment behind OpenEnv's ``Environment`` interface.

OpenEnv's server (``HTTPEnvServer``) makes one ``EnvgymSession`` per WebSocket connection and
drops it when the connection closes. The session builds its envgym environment at the first
reset, with the server's options (``envgym serve --kw``) updated by the reset request's own
(``reset(seed=3, difficulty=2)``): a reset whose options differ from the episode before rebuilds
the environment, so options are per session and per episode. ``reset`` and ``step`` run in the
server's thread pool (``Served.pool``), never on the event loop: a sandboxed environment's step
waits on its sandbox without holding up the other sessions.
"""

from __future__ import annotations

import asyncio
import functools
import threading
import uuid
from collections.abc import Mapping
from concurrent.futures import Executor
from dataclasses import dataclass, field
from typing import Any

from openenv.core.env_server.interfaces import Environment
from openenv.core.env_server.types import EnvironmentMetadata

from envgym import validate
from envgym.env import TextEnv
from envgym.errors import EnvStateError, InputError
from envgym.plugins import PluginHost
from envgym.registry import resolve
from envgym.serve.wire import EnvgymAction, EnvgymObservation, EnvgymState, verdict_json


@dataclass(eq=False)
class Served:
    """One environment id as the server offers it: its default options, the pool its sessions
    step in, and the environments currently open (closed at shutdown if a client never closed)."""

    env_id: str
    defaults: Mapping[str, Any]
    pool: Executor
    host: PluginHost
    open_envs: set[TextEnv] = field(default_factory=set)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def make(self, options: Mapping[str, Any]) -> TextEnv:
        """The environment with ``options`` over the defaults; a refused option is an ``InputError``."""
        spec = self.host.env_spec(self.env_id)
        validate.call_kwargs(resolve(spec.entry_point), options, f"{self.env_id} reset", what="option", join=" option ")
        merged = {**self.defaults, **options}
        try:
            env = self.host.make(self.env_id, **merged)
        except Exception as exc:  # noqa: BLE001 - a constructor's refusal, as one line for the client
            given = ", ".join(f"{k}={v!r}" for k, v in merged.items()) or "its defaults"
            raise InputError(f"{self.env_id} refused {given}: {type(exc).__name__}: {exc}") from None
        with self.lock:
            self.open_envs.add(env)
        return env

    def release(self, env: TextEnv) -> None:
        with self.lock:
            self.open_envs.discard(env)
        env.close()

    def close_all(self) -> None:
        with self.lock:
            left, self.open_envs = list(self.open_envs), set()
        for env in left:
            env.close()


class EnvgymSession(Environment[EnvgymAction, EnvgymObservation, EnvgymState]):
    """An envgym environment for one client (see the module docstring)."""

    SUPPORTS_CONCURRENT_SESSIONS = True  # each session owns its environment; nothing is shared but the pool
    # OpenEnv otherwise gives every session a thread of its own for creating and closing it (a
    # thousand sessions, a thousand threads); reset and step run in Served.pool either way.
    REQUIRES_SINGLE_THREAD_EXECUTOR = True

    def __init__(self, served: Served) -> None:
        super().__init__()
        self.served = served
        self.env: TextEnv | None = None
        self.options: dict[str, Any] = {}
        self.episode_id: str | None = None
        self.steps = 0

    def reset(self, seed: int | None = None, episode_id: str | None = None, **options: Any) -> EnvgymObservation:
        if self.env is None or options != self.options:
            fresh = self.served.make(options)
            if self.env is not None:
                self.served.release(self.env)
            self.env, self.options = fresh, dict(options)
        messages, info = self.env.reset(seed=seed)
        self.episode_id, self.steps = episode_id or uuid.uuid4().hex, 0
        return EnvgymObservation(messages=messages, info={"env_id": self.served.env_id, "task_id": info["task_id"],
                                                          "turn": 0, "truncated": False})

    def step(self, action: EnvgymAction, timeout_s: float | None = None, **kwargs: Any) -> EnvgymObservation:
        """One turn. ``timeout_s`` is not used: envgym's verifiers and sandboxes bound their own time."""
        if self.env is None:
            raise EnvStateError(f"{self.served.env_id}: step before reset; send a reset first (each WebSocket "
                                "connection is one session; the stateless HTTP /step has none)")
        _, reward, terminated, truncated, info = self.env.step(action.message)
        self.steps += 1
        return EnvgymObservation(messages=info["replies"], verdict=verdict_json(info["verdict"]), reward=float(reward),
                                 done=bool(terminated or truncated),
                                 info={"env_id": self.served.env_id, "task_id": info["task_id"], "turn": info["turn"],
                                       "truncated": bool(truncated)})

    async def reset_async(self, seed: int | None = None, episode_id: str | None = None, **options: Any) -> EnvgymObservation:
        call = functools.partial(self.reset, seed=seed, episode_id=episode_id, **options)
        return await asyncio.get_running_loop().run_in_executor(self.served.pool, call)

    async def step_async(self, action: EnvgymAction, timeout_s: float | None = None, **kwargs: Any) -> EnvgymObservation:
        return await asyncio.get_running_loop().run_in_executor(self.served.pool, self.step, action)

    @property
    def state(self) -> EnvgymState:
        env = self.env
        return EnvgymState(episode_id=self.episode_id, step_count=self.steps, env_id=self.served.env_id,
                           task_id=env.task.id if env is not None and env.task is not None else None,
                           turn=env.turn if env is not None else 0, done=env.done if env is not None else False,
                           options=self.options)

    def get_metadata(self) -> EnvironmentMetadata:
        spec = self.served.host.env_spec(self.served.env_id)
        return EnvironmentMetadata(name=spec.id, description=spec.summary or spec.id, version=spec.id.rsplit("-v", 1)[1],
                                   author=f"envgym plugin {spec.plugin}")

    def close(self) -> None:
        if self.env is not None:
            self.served.release(self.env)
            self.env = None
