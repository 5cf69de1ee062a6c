"""Re-score stored rollouts with a fixed verifier or a new environment version.

    envgym rescore runs/rlvr --verifier number          # every rollout of a training run
    envgym rescore rollouts.jsonl --env envgym/Arithmetic-v1 --kw difficulty=2

A bug in a verifier (a false positive, a parse it misses) leaks into every reward it gave. This
module scores the stored episodes again and says what changed. Every trajectory is replayed:
the environment is built again (the stored id and settings, or ``--env`` and ``--kw``), reset
with the stored seed, and stepped with the stored answers, one per environment turn; with
``--verifier`` the environment judges through that verifier instead of its own. A single-turn
episode is therefore the verifier run on the stored completion against the task's reference; a
multi-turn one gets every turn's reward again and the final turn's score.

A replay must be faithful, or its scores mean nothing: the seed must give the stored task, and
wherever a turn is judged as it was, the environment must answer it with the stored reply.
Otherwise (no seed stored, another task, another reply) the whole rescore is refused with the
trajectory, the turn and what differed (``NotReplayable``), and nothing is written. When a new
verdict ends an episode early (a wrong answer now correct), the rescored episode stops there.

The rescored trajectories go to a new store beside the old one, which is never modified;
``envgym.rescore_report`` compares the two (``Impact``).
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from envgym.errors import InputError
from envgym.rollout.store import TrajectoryStore
from envgym.types import Trajectory
from envgym.versions import fingerprints


class NotReplayable(InputError):
    """A stored episode the environment cannot replay faithfully; the message says which and why."""


@dataclass(frozen=True)
class Rescorer:
    """What to score with.

    verifier: a registered verifier's name (``envgym.list_verifiers()``); the environment judges
        through it. None keeps the environment's own.
    env_id: the environment to replay in; None replays each trajectory in its stored environment.
    env_kwargs: constructor options, over the stored settings (``Provenance.env.settings``).
    """

    verifier: str | None = None
    env_id: str | None = None
    env_kwargs: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.verifier is None and self.env_id is None and not self.env_kwargs:
            raise InputError("rescore needs --verifier NAME, or --env ID (and --kw KEY=VALUE): what to score with")


@dataclass(frozen=True)
class Pair:
    """One trajectory before and after: ``source`` is the store it came from (a run's step file)."""

    source: str
    before: Trajectory
    after: Trajectory

    @property
    def flip(self) -> int:
        """+1 wrong -> correct, -1 correct -> wrong, 0 unchanged."""
        return int(self.after.correct) - int(self.before.correct)


class Replayer:
    """Environments for replays, one per (id, settings), with the rescorer's verifier swapped in."""

    def __init__(self, rescorer: Rescorer) -> None:
        self.rescorer = rescorer
        self._envs: dict[str, Any] = {}

    def env_for(self, t: Trajectory) -> Any:
        import json

        import envgym

        stored = t.provenance.env
        env_id = self.rescorer.env_id or t.env_id
        kwargs = {**(stored.settings if stored is not None else {}), **self.rescorer.env_kwargs}
        key = json.dumps([env_id, kwargs], sort_keys=True, default=str)
        env = self._envs.get(key)
        if env is None:
            try:
                env = envgym.make(env_id, **kwargs)
            except TypeError as exc:
                raise InputError(f"rescore: cannot build {env_id} with {kwargs}: {exc}; pass its options with --kw") from exc
            if self.rescorer.verifier is not None:
                _judge_with(env, self.rescorer.verifier)
            self._envs[key] = env
        return env

    def close(self) -> None:
        for env in self._envs.values():
            env.close()
        self._envs.clear()


def _judge_with(env: Any, name: str) -> None:
    """Make ``env`` judge through the verifier registered as ``name``; refuse environments that do not use one."""
    import envgym
    from envgym.env import TextEnv

    base = env.unwrapped
    if not isinstance(base, TextEnv) or type(base).score is not TextEnv.score:
        label = base.spec.id if base.spec is not None else type(base).__name__
        raise InputError(f"rescore --verifier {name}: {label} judges answers in its own score(), not through a "
                         "verifier; rescore it with --env (a new environment version or --kw settings) instead")
    base.verifier = envgym.make_verifier(name, timeout_s=base.verifier.timeout_s)


def replay(t: Trajectory, env: Any) -> Trajectory:
    """``t`` scored again by ``env`` (see the module docstring); raises ``NotReplayable``."""
    label = f"{t.env_id} episode {t.group_id or t.task_id}#{t.sample}"
    if t.seed is None:
        raise NotReplayable(f"{label} was stored without a seed, so its task cannot be drawn again; "
                            "only episodes collected from a seeded reset can be rescored")
    _, info = env.reset(seed=t.seed)
    if info["task_id"] != t.task_id:
        raise NotReplayable(f"{label}: seed {t.seed} now gives task {info['task_id']!r}, not the stored "
                            f"{t.task_id!r}; the environment's tasks changed (pass the stored options with --kw)")
    stepped = [i for i, u in enumerate(t.turns) if u.verdict is not None]  # tool-call segments were not env steps
    turns = list(t.turns)
    for n, i in enumerate(stepped):
        old = t.turns[i]
        if env.unwrapped.done:
            raise NotReplayable(f"{label}: the replay ended after turn {n} of {len(stepped)} with the same verdicts")
        _, reward, terminated, _, step = env.step(old.text)
        verdict, replies = step["verdict"], tuple(step.get("replies", ()))
        turns[i] = dataclasses.replace(old, reward=float(reward), verdict=verdict)
        last = n == len(stepped) - 1
        if verdict.correct != old.verdict.correct:
            if terminated and not last:  # the new verdict ends the episode here; what followed never happens
                turns = turns[:i + 1]
                break
            continue  # the environment answers another verdict: its reply may differ by design
        stored = tuple(m.to_dict() for m in old.env_messages)
        if (not last and terminated) or (stored and replies != stored):
            what = "ended the episode" if terminated else f"answered {_brief(replies)} instead of {_brief(stored)}"
            raise NotReplayable(f"{label}, turn {n + 1}: the replay {what}; {t.env_id} does not replay "
                                "deterministically from its seed and the stored answers")
    final = next(u for u in reversed(turns) if u.verdict is not None) if stepped else None
    provenance = dataclasses.replace(t.provenance, **fingerprints(env))
    metadata = {**t.metadata, "rescored": {"reward": t.reward, "correct": t.correct,
                                           "verifier": _name(t.provenance.verifier), "env": _name(t.provenance.env)}}
    return dataclasses.replace(t, turns=tuple(turns), reward=final.reward if final else 0.0,
                               correct=bool(final and final.verdict.correct), provenance=provenance, metadata=metadata)


def _name(fp: Any) -> str | None:
    return None if fp is None else f"{fp.name}@{fp.version or '?'}:{fp.digest[:12]}"


def _brief(messages: Sequence[Mapping[str, Any]]) -> str:
    text = " / ".join(str(m.get("content", "")) for m in messages) or "nothing"
    return repr(text[:80] + ("..." if len(text) > 80 else ""))


def rescore_stores(sources: Sequence[Path], rescorer: Rescorer, *, progress: bool = True) -> list[Pair]:
    """Every trajectory of the stores, before and after. All are replayed before anything is written."""
    stores = [(str(p), list(TrajectoryStore(p))) for p in sources]
    total = sum(len(ts) for _, ts in stores)
    replayer = Replayer(rescorer)
    bar = Progress(TextColumn("rescore"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                   disable=not progress, transient=True)
    pairs: list[Pair] = []
    try:
        with bar:
            task = bar.add_task("trajectories", total=total)
            for source, trajectories in stores:
                for t in trajectories:
                    pairs.append(Pair(source, t, replay(t, replayer.env_for(t))))
                    bar.advance(task)
    finally:
        replayer.close()
    return pairs


def tag(pairs: Sequence[Pair]) -> str:
    """A short hash of the environment and verifier code that rescored: names the new store."""
    seen = sorted({f"{p.after.provenance.env and p.after.provenance.env.digest}/"
                   f"{p.after.provenance.verifier and p.after.provenance.verifier.digest}" for p in pairs})
    return hashlib.sha256("\n".join(seen).encode()).hexdigest()[:12]


def write_store(path: Path, trajectories: Sequence[Trajectory]) -> Path:
    """Write a fresh store (replacing an earlier rescore's file at the same path)."""
    path.unlink(missing_ok=True)
    TrajectoryStore(path).append(trajectories)
    return path


def run_stores(run: Path) -> list[Path]:
    """A training run's rollout stores, ``rollouts/step-NNNNNN-CC-TAG.jsonl``, in order."""
    return sorted((run / "rollouts").glob("step-*.jsonl"))


def is_run(path: Path) -> bool:
    return path.is_dir() and (path / "rollouts").is_dir()


@dataclass(frozen=True)
class Rescored:
    """Where a rescore wrote: the new stores, the impact report's files, and the impact itself."""

    stores: tuple[Path, ...]
    reports: tuple[Path, ...]
    impact: Any


def rescore(path: str | Path, rescorer: Rescorer, *, out: str | Path | None = None, progress: bool = True,
            examples: int = 3) -> Rescored:
    """Rescore a store (a ``.jsonl`` file) or a training run (a folder with ``rollouts/``).

    A store ``S.jsonl`` is written to ``S.rescored-<hash>.jsonl`` (or ``out``) with its report beside
    it (``.impact.md``, ``.html``, ``.json``); a run's stores go to ``RUN/rescored-<hash>/rollouts/``
    (or ``out/rollouts/``) with ``impact.*`` in that folder, and the report names the training steps
    whose samples changed. ``<hash>`` is a digest of the environment and verifier code that rescored.
    """
    from envgym import rescore_report

    path = Path(path)
    run = is_run(path)
    sources = run_stores(path) if run else [path]
    if not run and not path.is_file():
        raise InputError(f"rescore: {path} is neither a trajectory store (.jsonl) nor a training run folder "
                         "(one with rollouts/); pass one of them")
    if not sources:
        raise InputError(f"rescore: {path}/rollouts holds no step-*.jsonl stores; has the run trained a step?")
    pairs = rescore_stores(sources, rescorer, progress=progress)
    if not pairs:
        raise InputError(f"rescore: {path} holds no trajectories to rescore")
    digest = tag(pairs)
    if run:
        folder = Path(out) if out is not None else path / f"rescored-{digest}"
        targets = {str(s): folder / "rollouts" / s.name for s in sources}
        stem = folder / "impact"
    else:
        target = Path(out) if out is not None else path.with_name(f"{path.stem}.rescored-{digest}.jsonl")
        targets, stem = {str(path): target}, target.with_name(target.stem + ".impact")
    if any(t.resolve() == Path(s).resolve() for s, t in targets.items()):
        raise InputError(f"rescore: --out {out} is the store being rescored; the original is never overwritten")
    for source, target in targets.items():
        target.parent.mkdir(parents=True, exist_ok=True)
        write_store(target, [p.after for p in pairs if p.source == source])
    trained = _trained(path) if run else None
    shown = str(targets[str(path)]) if not run else str(stem.parent)
    result = rescore_report.impact(pairs, source=str(path), out=shown, scored_with=describe(rescorer),
                                   trained=trained, examples=examples)
    return Rescored(tuple(targets.values()), tuple(rescore_report.write(result, stem)), result)


def describe(rescorer: Rescorer) -> str:
    parts = [f"verifier {rescorer.verifier!r}"] if rescorer.verifier else []
    if rescorer.env_id:
        parts.append(f"environment {rescorer.env_id}")
    if rescorer.env_kwargs:
        parts.append("options " + ", ".join(f"{k}={v!r}" for k, v in rescorer.env_kwargs.items()))
    return " and ".join(parts)


def _trained(run: Path) -> list[dict[str, Any]]:
    import json

    path = run / "trained.jsonl"
    if not path.exists():
        raise InputError(f"rescore: {run} has rollouts/ but no trained.jsonl; is it an envgym training run?")
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
