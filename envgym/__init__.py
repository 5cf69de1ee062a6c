"""envgym: verifiable environments and interchangeable learners for language-model agents.

Importing envgym loads no plugin. The registry functions below load them on first use
(see ``envgym.plugins``); ``envgym.load_plugins()`` does it explicitly.
"""

from __future__ import annotations

from typing import Any

from envgym.env import Task, TextEnv
from envgym.errors import (
    ComponentNotFoundError,
    EnvgymError,
    EnvNotFoundError,
    EnvStateError,
    InvalidEnvIdError,
    RegistrationError,
    SnapshotUnsupported,
)
from envgym.hookspecs import Event, hookimpl
from envgym.plugins import host, load_plugins
from envgym.registry import ComponentSpec, EnvSpec, parse_env_id
from envgym.snapshot import Snapshot, fork
from envgym.types import Cost, Message, Provenance, Trajectory, Turn, Verdict
from envgym.verify.base import Guarded, Verifier

__version__ = "0.1.0"


def make(env_id: str, **kwargs: Any) -> TextEnv:
    """Build the environment registered as ``env_id`` with its default kwargs updated by ``kwargs``.

    When a plugin failed to load, the first call says so once (``PluginWarning``), naming it.
    """
    loaded = host()
    if loaded.failures:
        from envgym.plugins import warn_failures

        warn_failures(loaded)
    return loaded.make(env_id, **kwargs)


def register(env_id: str, entry_point: Any, *, kwargs: dict[str, Any] | None = None, summary: str = "") -> EnvSpec:
    """Register an environment from your own code (plugins use the ``envgym_environments`` hook)."""
    return host().register_env(EnvSpec(env_id, entry_point, dict(kwargs or {}), summary))


def spec(env_id: str) -> EnvSpec:
    """The spec registered as ``env_id``."""
    return host().env_spec(env_id)


def list_envs() -> list[str]:
    """Every registered environment id, sorted."""
    return [s.id for s in host().envs]


def make_verifier(name: str, *, timeout_s: float = 5.0, **kwargs: Any) -> Guarded:
    """Build the verifier registered as ``name``; ``verify(completion, reference)`` never raises."""
    from envgym.registry import resolve

    factory = resolve(host().component("verifier", name).factory)
    return Guarded(factory(**kwargs), timeout_s=timeout_s)


def make_policy(backend: str, /, *args: Any, **kwargs: Any) -> Any:
    """Build the policy backend registered as ``backend`` (``hf``, ``vllm``, ``openai``, ...)."""
    from envgym.registry import resolve

    return resolve(host().component("policy", backend).factory)(*args, **kwargs)


def make_scaffold(name: str, /, policy: Any, **kwargs: Any) -> Any:
    """Wrap ``policy`` in the scaffold registered as ``name`` (``none``, ``best_of_n``, ``self_refine``, ``tool_loop``)."""
    from envgym.registry import resolve

    return resolve(host().component("scaffold", name).factory)(policy, **kwargs)


def make_sandbox(backend: str | None = None, /, **kwargs: Any) -> Any:
    """Build the sandbox registered as ``backend`` (``bwrap``, ``docker``, ``process``); limits as
    keywords (``wall_s=5, memory_mb=256``). None picks ``bwrap`` where bubblewrap is installed,
    else ``docker`` where an engine answers, else fails with what to install (never ``process``
    silently: it is not isolation)."""
    from envgym.registry import resolve
    from envgym.sandbox.base import default_backend

    return resolve(host().component("sandbox", backend or default_backend()).factory)(**kwargs)


def list_sandboxes() -> list[str]:
    return [s.name for s in host().components["sandbox"]]


def list_verifiers() -> list[str]:
    return [s.name for s in host().components["verifier"]]


__all__ = [
    "ComponentNotFoundError", "ComponentSpec", "Cost", "EnvNotFoundError", "EnvSpec", "EnvStateError",
    "EnvgymError", "Event", "Guarded", "InvalidEnvIdError", "Message", "Provenance", "RegistrationError",
    "Snapshot", "SnapshotUnsupported", "Task", "TextEnv", "Trajectory", "Turn", "Verdict", "Verifier", "hookimpl", "host", "list_envs",
    "list_sandboxes", "list_verifiers", "load_plugins", "make", "make_policy", "make_sandbox", "make_scaffold", "make_verifier", "parse_env_id", "register", "spec", "fork",
]


def _imported_by_gymnasium() -> bool:
    """Whether this import runs inside ``gymnasium.make("envgym:envgym/...")`` (Gymnasium imports the
    module before ``:`` and then looks the id up in its registry)."""
    import sys

    frame = sys._getframe(1)
    while frame is not None:
        if frame.f_globals.get("__name__") == "gymnasium.envs.registration":
            return True
        frame = frame.f_back
    return False


if _imported_by_gymnasium():  # only then: a plain `import envgym` stays light and loads no plugin
    load_plugins()
