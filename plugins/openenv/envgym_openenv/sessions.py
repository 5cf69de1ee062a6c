"""Two ways to hold one OpenEnv session, with the same wire payloads.

``RemoteSession`` is a WebSocket session with a running server, through OpenEnv's own
``GenericEnvClient``; ``LocalSession`` is an OpenEnv ``Environment`` instance in this process,
serialised with openenv-core's own functions, so it answers exactly what its server would. Both
return ``{"observation": {...}, "reward": float | None, "done": bool}`` and raise ``ActionRefused``
when the environment turns an action down (a validation error, an exception in its step) and
``EnvgymError`` when the server cannot be reached.
"""

from __future__ import annotations

import inspect
import json
import urllib.error
import urllib.request
from typing import Any, Protocol

from envgym.errors import EnvgymError


class ActionRefused(Exception):
    """The environment refused an action (its message says why)."""


class Session(Protocol):
    def reset(self, **kwargs: Any) -> dict[str, Any]: ...
    def step(self, action: dict[str, Any]) -> dict[str, Any]: ...
    def action_schema(self) -> dict[str, Any]: ...
    def close(self) -> None: ...


class RemoteSession:
    """One session with the OpenEnv server at ``url`` (opened at the first reset)."""

    def __init__(self, url: str, timeout_s: float) -> None:
        self.url = url.rstrip("/")
        self.timeout_s = timeout_s
        self._client: Any = None
        self._played = False  # whether the server ever answered this session

    def _connected(self) -> Any:
        if self._client is None:
            from openenv.core.generic_client import GenericEnvClient

            client = GenericEnvClient(base_url=self.url, connect_timeout_s=self.timeout_s,
                                      message_timeout_s=self.timeout_s).sync()
            self._call(client.connect)
            self._client = client
        return self._client

    def _call(self, fn: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except RuntimeError as exc:
            if str(exc).startswith("Server error:"):  # EnvClient's form of the server's error message
                raise ActionRefused(str(exc).removeprefix("Server error: ")) from None
            raise EnvgymError(f"OpenEnv server {self.url}: {exc}") from None
        except (OSError, TimeoutError, EOFError) as exc:
            raise EnvgymError(f"OpenEnv server {self.url}: {type(exc).__name__}: {exc}") from None
        except Exception as exc:  # noqa: BLE001 - websockets' ConnectionClosed and kin: the server went away
            if not self._played and "ConnectionClosed" in type(exc).__name__:
                # OpenEnv's server closes a session it has no room for as soon as it opens (CAPACITY_REACHED)
                raise EnvgymError(
                    f"OpenEnv server {self.url} closed a new session at once: it is most likely at its session limit "
                    "(openenv's create_app(..., max_concurrent_envs=N); `envgym serve --max-sessions`). envgym opens "
                    "one session per environment: training needs prompts_per_step x group_size of them at once, "
                    "plus one for evaluation and one for score()") from None
            raise EnvgymError(f"OpenEnv server {self.url}: the connection failed ({type(exc).__name__}: {exc})") from None

    def reset(self, **kwargs: Any) -> dict[str, Any]:
        payload = _payload(self._call(self._connected().reset, **kwargs))
        self._played = True
        return payload

    def step(self, action: dict[str, Any]) -> dict[str, Any]:
        return _payload(self._call(self._connected().step, action))

    def action_schema(self) -> dict[str, Any]:
        try:
            with urllib.request.urlopen(f"{self.url}/schema", timeout=self.timeout_s) as response:
                return json.load(response)["action"]
        except (OSError, ValueError, KeyError) as exc:
            raise EnvgymError(f"OpenEnv server {self.url}: no action schema at {self.url}/schema ({exc}); is it an "
                              "OpenEnv server?") from None

    def close(self) -> None:
        client, self._client = self._client, None
        if client is not None:
            try:
                client.close()
            except Exception:  # noqa: BLE001 - the server may be gone already; nothing is left to release here
                pass


class LocalSession:
    """An OpenEnv ``Environment`` class, instantiated in this process."""

    def __init__(self, environment: type, action: type) -> None:
        self.environment, self.action = environment, action
        self.env = environment()

    def reset(self, **kwargs: Any) -> dict[str, Any]:
        from openenv.core.env_server.serialization import serialize_observation

        accepted = inspect.signature(self.env.reset).parameters  # what OpenEnv's server passes on, too
        if not any(p.kind is p.VAR_KEYWORD for p in accepted.values()):
            kwargs = {k: v for k, v in kwargs.items() if k in accepted}
        return serialize_observation(self.env.reset(**kwargs))

    def step(self, action: dict[str, Any]) -> dict[str, Any]:
        from openenv.core.env_server.serialization import deserialize_action, serialize_observation
        from pydantic import ValidationError

        try:
            parsed = deserialize_action(action, self.action)
        except ValidationError as exc:
            raise ActionRefused(f"invalid action: {exc.errors()[0].get('msg', exc)}") from None
        try:
            observation = self.env.step(parsed)
        except Exception as exc:  # noqa: BLE001 - what the server would answer with EXECUTION_ERROR
            raise ActionRefused(f"{type(exc).__name__}: {exc}") from None
        return serialize_observation(observation)

    def action_schema(self) -> dict[str, Any]:
        return self.action.model_json_schema()

    def close(self) -> None:
        self.env.close()


def _payload(result: Any) -> dict[str, Any]:
    return {"observation": result.observation, "reward": result.reward, "done": result.done}
