"""Pipelines: named training stages, each a learner, with the checkpoint handed from stage to stage
and every stage measured on the same held-out tasks, with intervals, over one or more seeds.

    name: arithmetic
    model: tiny                      # or a Hugging Face model directory
    env: envgym/Arithmetic-v0        # each stage may name its own
    env_kwargs: {difficulty: 1}
    seeds: [0, 1, 2]                 # the whole pipeline once per seed (or `seed: 0`; --seeds N)
    eval: {tasks: 200, samples: 8, max_tokens: 32, scaffolds: [none, self_refine]}
    stages:
      - {name: sft, learner: sft, steps: 600, lr: 1.0e-3, settings: {examples_per_step: 32}}
      - name: rlvr
        learner: rlvr
        steps: 40
        lr: 1.0e-4
        settings: {group_size: 8}    # the learner's config (envgym learners lists them)
        train: {max_tokens: 32}      # any other TrainConfig field
        gate: {max_attrition: 0.05}  # stop the pipeline if this stage loses more pass@1 than this

``envgym pipeline run CONFIG --out DIR`` runs it. The held-out tasks are ``eval.tasks`` distinct
tasks (``envgym.heldout``), the same for every seed; training never draws them, and the report
checks that against what each stage trained on (``trained.jsonl``). Before the first stage the
starting model is measured; after each stage its checkpoint is: one greedy answer per task
(greedy pass@1, what ``envgym eval`` reproduces) and ``samples`` answers at temperature 1 (sampled
pass@1, pass@k, support), each with its 95% interval. Each stage is compared with the one before
on the same tasks: paired intervals on the change, and expansion, attrition and reshaping
(``envgym.diagnostics``), with a dominant role named only beyond noise.

A stage with ``scaffold: NAME`` trains its policy to run under that scaffold (``TrainConfig.scaffold``:
on-policy rollouts and ``sft``'s gold traces go through it) and is measured under it, before and
after. A learner setting written ``stage:NAME`` is that earlier stage's checkpoint (a teacher).
A stage with ``sampler: adaptive`` (settings in ``sampler_kwargs:``) draws its training tasks by a
curriculum instead of uniformly (``envgym.learn.samplers``); held-out tasks stay out either way.

With several seeds each seed is a whole run in ``DIR/seed-N`` (resumable on its own) and
``DIR/report.*`` aggregates them (``envgym.claims``): means with intervals across seeds, a per-seed
table, and every stage's change flagged when it does not hold on every seed. Run again, it
resumes: a finished stage (its ``stage.json`` written) is skipped, an interrupted one resumes from
its checkpoint. With ``eval.scaffolds``, the final checkpoint is also evaluated bare and under
each scaffold (``eval.json``), with cost per solved task and the handoff fidelity (bare pass@1 /
scaffolded pass@1).
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from envgym import validate
from envgym.diagnostics import Outcomes, compare
from envgym.errors import InputError
from envgym.heldout import HeldOut, held_out
from envgym.models import hf_policy
from envgym.results import (EvalSettings, HeldOutSummary, Measurement, PipelineReport, ScaffoldRow, SeedsReport,
                            StageRecord, Stopped, TrainedCheck, write_json)
from envgym.stats import Interval, paired_difference, ratio_interval, wilson


class PipelineError(InputError):
    """A pipeline config that cannot run, named with the stage, the field and the fix."""


@dataclass(frozen=True)
class Stage:
    name: str
    learner: str
    steps: int
    env: str
    env_kwargs: Mapping[str, Any] = field(default_factory=dict)
    lr: float = 1e-3
    settings: Mapping[str, Any] = field(default_factory=dict)
    train: Mapping[str, Any] = field(default_factory=dict)
    gate: Mapping[str, float] = field(default_factory=dict)
    scaffold: str = "none"
    sampler: str = "uniform"
    """How the stage draws training tasks (``envgym.learn.samplers``): ``uniform`` or ``adaptive``."""
    sampler_kwargs: Mapping[str, Any] = field(default_factory=dict)
    """The sampler's settings, e.g. ``{low: 0.2, high: 0.8}``."""


@dataclass(frozen=True)
class Pipeline:
    name: str
    model: str
    stages: tuple[Stage, ...]
    eval_tasks: int = 100
    eval_samples: int = 4
    eval_max_tokens: int = 64
    eval_env: str = ""
    eval_env_kwargs: Mapping[str, Any] = field(default_factory=dict)
    seeds: tuple[int, ...] = (0,)
    scaffolds: tuple[str, ...] = ()
    scaffold_kwargs: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    scaffold_stages: Mapping[str, str] = field(default_factory=dict)
    """Scaffold -> the stage whose checkpoint it runs on in the final comparison (default: the last
    stage's). For consolidation: the teacher under its scaffold against the consolidated bare policy."""


GATES = ("max_attrition", "min_pass1")
TOP_LEVEL = ("name", "model", "env", "env_kwargs", "eval", "stages", "seed", "seeds")
EVAL_KEYS = ("tasks", "samples", "max_tokens", "env", "env_kwargs", "scaffolds", "scaffold_kwargs", "scaffold_stages")
STAGE_SETS = {"env": "the stage's env:", "env_kwargs": "the stage's env_kwargs:", "learner": "the stage's learner:",
              "learner_config": "the stage's settings:", "steps": "the stage's steps:", "lr": "the stage's lr:",
              "scaffold": "the stage's scaffold:", "scaffold_kwargs": "eval.scaffold_kwargs", "model": "the top-level model:",
              "seed": "the top-level seed: or seeds:", "output_dir": "pipeline run --out",
              "sampler": "the stage's sampler:", "sampler_kwargs": "the stage's sampler_kwargs:"}
"""TrainConfig fields a stage (or the pipeline) sets itself, so its ``train:`` may not: where each is set."""
STAGE_REF = "stage:"
STAGE_EXAMPLE = "{name: sft, learner: sft, steps: 100}"


def load(path: str | Path, seeds: int | None = None) -> Pipeline:
    """Read and check a whole pipeline file, every stage, before any work: each error is one line
    that names the file, the stage and the field. ``seeds``: run seeds 0..N-1, in place of the file's."""
    try:
        return _load(path, _read(path), seeds)
    except PipelineError:
        raise
    except InputError as exc:
        raise PipelineError(f"{path}: {exc}") from None


def _read(path: str | Path) -> Any:
    import yaml

    try:
        return yaml.safe_load(Path(path).read_text())
    except (OSError, UnicodeDecodeError) as exc:
        raise PipelineError(f"{path}: cannot read it ({exc})") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        hint = "; indent with spaces, not tabs" if "\\t" in problem else ""
        raise PipelineError(f"{path}: not valid YAML{where}: {problem}{hint}") from None


def _load(path: str | Path, raw: Any, seeds: int | None) -> Pipeline:
    raw = validate.mapping(raw, "the file", "name: ..., env: ..., stages: [...]")
    validate.known_keys(raw, TOP_LEVEL, "top level")
    if "stages" not in raw:
        raise InputError(f"a pipeline needs a 'stages' list, e.g. stages: [{STAGE_EXAMPLE}] (see docs/pipelines.md)")
    name = validate.value(raw.get("name", Path(path).stem), str, "name")
    model = validate.model(raw.get("model", "tiny"), "model")
    built: set[str] = set()
    stages = _stages(raw, built)
    ev = validate.mapping(raw.get("eval"), "eval", "{tasks: 100, samples: 4}")
    validate.known_keys(ev, EVAL_KEYS, "eval")
    counts = {key: _positive(ev.get(key, default), f"eval.{key}") for key, default in
              (("tasks", 100), ("samples", 4), ("max_tokens", 64))}
    eval_env = ev.get("env", stages[0].env)
    eval_env_kwargs = dict(validate.mapping(ev.get("env_kwargs", stages[0].env_kwargs), "eval.env_kwargs"))
    _env(eval_env, eval_env_kwargs, "eval.env", built)
    scaffolds = validate.value(ev.get("scaffolds", []), list, "eval.scaffolds")
    for i, scaffold in enumerate(scaffolds):
        validate.component("scaffold", scaffold, f"eval.scaffolds[{i}]")
    scaffold_kwargs = _scaffold_kwargs(ev.get("scaffold_kwargs"), [*scaffolds, *(s.scaffold for s in stages)])
    return Pipeline(name, model, stages, counts["tasks"], counts["samples"], counts["max_tokens"], eval_env,
                    eval_env_kwargs, _seeds(raw, seeds), tuple(scaffolds), scaffold_kwargs,
                    _scaffold_stages(ev, scaffolds, stages))


def _positive(given: Any, place: str) -> int:
    number = validate.value(given, int, place)
    if number < 1:
        raise InputError(f"{place} must be at least 1, got {number}")
    return number


def _env(env_id: Any, kwargs: Mapping[str, Any], place: str, built: set[str]) -> None:
    """``validate.env`` once per environment and options in a file (each builds the environment)."""
    key = repr((env_id, sorted(kwargs.items())))
    if key not in built:
        validate.env(env_id, kwargs, place)
        built.add(key)


def _scaffold_kwargs(given: Any, scaffolds: list[str]) -> dict[str, dict[str, Any]]:
    import envgym
    from envgym.registry import resolve

    chosen = validate.mapping(given, "eval.scaffold_kwargs", "{best_of_n: {n: 4}}")
    validate.known_keys(chosen, sorted(set(scaffolds)), "eval.scaffold_kwargs (for the scaffolds this pipeline runs)", "scaffold")
    out = {}
    for scaffold, kwargs in chosen.items():
        factory = resolve(envgym.plugins.host().component("scaffold", scaffold).factory)
        out[scaffold] = validate.call_kwargs(factory, kwargs, f"eval.scaffold_kwargs.{scaffold}", skip=1, what="option")
    return out


def _scaffold_stages(ev: Mapping[str, Any], scaffolds: list[str], stages: tuple[Stage, ...]) -> dict[str, str]:
    chosen = validate.mapping(ev.get("scaffold_stages"), "eval.scaffold_stages", "{tool_loop: teacher}")
    names = [s.name for s in stages]
    for scaffold, stage in chosen.items():
        if scaffold not in scaffolds:
            raise InputError(f"eval.scaffold_stages names {scaffold!r}, which is not in eval.scaffolds{validate.nearest(scaffold, scaffolds)}")
        if stage not in names:
            raise InputError(f"eval.scaffold_stages.{scaffold} = {stage!r} is no stage{validate.nearest(str(stage), names)}; "
                             f"stages: {names}")
    return dict(chosen)


def _seeds(raw: Mapping[str, Any], override: int | None) -> tuple[int, ...]:
    if override is not None:
        if override < 1:
            raise InputError(f"--seeds must be at least 1, got {override}")
        return tuple(range(override))
    if "seed" in raw and "seeds" in raw:
        raise InputError("give 'seed' (one run) or 'seeds' (a list), not both")
    if "seeds" in raw:
        seeds = raw["seeds"]
        if (not isinstance(seeds, list) or not seeds or not all(isinstance(s, int) and not isinstance(s, bool) and s >= 0
                                                               for s in seeds) or len(set(seeds)) < len(seeds)):
            raise InputError(f"'seeds' must be a list of distinct integers from 0, e.g. [0, 1, 2]; got {seeds!r}")
        return tuple(seeds)
    seed = validate.value(raw.get("seed", 0), int, "seed")
    if seed < 0:
        raise InputError(f"seed must be 0 or more, got {seed}")
    return (seed,)


def _stages(raw: Mapping[str, Any], built: set[str]) -> tuple[Stage, ...]:
    items = raw["stages"]
    if not isinstance(items, list) or not items:
        raise InputError(f"'stages' must be a list of stages like [{STAGE_EXAMPLE}], got {items!r}"[:200])
    stages: list[Stage] = []
    for i, item in enumerate(items):
        label = f"stage {i + 1}"
        if isinstance(item, Mapping) and isinstance(item.get("name"), str):
            label += f" ({item['name']})"
        stages.append(_stage(raw, item, label, stages, built))
    return tuple(stages)


def _stage(raw: Mapping[str, Any], item: Any, label: str, earlier: list[Stage], built: set[str]) -> Stage:
    """One stage, every field checked: its learner's settings, TrainConfig fields, environment, gates."""
    from envgym.learn.learners import learner_config
    from envgym.learn.trainer import TrainConfig

    item = validate.mapping(item, label, STAGE_EXAMPLE)
    validate.known_keys(item, [f.name for f in dataclasses.fields(Stage)], label)
    for required in ("name", "learner", "steps"):
        if required not in item:
            raise InputError(f"{label}: '{required}' is required, e.g. {STAGE_EXAMPLE}")
    name = validate.value(item["name"], str, f"{label}: name")
    if not name or name in (".", "..", "start") or "/" in name or "\\" in name:
        raise InputError(f"{label}: name {name!r} cannot be a run folder; use letters, digits, - and _ (not 'start')")
    if name in {s.name for s in earlier}:
        raise InputError(f"{label}: the name {name!r} is used twice")
    learner = validate.component("learner", item["learner"], f"{label}: learner")
    steps = _positive(item["steps"], f"{label}: steps")
    env = item.get("env", raw.get("env"))
    if not env:
        raise InputError(f"{label}: no 'env' (set one for the stage or at the top)")
    env_kwargs = dict(validate.mapping(item.get("env_kwargs", raw.get("env_kwargs")), f"{label}: env_kwargs"))
    _env(env, env_kwargs, f"{label}: env", built)
    lr = validate.value(item.get("lr", 1e-3), float, f"{label}: lr")
    scaffold = validate.component("scaffold", item.get("scaffold", "none"), f"{label}: scaffold")
    sampler, sampler_kwargs = validate.sampler(item.get("sampler", "uniform"),
                                               validate.mapping(item.get("sampler_kwargs"), f"{label}: sampler_kwargs",
                                                                "{low: 0.2, high: 0.8}"), f"{label}: sampler")
    settings = dict(validate.mapping(item.get("settings"), f"{label}: settings"))
    names = [s.name for s in earlier]
    for key, value in settings.items():
        if isinstance(value, str) and value.startswith(STAGE_REF) and value[len(STAGE_REF):] not in names:
            raise InputError(f"{label}: settings.{key} = {value!r} names no earlier stage; earlier stages: {names}")
    settings = validate.fields(learner_config(learner), settings, f"{label}: settings")
    validate.build(learner_config(learner), settings, f"{label}: settings")
    train_given = validate.mapping(item.get("train"), f"{label}: train", "{max_tokens: 64}")
    for key in train_given:
        if key in STAGE_SETS:
            raise InputError(f"{label}: train.{key} is set by {STAGE_SETS[key]}, not under train:")
    train = validate.fields(TrainConfig, train_given, f"{label}: train", exclude=STAGE_SETS)
    validate.build(TrainConfig, {"env": env, "steps": steps, "lr": lr, **train}, label)
    gate = validate.mapping(item.get("gate"), f"{label}: gate", "{max_attrition: 0.05}")
    validate.known_keys(gate, GATES, f"{label}: gate", "gate")
    gate = {key: validate.value(v, float, f"{label}: gate.{key}") for key, v in gate.items()}
    return Stage(name, learner, steps, env, env_kwargs, lr, settings, train, gate, scaffold, sampler, sampler_kwargs)


def run(pipeline: Pipeline, out: str | Path, progress: bool = True) -> PipelineReport | SeedsReport:
    """Run (or resume) every stage for every seed; return the report (also in ``out/report.json``):
    one seed's ``PipelineReport``, or with several seeds their ``SeedsReport``."""
    out = Path(out)
    from envgym.report import write_report

    report: PipelineReport | SeedsReport
    if len(pipeline.seeds) == 1:
        report = run_seed(pipeline, pipeline.seeds[0], out, progress)
    else:
        from envgym.claims import aggregate

        runs = []
        for seed in pipeline.seeds:
            runs.append(run_seed(pipeline, seed, out / f"seed-{seed}", progress))
            write_report(out / f"seed-{seed}")
        report = aggregate(runs)
        write_json(out / "report.json", report)
    write_report(out)
    return report


def run_seed(pipeline: Pipeline, seed: int, out: Path, progress: bool = True) -> PipelineReport:
    """One whole run of the pipeline with ``seed``; its report goes to ``out/report.json``."""
    out.mkdir(parents=True, exist_ok=True)
    partition = held_out(pipeline.eval_env, pipeline.eval_env_kwargs, pipeline.eval_tasks)
    measure = _Measure(pipeline, seed, partition, progress)
    model, folder = pipeline.model, out / "start"
    start = measure(folder, model, "none").summary
    records: list[StageRecord] = []
    stopped: Stopped | None = None
    checkpoints: dict[str, str] = {}
    for stage in pipeline.stages:  # load() checked every field of every stage
        done = out / stage.name / "stage.json"
        if done.exists():
            record = StageRecord.from_json(json.loads(done.read_text()))
        else:
            checkpoint = _train(pipeline, stage, seed, model, out / stage.name, partition, checkpoints, progress)
            before = measure(folder, model, stage.scaffold)
            after = measure(out / stage.name / "eval", checkpoint, stage.scaffold)
            record = _record(stage, checkpoint, before, after, _trained(out / stage.name / "train", partition))
            write_json(done, record)
        records.append(record)
        model, folder = record.checkpoint, out / stage.name / "eval"
        checkpoints[stage.name] = model
        failed = _gate(stage, record)
        if failed:
            stopped = Stopped(stage.name, failed)
            break
    scaffolds, fidelity = None, {}
    if pipeline.scaffolds and not stopped:
        rows = _scaffolded(out, model, checkpoints, pipeline, seed, partition, progress)
        scaffolds = tuple(ScaffoldRow.from_eval(r) for r in rows)
        fidelity = _fidelity(rows)
    report = PipelineReport(pipeline.name, seed, start, tuple(records),
                            EvalSettings(pipeline.eval_env, len(partition), pipeline.eval_samples),
                            HeldOutSummary.from_json(partition.to_dict()), stopped, scaffolds, fidelity)
    write_json(out / "report.json", report)
    return report


def _train(pipeline: Pipeline, stage: Stage, seed: int, model: str, folder: Path, partition: HeldOut,
           checkpoints: Mapping[str, str], progress: bool) -> str:
    from envgym.learn.trainer import TrainConfig, Trainer

    train = dict(stage.train)
    # training must never draw the held-out tasks: the trainer holds out at least as many (the same first ones)
    if stage.env == pipeline.eval_env and dict(stage.env_kwargs) == dict(pipeline.eval_env_kwargs):
        train["eval_tasks"] = max(int(train.get("eval_tasks", 0)), len(partition))
    settings = {k: checkpoints[v[len(STAGE_REF):]] if isinstance(v, str) and v.startswith(STAGE_REF) else v
                for k, v in stage.settings.items()}
    trainer = Trainer(TrainConfig(env=stage.env, env_kwargs=dict(stage.env_kwargs), learner=stage.learner,
                                  learner_config=settings or None, model=model, steps=stage.steps, lr=stage.lr,
                                  seed=seed, output_dir=str(folder / "train"),
                                  scaffold=stage.scaffold, scaffold_kwargs=dict(pipeline.scaffold_kwargs.get(stage.scaffold, {})),
                                  sampler=stage.sampler, sampler_kwargs=dict(stage.sampler_kwargs),
                                  **{"progress": progress, **train}))  # the stage's own train.progress wins
    try:
        trainer.train()
    finally:
        trainer.close()
    return str(folder / "train" / "checkpoint")


def _record(stage: Stage, checkpoint: str, before: _Measured, after: _Measured, trained: TrainedCheck | None) -> StageRecord:
    """A stage's measurement and its comparison with the one before, on the same tasks, under its scaffold."""
    diagnostics = compare(before.outcomes, after.outcomes)
    tasks = sorted(after.greedy)
    greedy = paired_difference([before.greedy[t] for t in tasks], [after.greedy[t] for t in tasks])
    return StageRecord(stage.name, stage.learner, checkpoint, after.summary, before.summary,
                       {"greedy_pass@1": greedy, "pass@1": diagnostics.intervals["change"]}, diagnostics, trained)


def _trained(train_dir: Path, partition: HeldOut) -> TrainedCheck | None:
    """What the stage trained on, checked against the held-out tasks (from ``trained.jsonl``)."""
    path = train_dir / "trained.jsonl"
    if not path.exists():
        return None
    tasks: set[str] = set()
    for line in path.read_text().splitlines():
        tasks.update(json.loads(line).get("tasks", ()))
    return TrainedCheck(len(tasks), len(tasks & set(partition.task_ids)))


@dataclass(frozen=True)
class _Measured:
    """A measurement with what stage comparisons pair on: per task, the sampled (episodes, successes)
    and whether the greedy answer solved it (``folder/SCAFFOLD.json``)."""

    summary: Measurement
    outcomes: Outcomes
    greedy: Mapping[str, int]

    def to_json(self) -> dict[str, Any]:
        return {"summary": self.summary.to_json(), "outcomes": {task: list(nc) for task, nc in self.outcomes.counts.items()},
                "greedy": dict(self.greedy)}

    @classmethod
    def from_json(cls, d: Mapping[str, Any]) -> _Measured:
        return cls(Measurement.from_json(d["summary"]), Outcomes({task: (n, c) for task, (n, c) in d["outcomes"].items()}),
                   dict(d["greedy"]))


class _Measure:
    """Evaluations of a model on the held-out tasks under a scaffold, cached in ``folder/SCAFFOLD.json``:
    one greedy answer per task and ``eval.samples`` sampled ones."""

    def __init__(self, pipeline: Pipeline, seed: int, partition: HeldOut, progress: bool) -> None:
        self.pipeline, self.seed, self.partition, self.progress = pipeline, seed, partition, progress

    def __call__(self, folder: Path, model: str, scaffold: str) -> _Measured:
        from envgym.evaluate import evaluate

        cached = folder / f"{scaffold}.json"
        if cached.exists():
            return _Measured.from_json(json.loads(cached.read_text()))
        import envgym

        p = self.pipeline
        policy = envgym.make_scaffold(scaffold, hf_policy(model, seed=self.seed), **dict(p.scaffold_kwargs.get(scaffold, {})))
        common = dict(max_tokens=p.eval_max_tokens, env_kwargs=p.eval_env_kwargs, partition=self.partition)
        sampled = evaluate(policy, p.eval_env, samples=p.eval_samples, seed=self.seed, progress=self.progress, **common)
        greedy = evaluate(policy, p.eval_env, **common)
        outcomes = Outcomes(sampled.outcomes())
        k = p.eval_samples
        solved = {task: c for task, (_, c) in greedy.outcomes().items()}
        summary = Measurement(scaffold, greedy.pass_at[1], outcomes.pass_at(1), outcomes.pass_at(k), k, len(outcomes.support),
                              len(outcomes.counts), sampled.mean_reward, sampled.to_dict()["cost_per_solved"],
                              {"greedy_pass@1": wilson(sum(solved.values()), len(solved)),
                               "pass@1": sampled.intervals["pass@1"], "pass@k": sampled.intervals[f"pass@{k}"]})
        record = _Measured(summary, outcomes, solved)
        folder.mkdir(parents=True, exist_ok=True)
        cached.write_text(json.dumps(record.to_json(), indent=2))
        return record


def _gate(stage: Stage, record: StageRecord) -> str | None:
    attrition, pass1 = record.diagnostics.attrition, record.after.pass1
    if "max_attrition" in stage.gate and -attrition > stage.gate["max_attrition"]:
        return f"attrition {-attrition:.3f} > max_attrition {stage.gate['max_attrition']}"
    if "min_pass1" in stage.gate and pass1 < stage.gate["min_pass1"]:
        return f"pass@1 {pass1:.3f} < min_pass1 {stage.gate['min_pass1']}"
    return None


def _scaffolded(out: Path, model: str, checkpoints: Mapping[str, str], pipeline: Pipeline, seed: int,
                partition: HeldOut, progress: bool) -> list[dict[str, Any]]:
    """The final model bare and under each scaffold (or the checkpoint ``eval.scaffold_stages`` names),
    greedy, with cost (``eval.json``)."""
    from envgym.evaluate import evaluate_scaffolds

    cached = out / "eval.json"
    if cached.exists():
        return json.loads(cached.read_text())
    rows = []
    for name in pipeline.scaffolds:
        stage = pipeline.scaffold_stages.get(name)
        result, = evaluate_scaffolds(hf_policy(checkpoints[stage] if stage else model, seed=seed), pipeline.eval_env,
                                     [name], pipeline.scaffold_kwargs, max_tokens=pipeline.eval_max_tokens,
                                     env_kwargs=pipeline.eval_env_kwargs, progress=progress, partition=partition)
        rows.append({**result.to_dict(), "stage": stage or (pipeline.stages[-1].name if pipeline.stages else "start")})
    cached.write_text(json.dumps(rows, indent=2))
    return rows


def _fidelity(rows: list[dict[str, Any]]) -> dict[str, Interval | None]:
    """Bare pass@1 / scaffolded pass@1 on the same tasks, with its bootstrap interval; None when the
    scaffold solved nothing."""
    bare = next((r for r in rows if r["scaffold"] == "none"), None)
    if bare is None:
        return {}
    tasks = sorted(bare["outcomes"])
    out: dict[str, Interval | None] = {}
    for r in rows:
        if r["scaffold"] == "none":
            continue
        solved = [r["outcomes"][t][1] for t in tasks]
        out[r["scaffold"]] = ratio_interval([bare["outcomes"][t][1] for t in tasks], solved) if sum(solved) else None
    return out

