"""PrimeIntellect's ``verifiers`` (pinned at 0.4.0) and envgym, both ways.

- A verifiers environment as an envgym environment: ``verifiers/<module>-v0`` for every installed
  distribution that requires ``verifiers`` (``envgym_verifiers.catalog``), or
  ``envgym_verifiers.register("my-env")`` for one that is only importable. See ``VerifiersEnv``.
- An envgym environment as a verifiers taskset: this package is one (``vf-eval envgym-verifiers
  --env.taskset.env-id envgym/Arithmetic-v0``): verifiers imports it by that id and finds
  ``EnvgymTaskset``, ``EnvgymEnv`` and ``ChatHarness`` in ``__all__``. See ``envgym_verifiers.export``.

Importing this package imports neither verifiers nor the adapters (envgym loads the plugin module
``envgym_verifiers.plugin`` for every command): each name below is imported on first use.
"""

from __future__ import annotations

import importlib
from typing import Any

_WHERE = {
    "EnvgymTaskset": "envgym_verifiers.export",
    "EnvgymEnv": "envgym_verifiers.export",
    "ChatHarness": "envgym_verifiers.harness",
    "VerifiersEnv": "envgym_verifiers.env",
    "register": "envgym_verifiers.catalog",
}

# verifiers reads __all__ for exactly one Taskset, one Env and one Harness subclass.
__all__ = list(_WHERE)


def __getattr__(name: str) -> Any:
    if name not in _WHERE:
        raise AttributeError(f"module 'envgym_verifiers' has no attribute {name!r}")
    value = getattr(importlib.import_module(_WHERE[name]), name)
    globals()[name] = value
    return value
