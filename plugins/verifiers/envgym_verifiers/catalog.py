"""Which verifiers environments envgym lists, and under which ids.

verifiers finds an environment by import name: the id ``my-env`` (or the hub's ``owner/my-env@1.0``)
imports the module ``my_env`` and takes the ``Taskset`` it exports. There is no entry point to list
them by, so envgym lists every installed distribution that requires ``verifiers`` and whose
module of that name can be found (found, not imported: ``envgym list`` stays fast), as
``verifiers/<module>-v0``. The taskset is imported when the environment is made, and a
distribution that turns out to be no environment says so then.

An environment that is importable but not installed (a folder on ``sys.path``) is added with
``register``.
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
import re
from typing import Any

from envgym.registry import ENV_ID, EnvSpec

ENTRY_POINT = "envgym_verifiers.env:VerifiersEnv"
_REQUIREMENT = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)")


def module_name(taskset: str) -> str:
    """The module verifiers imports for a taskset id (its own rule).

    >>> module_name("my-env"), module_name("primeintellect/Wordle-Env@0.2")
    ('my_env', 'wordle_env')
    """
    return taskset.rsplit("/", 1)[-1].split("@", 1)[0].replace("-", "_").lower()


def env_id(taskset: str) -> str:
    """The envgym id of a verifiers taskset.

    >>> env_id("my-env")
    'verifiers/my_env-v0'
    """
    return f"verifiers/{module_name(taskset)}-v0"


def _requires_verifiers(dist: importlib.metadata.Distribution) -> bool:
    """Whether ``dist`` requires verifiers itself (not only through one of its extras)."""
    for requirement in dist.requires or ():
        name = _REQUIREMENT.match(requirement)
        marker = requirement.partition(";")[2]
        if name and name[1].lower() == "verifiers" and "extra" not in marker:
            return True
    return False


def installed() -> dict[str, str]:
    """Installed verifiers environments: envgym id -> distribution name."""
    found: dict[str, str] = {}
    for dist in importlib.metadata.distributions():
        name = dist.metadata["Name"]
        if not name or not _requires_verifiers(dist):
            continue
        module = module_name(name)
        if ENV_ID.match(env_id(module)) and _findable(module):
            found.setdefault(env_id(module), name)
    return found


def _findable(module: str) -> bool:
    """Whether ``module`` can be imported, without importing it (a dotted name imports its parent)."""
    try:
        return importlib.util.find_spec(module) is not None
    except (ImportError, ValueError):
        return False


def spec(taskset: str, summary: str = "", **options: Any) -> EnvSpec:
    """The envgym spec of a verifiers taskset; ``options`` are ``VerifiersEnv``'s."""
    return EnvSpec(env_id(taskset), ENTRY_POINT, {"taskset": taskset, **options},
                   summary or f"verifiers environment {taskset} (verifiers 0.4.0), single- or multi-turn, its own "
                              "rewards as the verdict")


def register(taskset: str, **options: Any) -> EnvSpec:
    """Register a verifiers taskset that is importable but not installed (``verifiers/<module>-v0``).

    options: ``VerifiersEnv``'s (``taskset_args``, ``env``, ``max_turns``, ...), as the spec's defaults.
    """
    import envgym

    made = spec(taskset, **options)
    return envgym.register(made.id, made.entry_point, kwargs=dict(made.kwargs), summary=made.summary)
