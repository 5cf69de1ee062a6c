"""Specs for what plugins provide, and the catalogs that hold them.

Environments are registered under versioned ids ``namespace/Name-vN``, as in Gymnasium: bump
the version whenever the reward or the observations change, so results stay comparable.
Verifiers, tools, sandboxes, policies and learners are registered under plain names as
``ComponentSpec``. Every entry remembers the plugin that registered it.
"""

from __future__ import annotations

import dataclasses
import difflib
import importlib
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from envgym.errors import ComponentNotFoundError, EnvNotFoundError, InvalidEnvIdError, RegistrationError

ENV_ID = re.compile(r"^(?P<namespace>[A-Za-z][\w.-]*)/(?P<name>[A-Za-z][\w.]*)-v(?P<version>\d+)$")


def parse_env_id(env_id: str) -> tuple[str, str, int]:
    """Split ``namespace/Name-vN`` into its parts.

    >>> parse_env_id("envgym/Arithmetic-v0")
    ('envgym', 'Arithmetic', 0)
    """
    m = ENV_ID.match(env_id) if isinstance(env_id, str) else None
    if m is None:
        raise InvalidEnvIdError(
            f"invalid environment id {env_id!r}: ids look like 'namespace/Name-vN', e.g. 'myorg/Sorting-v0'"
        )
    return m["namespace"], m["name"], int(m["version"])


def resolve(entry_point: Callable[..., Any] | str) -> Callable[..., Any]:
    """A callable from itself or from a ``'module.path:attribute'`` string."""
    if callable(entry_point):
        return entry_point
    module, _, attr = entry_point.partition(":")
    if not attr:
        raise RegistrationError(f"entry point {entry_point!r} must look like 'package.module:ClassName'")
    obj: Any = importlib.import_module(module)
    for part in attr.split("."):
        obj = getattr(obj, part)
    return obj


@dataclass(frozen=True)
class EnvSpec:
    """How to build an environment.

    id: ``namespace/Name-vN``.
    entry_point: a callable returning a ``gymnasium.Env`` (usually a ``TextEnv`` subclass), or
        ``'module:Class'`` so listing environments does not import them.
    kwargs: default constructor arguments; ``make(id, **overrides)`` updates them.
    summary: one line for ``envgym list``.
    plugin: the plugin that registered it (set by the plugin host).
    """

    id: str
    entry_point: Callable[..., Any] | str
    kwargs: Mapping[str, Any] = field(default_factory=dict)
    summary: str = ""
    plugin: str | None = None

    def __post_init__(self) -> None:
        parse_env_id(self.id)
        if not (callable(self.entry_point) or isinstance(self.entry_point, str)):
            raise RegistrationError(f"{self.id}: entry_point must be a callable or 'module:Class' string")

    @property
    def key(self) -> str:
        return self.id


@dataclass(frozen=True)
class ComponentSpec:
    """A named factory for a verifier, tool, sandbox, policy or learner."""

    name: str
    factory: Callable[..., Any] | str
    summary: str = ""
    plugin: str | None = None

    @property
    def key(self) -> str:
        return self.name


S = TypeVar("S", EnvSpec, ComponentSpec)


class Catalog(Generic[S]):
    """Specs of one kind by key, refusing duplicates and suggesting near misses."""

    def __init__(self, kind: str, spec_type: type[S], not_found: type[KeyError]) -> None:
        self.kind = kind
        self.spec_type = spec_type
        self._not_found = not_found
        self._specs: dict[str, S] = {}

    def add(self, spec: S, plugin: str | None = None) -> S:
        if not isinstance(spec, self.spec_type):
            raise RegistrationError(f"expected a {self.spec_type.__name__} for a {self.kind}, got {type(spec).__name__}")
        if plugin is not None:
            spec = dataclasses.replace(spec, plugin=plugin)
        taken = self._specs.get(spec.key)
        if taken is not None:
            raise RegistrationError(
                f"{self.kind} {spec.key!r} is already registered by plugin {taken.plugin or '(user code)'}; "
                f"register it under a new name or version instead"
            )
        self._specs[spec.key] = spec
        return spec

    def get(self, key: str) -> S:
        spec = self._specs.get(key)
        if spec is None:
            raise self._not_found(self._missing_message(key))
        return spec

    def remove(self, key: str) -> None:
        self._specs.pop(key, None)

    def _missing_message(self, key: str) -> str:
        keys = list(self._specs)
        close = difflib.get_close_matches(key, keys, n=3, cutoff=0.6)
        close += [k for k in keys if k.lower() == str(key).lower() and k not in close]
        if self.kind == "environment" and isinstance(key, str) and "-v" in key:
            stem = key.rsplit("-v", 1)[0]
            close += [k for k in keys if k.rsplit("-v", 1)[0] == stem and k not in close]
        msg = f"no {self.kind} registered as {key!r}"
        if close:
            msg += f"; did you mean {', '.join(repr(c) for c in close)}?"
        if not keys:
            msg += f" (no {self.kind} is registered at all)"
        return msg + ("" if msg.endswith("?") else ".") + " `envgym list` shows what is registered."

    def __contains__(self, key: object) -> bool:
        return key in self._specs

    def __iter__(self) -> Iterator[S]:
        return iter(sorted(self._specs.values(), key=lambda s: s.key))

    def __len__(self) -> int:
        return len(self._specs)


def env_catalog() -> Catalog[EnvSpec]:
    return Catalog("environment", EnvSpec, EnvNotFoundError)


def component_catalog(kind: str) -> Catalog[ComponentSpec]:
    return Catalog(kind, ComponentSpec, ComponentNotFoundError)
