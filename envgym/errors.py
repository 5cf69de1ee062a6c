"""Exceptions envgym raises at its users. Each message names the thing at fault and the fix."""

from __future__ import annotations


class EnvgymError(Exception):
    """Base class of every envgym error."""


class InvalidEnvIdError(EnvgymError, ValueError):
    """An id that is not of the form ``namespace/Name-vN``."""


class NotFoundError(EnvgymError, KeyError):
    """Nothing is registered under the name (the message suggests the closest ones)."""

    def __str__(self) -> str:  # KeyError would quote the message
        return str(self.args[0]) if self.args else ""


class EnvNotFoundError(NotFoundError):
    """No environment is registered under the id."""


class ComponentNotFoundError(NotFoundError):
    """No verifier, tool, sandbox, policy or learner is registered under the name."""


class RegistrationError(EnvgymError, ValueError):
    """An id registered twice, or a spec that cannot be registered."""


class EnvStateError(EnvgymError, RuntimeError):
    """An environment method called out of order (step before reset, step after the end)."""


class SnapshotUnsupported(EnvgymError, NotImplementedError):
    """An environment that cannot be snapshot, restored or forked mid-episode, and says why (state
    envgym cannot copy: a tool server's session, an upstream engine, a subclass that keeps episode
    state without declaring it). ``envgym.fork`` raises it too: never a silent shallow copy."""


class CheckpointError(EnvgymError, RuntimeError):
    """A checkpoint this run cannot resume (written by a differently laid-out run, or not fitting the model)."""


class ProbesUnavailable(EnvgymError, NotImplementedError):
    """An environment that has no gold solution or no known reward hacks to probe with, and says why
    (an adapter of an upstream environment that declares none). Raised by ``gold_action`` or
    ``hack_actions``; ``envgym check`` reports those probes as skipped, with the reason."""


class CheckFailed(EnvgymError):
    """An environment failed one of ``envgym check``'s checks (the message says which and why)."""


class InputError(EnvgymError, ValueError):
    """A command-line value or config field that cannot be used: the message names the place, the field
    and the fix (``envgym.validate`` raises it before any work starts)."""
