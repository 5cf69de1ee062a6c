"""What a pipeline run measured, as frozen dataclasses, and their JSON files.

One seed (``envgym.pipeline.run_seed``) gives a ``PipelineReport``: the starting model's
``Measurement``, a ``StageRecord`` per finished stage (``STAGE/stage.json``, whose presence marks
the stage done), the gate that stopped the run if one did, and the final scaffold comparison.
Several seeds (``envgym.claims.aggregate``) give a ``SeedsReport``: means across seeds
(``AcrossSeeds``), a ``Claim`` per stage and metric, and the per-seed rows.

Every class has ``to_json`` (a JSON-safe dict) and ``from_json``. The key names are the files'
format (``docs/pipelines.md``), kept from the dicts earlier versions wrote, so runs written before
these classes existed resume and re-report; an interval's infinite bound is written as null
(``envgym.stats.Interval.to_dict``).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from envgym.diagnostics import StageReport
from envgym.stats import Interval

Metric = Literal["greedy_pass@1", "pass@1", "pass@k"]
METRICS: tuple[Metric, ...] = ("greedy_pass@1", "pass@1", "pass@k")
CHANGED: tuple[Metric, ...] = ("greedy_pass@1", "pass@1")
"""The metrics whose change a stage record carries with a paired interval."""


def _intervals(raw: Mapping[str, Any]) -> dict[str, Interval]:
    return {k: Interval.from_dict(v) for k, v in raw.items()}


def _dicts(intervals: Mapping[Any, Interval]) -> dict[str, Any]:
    return {str(k): v.to_dict() for k, v in intervals.items()}


def _optional(raw: Mapping[str, Any] | None) -> Interval | None:
    return None if raw is None else Interval.from_dict(raw)


@dataclass(frozen=True)
class Measurement:
    """A policy on the held-out tasks under a scaffold: one greedy answer per task (greedy pass@1)
    and ``k`` sampled ones at temperature 1 (sampled pass@1, pass@k, support)."""

    scaffold: str
    greedy_pass1: float
    pass1: float
    passk: float
    k: int
    support: int
    """Tasks solved at least once in the ``k`` samples."""
    prompts: int
    """Held-out tasks measured."""
    mean_reward: float | None = None
    cost_per_solved: Mapping[str, float | None] = field(default_factory=dict)
    """Each cost field over the solved sampled episodes; None when none was solved."""
    intervals: Mapping[str, Interval] = field(default_factory=dict)
    """95% intervals by metric name: Wilson's for greedy pass@1, the bootstrap over tasks for the rest."""

    def value(self, metric: Metric) -> float:
        return {"greedy_pass@1": self.greedy_pass1, "pass@1": self.pass1, "pass@k": self.passk}[metric]

    def interval(self, metric: Metric) -> Interval | None:
        return self.intervals.get(metric)

    def to_json(self) -> dict[str, Any]:
        return {"scaffold": self.scaffold, "greedy_pass@1": self.greedy_pass1, "pass@1": self.pass1,
                "pass@k": self.passk, "k": self.k, "support": self.support, "prompts": self.prompts,
                "mean_reward": self.mean_reward, "cost_per_solved": dict(self.cost_per_solved),
                "intervals": _dicts(self.intervals)}

    @classmethod
    def from_json(cls, d: Mapping[str, Any]) -> Measurement:
        return cls(d.get("scaffold", "none"), d["greedy_pass@1"], d["pass@1"], d["pass@k"], d["k"], d["support"],
                   d["prompts"], d.get("mean_reward"), dict(d.get("cost_per_solved", {})), _intervals(d.get("intervals", {})))


@dataclass(frozen=True)
class TrainedCheck:
    """What a stage trained on (``trained.jsonl``) against the held-out tasks."""

    tasks: int
    """Distinct training tasks."""
    held_out: int
    """Of those, held-out ones (should be 0)."""

    def to_json(self) -> dict[str, Any]:
        return {"tasks": self.tasks, "held_out": self.held_out}

    @classmethod
    def from_json(cls, d: Mapping[str, Any]) -> TrainedCheck:
        return cls(d["tasks"], d["held_out"])


@dataclass(frozen=True)
class StageRecord:
    """One finished stage (``STAGE/stage.json``): its checkpoint measured, compared with the model it
    started from on the same tasks under the same scaffold. In JSON the ``after`` measurement's
    fields sit at the top level, beside ``before``."""

    stage: str
    learner: str
    checkpoint: str
    after: Measurement
    before: Measurement
    change: Mapping[str, Interval]
    """Paired intervals on the change of greedy and sampled pass@1 (keys as ``CHANGED``)."""
    diagnostics: StageReport
    trained: TrainedCheck | None = None
    """None when the stage left no ``trained.jsonl``."""

    @property
    def scaffold(self) -> str:
        return self.after.scaffold

    def to_json(self) -> dict[str, Any]:
        return {"stage": self.stage, "learner": self.learner, "scaffold": self.scaffold, "checkpoint": self.checkpoint,
                **self.after.to_json(), "before": self.before.to_json(), "change": _dicts(self.change),
                "diagnostics": self.diagnostics.to_dict(),
                "trained": None if self.trained is None else self.trained.to_json()}

    @classmethod
    def from_json(cls, d: Mapping[str, Any]) -> StageRecord:
        trained = d.get("trained")
        return cls(d["stage"], d["learner"], d["checkpoint"], Measurement.from_json(d), Measurement.from_json(d["before"]),
                   _intervals(d["change"]), StageReport.from_dict(d["diagnostics"]),
                   None if trained is None else TrainedCheck.from_json(trained))


@dataclass(frozen=True)
class Stopped:
    """The gate that stopped a run, after which stage."""

    stage: str
    gate: str
    """What failed, e.g. ``pass@1 0.100 < min_pass1 0.2``."""

    def to_json(self) -> dict[str, Any]:
        return {"stage": self.stage, "gate": self.gate}

    @classmethod
    def from_json(cls, d: Mapping[str, Any]) -> Stopped:
        return cls(d["stage"], d["gate"])


@dataclass(frozen=True)
class HeldOutSummary:
    """The held-out tasks, as ``envgym.heldout.HeldOut.to_dict`` describes them."""

    env: str
    tasks: int
    wanted: int
    space: int | None
    draws: int
    seeds: tuple[int, ...]
    """The first and last evaluation seed used."""
    description: str

    def to_json(self) -> dict[str, Any]:
        return {"env": self.env, "tasks": self.tasks, "wanted": self.wanted, "space": self.space, "draws": self.draws,
                "seeds": list(self.seeds), "description": self.description}

    @classmethod
    def from_json(cls, d: Mapping[str, Any]) -> HeldOutSummary:
        return cls(d["env"], d["tasks"], d["wanted"], d["space"], d["draws"], tuple(d["seeds"]), d["description"])


@dataclass(frozen=True)
class EvalSettings:
    """What every measurement ran on: the environment, how many held-out tasks, samples per task."""

    env: str
    tasks: int
    samples: int

    def to_json(self) -> dict[str, Any]:
        return {"env": self.env, "tasks": self.tasks, "samples": self.samples}

    @classmethod
    def from_json(cls, d: Mapping[str, Any]) -> EvalSettings:
        return cls(d["env"], d["tasks"], d["samples"])


@dataclass(frozen=True)
class ScaffoldRow:
    """The final checkpoint (or the one ``eval.scaffold_stages`` names) under one scaffold, greedy."""

    scaffold: str
    pass1: float
    interval: Interval | None = None

    def to_json(self) -> dict[str, Any]:
        return {"scaffold": self.scaffold, "pass@1": self.pass1,
                "interval": None if self.interval is None else self.interval.to_dict()}

    @classmethod
    def from_json(cls, d: Mapping[str, Any]) -> ScaffoldRow:
        return cls(d["scaffold"], d["pass@1"], _optional(d.get("interval")))

    @classmethod
    def from_eval(cls, row: Mapping[str, Any]) -> ScaffoldRow:
        """From a row of ``eval.json`` (``envgym.evaluate.EvalResult.to_dict``)."""
        return cls(row["scaffold"], row["pass_at"]["1"], _optional(row["intervals"].get("pass@1")))


Fidelity = Mapping[str, "Interval | None"]
"""Scaffold -> handoff fidelity (bare pass@1 / scaffolded pass@1) with its interval; None where the
scaffold solved nothing."""


def _fidelity_json(fidelity: Fidelity) -> dict[str, Any]:
    return {name: None if v is None else v.to_dict() for name, v in fidelity.items()}


def _fidelity(raw: Mapping[str, Any]) -> dict[str, Interval | None]:
    return {name: _optional(v) for name, v in raw.items()}


@dataclass(frozen=True)
class PipelineReport:
    """One seed's run (``report.json``; with several seeds, ``seed-N/report.json``)."""

    pipeline: str
    seed: int | None
    start: Measurement
    stages: tuple[StageRecord, ...]
    eval: EvalSettings
    held_out: HeldOutSummary | None = None
    stopped: Stopped | None = None
    scaffolds: tuple[ScaffoldRow, ...] | None = None
    """The final comparison (``eval.scaffolds``); None when none was asked for or a gate stopped the run."""
    handoff_fidelity: Fidelity = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"pipeline": self.pipeline}
        if self.seed is not None:
            out["seed"] = self.seed
        out |= {"stopped": None if self.stopped is None else self.stopped.to_json(),
                "stages": [s.to_json() for s in self.stages],
                "held_out": None if self.held_out is None else self.held_out.to_json(),
                "eval": self.eval.to_json(), "start": self.start.to_json()}
        if self.scaffolds is not None:
            out |= {"scaffolds": [r.to_json() for r in self.scaffolds], "handoff_fidelity": _fidelity_json(self.handoff_fidelity)}
        return out

    @classmethod
    def from_json(cls, d: Mapping[str, Any]) -> PipelineReport:
        held, stopped, scaffolds = d.get("held_out"), d.get("stopped"), d.get("scaffolds")
        return cls(d["pipeline"], d.get("seed"), Measurement.from_json(d["start"]),
                   tuple(StageRecord.from_json(s) for s in d["stages"]), EvalSettings.from_json(d["eval"]),
                   None if held is None else HeldOutSummary.from_json(held),
                   None if stopped is None else Stopped.from_json(stopped),
                   None if scaffolds is None else tuple(ScaffoldRow.from_json(r) for r in scaffolds),
                   _fidelity(d.get("handoff_fidelity") or {}))


# ---- several seeds -------------------------------------------------------------------------------


@dataclass(frozen=True)
class AcrossSeeds:
    """Each metric's mean over seeds with Student's t interval across them."""

    greedy_pass1: Interval
    pass1: Interval
    passk: Interval

    def interval(self, metric: Metric) -> Interval:
        return {"greedy_pass@1": self.greedy_pass1, "pass@1": self.pass1, "pass@k": self.passk}[metric]

    def to_json(self) -> dict[str, Any]:
        return {m: self.interval(m).to_dict() for m in METRICS}

    @classmethod
    def from_json(cls, d: Mapping[str, Any]) -> AcrossSeeds:
        return cls(*(Interval.from_dict(d[m]) for m in METRICS))


@dataclass(frozen=True)
class StageAcross:
    """One stage over the seeds that finished it."""

    stage: str
    learner: str
    scaffold: str
    metrics: AcrossSeeds
    change: Mapping[str, Interval]
    """Mean change across seeds of greedy and sampled pass@1 (keys as ``CHANGED``)."""
    dominant: Mapping[int, str]
    """Seed -> the stage's dominant role on it."""

    def to_json(self) -> dict[str, Any]:
        return {"stage": self.stage, "learner": self.learner, "scaffold": self.scaffold, "metrics": self.metrics.to_json(),
                "change": _dicts(self.change), "dominant": {str(s): v for s, v in self.dominant.items()}}

    @classmethod
    def from_json(cls, d: Mapping[str, Any]) -> StageAcross:
        return cls(d["stage"], d["learner"], d["scaffold"], AcrossSeeds.from_json(d["metrics"]), _intervals(d["change"]),
                   {int(s): v for s, v in d["dominant"].items()})


Direction = Literal["up", "down", "none"]


@dataclass(frozen=True)
class Claim:
    """What a stage did to a metric, and on which seeds that holds beyond noise (``envgym.claims.claim``)."""

    stage: str
    metric: str
    direction: Direction
    mean: Interval
    """The mean change across seeds."""
    beyond_noise: tuple[int, ...]
    """Seeds whose paired interval excludes zero in ``direction``."""
    failing_seeds: tuple[int, ...]
    holds_on_every_seed: bool
    per_seed: Mapping[int, Interval]
    """Seed -> its paired interval on the change."""
    statement: str

    def to_json(self) -> dict[str, Any]:
        return {"stage": self.stage, "metric": self.metric, "direction": self.direction, "mean": self.mean.to_dict(),
                "beyond_noise": list(self.beyond_noise), "failing_seeds": list(self.failing_seeds),
                "holds_on_every_seed": self.holds_on_every_seed, "per_seed": _dicts(self.per_seed),
                "statement": self.statement}

    @classmethod
    def from_json(cls, d: Mapping[str, Any]) -> Claim:
        return cls(d["stage"], d["metric"], d["direction"], Interval.from_dict(d["mean"]), tuple(d["beyond_noise"]),
                   tuple(d["failing_seeds"]), d["holds_on_every_seed"],
                   {int(s): Interval.from_dict(v) for s, v in d["per_seed"].items()}, d["statement"])


@dataclass(frozen=True)
class SeedTrained:
    """One seed's stage and what it trained on (in JSON the check's fields sit beside seed and stage)."""

    seed: int
    stage: str
    trained: TrainedCheck | None

    def to_json(self) -> dict[str, Any]:
        return {"seed": self.seed, "stage": self.stage, **(self.trained.to_json() if self.trained else {})}

    @classmethod
    def from_json(cls, d: Mapping[str, Any]) -> SeedTrained:
        return cls(d["seed"], d["stage"], TrainedCheck.from_json(d) if "tasks" in d else None)


@dataclass(frozen=True)
class ScaffoldAcross:
    """One scaffold's final greedy pass@1: the mean across seeds and each seed's."""

    scaffold: str
    pass1: Interval
    per_seed: Mapping[int, float]

    def to_json(self) -> dict[str, Any]:
        return {"scaffold": self.scaffold, "pass@1": self.pass1.to_dict(),
                "per_seed": {str(s): v for s, v in self.per_seed.items()}}

    @classmethod
    def from_json(cls, d: Mapping[str, Any]) -> ScaffoldAcross:
        return cls(d["scaffold"], Interval.from_dict(d["pass@1"]), {int(s): v for s, v in d["per_seed"].items()})


@dataclass(frozen=True)
class SeedsReport:
    """Several seeds' runs aggregated (``report.json`` beside ``seed-N/``)."""

    pipeline: str
    seeds: tuple[int, ...]
    eval: EvalSettings
    held_out: HeldOutSummary | None
    start: AcrossSeeds
    stages: tuple[StageAcross, ...]
    """The stages every seed finished."""
    claims: tuple[Claim, ...]
    stopped: Mapping[int, Stopped] | None
    """Seed -> the gate that stopped it; None when none stopped."""
    trained: tuple[SeedTrained, ...]
    runs: tuple[str, ...]
    """Each seed's run folder, relative to the report's."""
    scaffolds: tuple[ScaffoldAcross, ...] | None = None
    handoff_fidelity: Fidelity | None = None

    def to_json(self) -> dict[str, Any]:
        out = {"pipeline": self.pipeline, "seeds": list(self.seeds), "eval": self.eval.to_json(),
               "held_out": None if self.held_out is None else self.held_out.to_json(), "start": self.start.to_json(),
               "stages": [s.to_json() for s in self.stages], "claims": [c.to_json() for c in self.claims],
               "stopped": None if self.stopped is None else {str(s): v.to_json() for s, v in self.stopped.items()},
               "trained": [t.to_json() for t in self.trained], "runs": list(self.runs)}
        if self.scaffolds is not None:
            out["scaffolds"] = [s.to_json() for s in self.scaffolds]
        if self.handoff_fidelity is not None:
            out["handoff_fidelity"] = _fidelity_json(self.handoff_fidelity)
        return out

    @classmethod
    def from_json(cls, d: Mapping[str, Any]) -> SeedsReport:
        held, stopped, scaffolds, fidelity = d.get("held_out"), d.get("stopped"), d.get("scaffolds"), d.get("handoff_fidelity")
        return cls(d["pipeline"], tuple(d["seeds"]), EvalSettings.from_json(d["eval"]),
                   None if held is None else HeldOutSummary.from_json(held), AcrossSeeds.from_json(d["start"]),
                   tuple(StageAcross.from_json(s) for s in d["stages"]), tuple(Claim.from_json(c) for c in d["claims"]),
                   None if stopped is None else {int(s): Stopped.from_json(v) for s, v in stopped.items()},
                   tuple(SeedTrained.from_json(t) for t in d["trained"]), tuple(d["runs"]),
                   None if scaffolds is None else tuple(ScaffoldAcross.from_json(s) for s in scaffolds),
                   None if fidelity is None else _fidelity(fidelity))


Report = PipelineReport | SeedsReport


def read_report(path: str | Path) -> Report:
    """A ``report.json``: an aggregate over seeds when it lists ``seeds``, else one run."""
    d = json.loads(Path(path).read_text())
    return SeedsReport.from_json(d) if "seeds" in d else PipelineReport.from_json(d)


def write_json(path: str | Path, result: PipelineReport | SeedsReport | StageRecord) -> None:
    Path(path).write_text(json.dumps(result.to_json(), indent=2))
