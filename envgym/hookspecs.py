"""Every hook an envgym plugin can implement, in one place.

A plugin is a module (or object) with functions marked ``@envgym.hookimpl`` and named after
these specs. It is installed as a package with an entry point in the ``envgym`` group:

    [project.entry-points.envgym]
    myenvs = "myenvs.plugin"

envgym's own built-in verifiers are registered through these same hooks (``envgym.builtin``).
The ``envgym_<things>`` hooks return lists of specs rather than mutating a registry, so the
plugin host knows which plugin provided what and can isolate a plugin that fails.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Mapping

import pluggy

from envgym.registry import ComponentSpec, EnvSpec

hookspec = pluggy.HookspecMarker("envgym")
hookimpl = pluggy.HookimplMarker("envgym")


@dataclass(frozen=True)
class Event:
    """Something that happened during a run, for listeners (loggers, dashboards, monitors).

    kind: a dotted name such as ``"episode.end"``, ``"train.step"`` or ``"eval.end"``.
    payload: the facts, JSON-serialisable.
    """

    kind: str
    payload: Mapping[str, Any] = field(default_factory=dict)


@hookspec
def envgym_environments() -> Sequence[EnvSpec]:
    """Return the environments this plugin provides."""


@hookspec
def envgym_verifiers() -> Sequence[ComponentSpec]:
    """Return verifiers: factories of objects with ``verify(completion, reference) -> Verdict``
    and a ``bound`` class attribute (see ``envgym.verify.base``)."""


@hookspec
def envgym_tools() -> Sequence[ComponentSpec]:
    """Return tools that environments can offer to agents."""


@hookspec
def envgym_sandboxes() -> Sequence[ComponentSpec]:
    """Return sandbox backends that run untrusted code."""


@hookspec
def envgym_policies() -> Sequence[ComponentSpec]:
    """Return policy backends (inference engines and API clients)."""


@hookspec
def envgym_scaffolds() -> Sequence[ComponentSpec]:
    """Return scaffolds: policy wrappers (best-of-n, self-refine, tool loop) that any environment can run under."""


@hookspec
def envgym_learners() -> Sequence[ComponentSpec]:
    """Return learners (ways of choosing trajectories and weighting the shared loss)."""


@hookspec
def envgym_samplers() -> Sequence[ComponentSpec]:
    """Return task samplers: factories of objects that choose training tasks and learn from their
    outcomes (``seeds``, ``update``; see ``envgym.learn.samplers``), taking their settings as keywords."""


@hookspec
def envgym_on_event(event: Event) -> None:
    """Called for every event emitted during a run. A listener that raises is reported, not fatal."""


#: The component hooks and the kind each one registers, in loading order.
COMPONENT_HOOKS: dict[str, str] = {
    "envgym_verifiers": "verifier",
    "envgym_tools": "tool",
    "envgym_sandboxes": "sandbox",
    "envgym_policies": "policy",
    "envgym_scaffolds": "scaffold",
    "envgym_learners": "learner",
    "envgym_samplers": "sampler",
}
