"""Which code scored a trajectory: fingerprints of an environment and of its verifier.

A reward is only as good as the verifier that gave it, and verifiers have bugs. So that a store
says exactly what produced each reward, every trajectory's provenance carries a ``Fingerprint``
of its environment and of its verifier: the name, the declared version (a ``version`` class
attribute, else the installed package's version) and a digest, sha256 over

- the class's qualified name, the name it is registered under and its version;
- the source of every module that defines a class of the object (its class and the bases it
  inherits from, Python's and Gymnasium's own left out), so an edited verifier gets a new digest
  even when nobody bumped a version; and
- its settings: an environment's constructor kwargs (``env.spec.kwargs``), a verifier's public
  attributes and the guard's limits (time bound, length cap).

Fingerprints are computed once per environment instance and kept on it; a module's source is
hashed once per process. ``envgym rescore`` compares them to say what changed.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.metadata
import inspect
import json
import sys
from collections.abc import Mapping
from typing import Any

from envgym.types import Fingerprint

_SKIPPED = frozenset({"builtins", "gymnasium", "typing", "abc", "collections"})
_CACHE = "_envgym_fingerprints"


def fingerprints(env: Any) -> dict[str, Fingerprint | None]:
    """``{"env": ..., "verifier": ...}`` for an environment (made with ``envgym.make``), as
    ``Provenance`` takes them; kept on the instance, recomputed only if its verifier is replaced."""
    base = getattr(env, "unwrapped", env)
    verifier = getattr(base, "verifier", None)
    kept = base.__dict__.get(_CACHE)
    if kept is not None and kept[0] is verifier:
        return kept[1]
    spec = getattr(base, "spec", None) or getattr(env, "spec", None)
    name = spec.id if spec is not None else type(base).__qualname__
    found = {"env": fingerprint(base, name, dict(spec.kwargs) if spec is not None else {}),
             "verifier": verifier_fingerprint(verifier) if verifier is not None else None}
    base.__dict__[_CACHE] = (verifier, found)
    return found


def verifier_fingerprint(verifier: Any) -> Fingerprint:
    """A verifier's fingerprint; for a ``Guarded`` one, the inner verifier's code with the guard's limits."""
    inner = getattr(verifier, "inner", verifier)
    settings = _public(inner)
    if inner is not verifier:
        settings["guard"] = {"timeout_s": getattr(verifier, "timeout_s", None), "max_chars": getattr(verifier, "max_chars", None)}
    return fingerprint(inner, str(getattr(inner, "name", type(inner).__qualname__)), settings)


def fingerprint(obj: Any, name: str, settings: Mapping[str, Any]) -> Fingerprint:
    """The fingerprint of ``obj`` under ``name`` with these settings (see the module docstring)."""
    clean = _jsonable(dict(settings))
    version = declared_version(type(obj))
    digest = hashlib.sha256(f"{type(obj).__module__}:{type(obj).__qualname__}\0{name}\0{version}\0".encode())
    for module in sorted(_modules(type(obj))):
        digest.update(module.encode() + b"\0" + module_digest(module).encode() + b"\0")
    digest.update(json.dumps(clean, sort_keys=True).encode())
    return Fingerprint(name, version, digest.hexdigest(), clean)


def declared_version(cls: type) -> str | None:
    """``cls.version`` when the class declares one, else the version of the package it is installed from."""
    declared = getattr(cls, "version", None)
    if isinstance(declared, (str, int, float)) and not isinstance(declared, bool):
        return str(declared)
    return package_version(cls.__module__.split(".")[0])


@functools.lru_cache(maxsize=None)
def package_version(top_level: str) -> str | None:
    """The installed version of the distribution that provides the top-level module, or None."""
    for dist in _distributions().get(top_level, ()):
        try:
            return importlib.metadata.version(dist)
        except importlib.metadata.PackageNotFoundError:
            continue
    return None


@functools.lru_cache(maxsize=1)
def _distributions() -> Mapping[str, list[str]]:
    return importlib.metadata.packages_distributions()


@functools.lru_cache(maxsize=None)
def module_digest(module: str) -> str:
    """sha256 of a module's source file; of its name where the source cannot be read (built-in, frozen)."""
    mod = sys.modules.get(module)
    try:
        path = inspect.getsourcefile(mod) if mod is not None else None
        data = open(path, "rb").read() if path else None
    except (OSError, TypeError):
        data = None
    return hashlib.sha256(data if data is not None else f"no source: {module}".encode()).hexdigest()


def _modules(cls: type) -> set[str]:
    return {c.__module__ for c in cls.__mro__ if c.__module__.split(".")[0] not in _SKIPPED}


def _public(obj: Any) -> dict[str, Any]:
    """An object's public instance attributes (its settings), where it has a ``__dict__``."""
    return {k: v for k, v in getattr(obj, "__dict__", {}).items() if not k.startswith("_")}


def _jsonable(value: Any) -> Any:
    """Settings as JSON. Values JSON has no form for become their type's name (never a ``repr``,
    which may hold a memory address and would change the digest from run to run)."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        items = [_jsonable(v) for v in value]
        return sorted(items, key=repr) if isinstance(value, (set, frozenset)) else items
    return f"<{type(value).__module__}.{type(value).__qualname__}>"
