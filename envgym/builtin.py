"""envgym's own plugin: the built-in verifiers, registered through the public hooks."""

from __future__ import annotations

from envgym.hookspecs import hookimpl
from envgym.registry import ComponentSpec


@hookimpl
def envgym_verifiers() -> list[ComponentSpec]:
    return [
        ComponentSpec("number", "envgym.verify.match:NumberMatch", "final number equals the reference exactly"),
        ComponentSpec("exact", "envgym.verify.match:ExactMatch", "answer equals the reference after folding case and space"),
    ]
