"""Snapshots and forks of a running environment: ``env.snapshot()``, ``env.restore(snap)``, ``envgym.fork(env, n)``.

    snap = env.snapshot()          # the episode as it stands, mid-episode or not
    env.step("...")                # the environment moves on; the snapshot does not
    env.restore(snap)              # back to where it was: the same actions now replay identically
    copies = envgym.fork(env, 4)   # four new environments, each in that state, each going its own way

A snapshot copies the episode's state, so neither the environment's later turns nor a restore
change it: one snapshot can be restored any number of times, into the environment it came from
or into another one built the same way (same class, same options). ``fork`` builds the copies
with ``envgym.make`` from the environment's spec (or a ``make`` function you pass) and restores the
snapshot into each: a fork owns its resources (a sandbox, a tool's index) and shares nothing
mutable with the original.

What ``TextEnv`` keeps: the task, the turn count, whether the episode is over, the conversation,
and the environment's random generator (``np_random``'s bit-generator state and seed). Each
environment adds what it keeps beyond that: a game's state, a tool environment's budget account
(calls, tool seconds and penalty already used), a repository's working copy. What no snapshot
keeps: anything outside the environment object, such as processes, open files, global random
generators (``random``, torch), the wall clock, the verifier's caches and the seeds' task cache of
``tasks_from_seed``. Sandboxes need no fork of their own: none of envgym's keeps state between
runs (a warm bubblewrap zygote and a pooled Docker container both kill the run's processes and
empty ``/work``, ``/tmp`` and ``/dev/shm`` after each), so a sandboxed environment's state is on the
host (a working copy, the conversation) and is copied there.

How an environment supports it (``docs/environments.md``): a class that keeps episode state of
its own, which is any class overriding ``reset``, ``step`` or ``_play``, also overrides
``_save_episode`` (return ``super()``'s dict plus copies of its own state) and ``_load_episode``
(restore them, copying again). A class that overrides one of those methods without declaring
its state cannot be snapshot: ``snapshot`` raises ``SnapshotUnsupported`` naming the class and
the fix, never a silent shallow copy. A class whose state cannot be copied at all (an upstream
engine, a tool server's session) sets ``snapshot_unsupported`` to the reason.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from envgym.errors import EnvgymError, SnapshotUnsupported

EPISODE_METHODS = ("reset", "step", "_play")  # where an environment's episode state changes


@dataclass(frozen=True)
class Snapshot:
    """One environment's episode state at one moment (see the module docstring).

    env_type: the environment's class; a snapshot restores only into that class.
    label: the environment's id (or class name), for messages.
    options: the keyword arguments it was made with (its spec's), None when made without envgym.make.
    turn: the turn the episode was at.
    state: what ``_save_episode`` returned; its values are copies no environment holds.
    """

    env_type: type
    label: str
    options: Mapping[str, Any] | None
    turn: int
    state: Mapping[str, Any]


def blocker(cls: type, base: type) -> str:
    """Why instances of ``cls`` (a subclass of ``base``, ``TextEnv``) cannot be snapshot; "" when they can."""
    reason = getattr(cls, "snapshot_unsupported", None)
    if reason:
        return reason
    for klass in cls.__mro__:
        if klass is base:
            break
        overridden = [m for m in EPISODE_METHODS if m in klass.__dict__]
        declared = "_save_episode" in klass.__dict__ and "_load_episode" in klass.__dict__
        if overridden and not declared:
            return (f"class {klass.__name__} overrides {', '.join(overridden)} but does not declare its episode "
                    f"state: give it _save_episode() and _load_episode(state) (docs/environments.md, "
                    f"'Snapshots and forks')")
    return ""


def check_restorable(env: Any, snap: Snapshot, options: Mapping[str, Any] | None) -> None:
    """Refuse a snapshot of another kind of environment, or of one made with other options."""
    if not isinstance(snap, Snapshot):
        raise TypeError(f"{env._label()}: restore() takes what snapshot() returned, got {type(snap).__name__}")
    if type(env) is not snap.env_type:
        raise TypeError(f"{env._label()}: a snapshot of {snap.label} ({snap.env_type.__name__}) cannot restore "
                        f"a {type(env).__name__}; restore it into an environment built the same way")
    if options is not None and snap.options is not None and options != snap.options:
        differ = sorted(k for k in {*options, *snap.options} if options.get(k) != snap.options.get(k))
        raise ValueError(f"{env._label()}: the snapshot was taken of an environment made with other options "
                         f"({', '.join(differ)}); restore it into one made with the same options")


def fork(env: Any, n: int, *, make: Callable[[], Any] | None = None) -> list[Any]:
    """``n`` new environments, each in ``env``'s current episode state and independent of it and each other.

    make: builds one new environment like ``env`` (default: ``envgym.make`` with ``env``'s spec, id
        and options). Raises ``SnapshotUnsupported`` (naming the environment and why) before
        building anything when ``env`` cannot be snapshot.
    """
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise ValueError(f"fork: n must be a positive integer, got {n!r}")
    snap = env.snapshot()
    build = make or _maker(env)
    copies: list[Any] = []
    try:
        for _ in range(n):
            copies.append(build())
            copies[-1].restore(snap)
    except BaseException:
        for copy in copies:
            copy.close()
        raise
    return copies


def _maker(env: Any) -> Callable[[], Any]:
    spec = getattr(env, "spec", None)
    if spec is None:
        raise EnvgymError(f"fork: {type(env).__name__} was not made with envgym.make, so fork cannot build copies "
                          f"of it; pass make=, a function that builds one (e.g. make=lambda: {type(env).__name__}(...))")

    def build() -> Any:
        import envgym

        return envgym.make(spec.id, **spec.kwargs)

    return build


__all__ = ["Snapshot", "SnapshotUnsupported", "blocker", "check_restorable", "fork"]
