"""One environment's scorecard: what was measured, and the verdict with its reasons.

The verdict is ``broken`` when any reason is (a failed check of ``envgym check``, a reset or a
reward that changes between two fresh instances, a gold policy that fails part of the sample, a
sandbox that let a hostile program out), else ``caution`` when any reason is (probes the
environment does not ship, learnability within noise, slow steps, low verifier agreement, no
reward spread between the gold and the random policy, a held-out partition that is the whole
task space, replies that differ between two instances while the rewards agree), else ``ready``.
Every reason names what was seen.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

from envgym.check import CheckItem, CheckReport, check_environment
from envgym.env import TextEnv
from envgym.errors import ProbesUnavailable
from envgym.heldout import held_out, task_count
from envgym.plugins import PluginHost, host as default_host
from envgym.scorecard.containment import containment
from envgym.scorecard.learnability import LearnConfig, Learnability
from envgym.scorecard.sample import agreement, play_sample, replay_differences
from envgym.stats import Interval, wilson

Level = Literal["broken", "caution"]
Rating = Literal["ready", "caution", "broken"]

# What a failed check of ``envgym check`` means for a scorecard row.
CHECK_LABELS = {
    "make": "cannot be made", "TextEnv": "not a TextEnv", "gymnasium.make": "Gymnasium bridge fails",
    "gymnasium check_env": "Gymnasium's checker fails", "seeded reset": "nondeterministic reset",
    "gold probes": "gold fails", "hack probes": "a hack pays", "hostile actions": "hostile input not handled",
    "misuse errors": "misuse not refused",
}


@dataclass(frozen=True)
class ScorecardConfig:
    """How much each measurement looks at; the defaults take seconds per environment without ``learn``."""

    seeds: int = 8
    """Seeds for the check's probes and for the determinism replay on a fresh instance."""
    sample: int = 16
    """Seeds the gold policy plays for its solve share, reward spread, agreement and speed."""
    random_episodes: int = 8
    """Episodes of the random policy (seeded) for the reward spread."""
    held_out_tasks: int = 100
    """Size of the held-out partition asked for (fewer where the task space is smaller)."""
    learn: bool = False
    """Run the learnability measurement (minutes on a CPU; ``learn_config`` sizes it)."""
    learn_config: LearnConfig = field(default_factory=LearnConfig)
    min_steps_per_s: float = 1.0
    """Below this many environment steps per second the row gets ``slow steps``."""
    min_agreement: float = 0.95
    """Below this share of agreeing verdicts the row gets ``low verifier agreement``."""

    def __post_init__(self) -> None:
        for name in ("seeds", "sample", "random_episodes", "held_out_tasks"):
            if getattr(self, name) < 1:
                raise ValueError(f"ScorecardConfig.{name} must be at least 1, got {getattr(self, name)}")


@dataclass(frozen=True)
class Reason:
    level: Level
    label: str
    """Short and stable (``a hack pays``, ``learnability within noise``): what tests and tables key on."""
    detail: str = ""

    def __str__(self) -> str:
        return f"{self.label}: {self.detail}" if self.detail else self.label


@dataclass(frozen=True)
class Scorecard:
    """One environment's row. A measurement that could not be made is None (its reason says why)."""

    env_id: str
    reasons: tuple[Reason, ...]
    checks: tuple[CheckItem, ...] = ()
    deterministic: str = ""
    gold_solved: Interval | None = None
    """Share of the sample's tasks the gold policy solves (Wilson)."""
    gold_return: float | None = None
    random_return: float | None = None
    distinct_returns: int | None = None
    """Distinct episode returns over the gold and random episodes (1: the reward says nothing)."""
    agreement: Interval | None = None
    agreement_with: str = ""
    steps_per_s: float | None = None
    containment: str = ""
    task_space: int | None = None
    held_out: int | None = None
    learnability: Learnability | None = None
    seconds: float = 0.0

    @property
    def rating(self) -> Rating:
        levels = {r.level for r in self.reasons}
        return "broken" if "broken" in levels else "caution" if "caution" in levels else "ready"

    def labels(self, level: Level | None = None) -> list[str]:
        return [r.label for r in self.reasons if level is None or r.level == level]

    def to_dict(self) -> dict[str, Any]:
        iv = lambda x: x.to_dict() if x is not None else None  # noqa: E731
        return {"env": self.env_id, "rating": self.rating,
                "reasons": [{"level": r.level, "label": r.label, "detail": r.detail} for r in self.reasons],
                "checks": [{"name": c.name, "ok": c.ok, "skipped": c.skipped, "detail": c.detail} for c in self.checks],
                "deterministic": self.deterministic, "gold_solved": iv(self.gold_solved),
                "gold_return": self.gold_return, "random_return": self.random_return,
                "distinct_returns": self.distinct_returns, "agreement": iv(self.agreement),
                "agreement_with": self.agreement_with, "steps_per_s": self.steps_per_s,
                "containment": self.containment, "task_space": self.task_space, "held_out": self.held_out,
                "learnability": self.learnability.to_dict() if self.learnability else None, "seconds": self.seconds}


class _Reasons(list):
    """Reasons in the order found, one per label (the first detail kept)."""

    def add(self, level: Level, label: str, detail: str = "") -> None:
        if label not in {r.label for r in self}:
            self.append(Reason(level, label, detail))


def scorecard(env_id: str, config: ScorecardConfig | None = None, *, host: PluginHost | None = None,
              progress: Callable[[str], None] | None = None) -> Scorecard:
    """Measure ``env_id`` (see the package docstring); never raises on a failing environment.

    progress: called with the name of each measurement as it starts, and with the learnability run's
    steps (the CLI's progress bar); without it, learnability shows its own bar.
    """
    config = config or ScorecardConfig()
    host = host or default_host()
    say = progress or (lambda _: None)
    start = time.perf_counter()
    reasons = _Reasons()
    say("check")
    report = check_environment(env_id, seeds=range(config.seeds), host=host)
    _check_reasons(report, reasons)
    if not report.items or not report.items[0].ok or any(i.name == "TextEnv" for i in report.items):
        return Scorecard(env_id, tuple(reasons), report.items, seconds=time.perf_counter() - start)
    env, fresh = host.make(env_id), host.make(env_id)
    fields: dict[str, Any] = {}
    try:
        measures: list[tuple[str, Callable[[], dict[str, Any]]]] = [
            ("sample", lambda: _sample(env, fresh, config, reasons)),
            ("containment", lambda: _containment(env, reasons)),
            ("held-out partition", lambda: _space(env_id, env, config, reasons)),
        ]
        if config.learn:
            steps = (lambda done, total: progress(f"learnability {done}/{total}")) if progress else None
            measures.append(("learnability", lambda: _learn(env_id, env, config, reasons, steps)))
        for name, measure in measures:
            say(name)
            try:
                fields |= measure()
            except Exception as exc:  # noqa: BLE001 - a measurement that raises is a finding, not a crash
                reasons.add("broken", f"{name} raised", f"{type(exc).__name__}: {exc}")
    finally:
        env.close()
        fresh.close()
    return Scorecard(env_id, tuple(reasons), report.items, **fields, seconds=time.perf_counter() - start)


def _check_reasons(report: CheckReport, reasons: _Reasons) -> None:
    for item in report.items:
        if item.skipped:
            reasons.add("caution", "no probes", f"{item.name} {item.detail}")
        elif not item.ok:
            label = CHECK_LABELS.get(item.name, item.name)
            if item.name == "seeded reset" and "same task" in item.detail:
                label = "reset ignores the seed"
            elif item.name == "hack probes" and "returned no hacks" in item.detail:
                label = "no hack probes"
            reasons.add("broken", label, item.detail)


def _sample(env: TextEnv, fresh: TextEnv, config: ScorecardConfig, reasons: _Reasons) -> dict[str, Any]:
    """Gold and random episodes on ``env``, replayed on ``fresh``; hacks for the agreement labels."""
    sample = play_sample(env, range(config.sample), range(config.random_episodes), range(config.seeds))
    replay = play_sample(fresh, range(min(config.seeds, config.sample)) if sample.gold else (),
                         range(config.random_episodes), ())
    differences = replay_differences(sample, replay)
    for label, detail in differences:  # replies that differ while the rewards agree: a caution
        reasons.add("caution" if label == "nondeterministic episode" else "broken", label, detail)
    out: dict[str, Any] = {"deterministic": "no" if differences else
                           f"yes ({len(replay.gold) + len(replay.random)} episodes replayed on a fresh instance)"}
    if sample.gold:
        solved = sum(r.final.correct and r.total_reward >= 1.0 for r in sample.gold)
        out["gold_solved"] = wilson(solved, len(sample.gold))
        out["gold_return"] = sum(r.total_reward for r in sample.gold) / len(sample.gold)
        if solved < len(sample.gold):
            failed = [r.seed for r in sample.gold if not (r.final.correct and r.total_reward >= 1.0)]
            reasons.add("broken", "gold fails", f"on {len(failed)} of {len(sample.gold)} sampled seeds (e.g. {failed[:5]})")
    else:
        reasons.add("caution", "no probes", f"no gold policy: {sample.gold_missing}")
    out["random_return"] = sum(r.total_reward for r in sample.random) / len(sample.random)
    returns = [r.total_reward for r in (*sample.gold, *sample.random)]
    out["distinct_returns"] = len(set(returns))
    if sample.gold and out["gold_return"] <= out["random_return"]:
        reasons.add("caution", "no reward spread", f"the random policy's mean return is {out['random_return']:.3g}, "
                                                   f"the gold policy's {out['gold_return']:.3g}")
    out["steps_per_s"] = sample.steps / max(sample.seconds, 1e-9)
    if out["steps_per_s"] < config.min_steps_per_s:
        reasons.add("caution", "slow steps", f"{out['steps_per_s']:.2f} steps/s (below {config.min_steps_per_s:g})")
    found = agreement(env, sample)
    if found is not None:
        out["agreement_with"], out["agreement"] = found
        if found[1].estimate < config.min_agreement:
            reasons.add("caution", "low verifier agreement", f"{found[1]} with {found[0]}")
    return out


def _containment(env: TextEnv, reasons: _Reasons) -> dict[str, Any]:
    held, detail = containment(env)
    if held is False:
        reasons.add("broken", "containment breached", detail)
    return {"containment": detail}


def _space(env_id: str, env: TextEnv, config: ScorecardConfig, reasons: _Reasons) -> dict[str, Any]:
    part = held_out(env_id, None, config.held_out_tasks, env=env)
    if part.whole_space:
        reasons.add("caution", "small task space",
                    f"the {len(part)} held-out tasks are the whole task space: nothing is left to train on")
    return {"task_space": task_count(env), "held_out": len(part)}


def _learn(env_id: str, env: TextEnv, config: ScorecardConfig, reasons: _Reasons,
           steps: Callable[[int, int], None] | None) -> dict[str, Any]:
    from envgym.scorecard.learnability import measure

    try:
        env.reset(seed=0)
        env.gold_action()
    except ProbesUnavailable as exc:
        reasons.add("caution", "learnability not measured", f"no gold traces to learn from: {exc}")
        return {}
    try:
        found = measure(env_id, config.learn_config, report=steps)
    except ValueError as exc:  # the trainer's refusal, e.g. a held-out partition that is the whole space
        reasons.add("caution", "learnability not measured", str(exc))
        return {}
    if not found.significant:
        reasons.add("caution", "learnability within noise", found.evidence)
    elif found.change.estimate < 0:
        reasons.add("caution", "learning lowers held-out pass@1", found.evidence)
    return {"learnability": found}


def scorecards(env_ids: list[str], config: ScorecardConfig | None = None, *, host: PluginHost | None = None,
               progress: bool = True) -> list[Scorecard]:
    """``scorecard`` for each id, in order, with a progress bar (on stderr) naming the environment and measurement."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    bars = Progress(TextColumn("scorecard"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                    TextColumn("{task.fields[now]}"), console=Console(stderr=True), disable=not progress, transient=True)
    cards = []
    with bars:
        bar = bars.add_task("envs", total=len(env_ids), now="")
        for env_id in env_ids:
            cards.append(scorecard(env_id, config, host=host,
                                   progress=lambda name, e=env_id: bars.update(bar, now=f"{e}: {name}")))
            bars.advance(bar)
    return cards
