"""Pipelines: named training stages, each a learner, with the checkpoint handed from stage to stage
and every stage measured on the same held-out prompts.

    name: arithmetic
    model: tiny                      # or a Hugging Face model directory
    env: envgym/Arithmetic-v0        # each stage may name its own
    env_kwargs: {difficulty: 1}
    eval: {tasks: 100, samples: 4, max_tokens: 32, scaffolds: [none, self_refine]}
    stages:
      - {name: sft, learner: sft, steps: 600, lr: 1.0e-3, settings: {examples_per_step: 32}}
      - name: rlvr
        learner: rlvr
        steps: 40
        lr: 1.0e-4
        settings: {group_size: 8}    # the learner's config (envgym learners lists them)
        train: {max_tokens: 32}      # any other TrainConfig field
        gate: {max_attrition: 0.05}  # stop the pipeline if this stage loses more pass@1 than this

``envgym pipeline run CONFIG --out DIR`` runs it. Before the first stage the starting model is
evaluated; after each stage its checkpoint is, with ``samples`` episodes per prompt, and the
stage is compared with the one before (``envgym.diagnostics``): greedy pass@1 (what ``envgym eval``
reproduces), pass@k and support from the samples, expansion, attrition,
reshaping and the stage's dominant role. ``report.json`` holds it all, ``report.md`` and
``report.html`` (with plots, ``envgym.report``) show it. Run again, it resumes: a
finished stage (its ``stage.json`` written) is skipped, an interrupted one resumes from its
checkpoint. With ``eval.scaffolds``, the final checkpoint is also evaluated bare and under each
scaffold (``eval.json``), and the handoff fidelity (bare pass@1 / scaffolded pass@1) reported.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from envgym.diagnostics import Outcomes, compare
from envgym.models import hf_policy
from envgym.errors import EnvgymError


class PipelineError(EnvgymError):
    """A pipeline config that cannot run, named with the fix."""


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
    seed: int = 0
    scaffolds: tuple[str, ...] = ()
    scaffold_kwargs: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)


GATES = {"max_attrition", "min_pass1"}


def load(path: str | Path) -> Pipeline:
    """Read and check a pipeline YAML file; errors name the stage and field."""
    import yaml

    raw = yaml.safe_load(Path(path).read_text())
    if not isinstance(raw, dict) or not raw.get("stages"):
        raise PipelineError(f"{path}: a pipeline needs a 'stages' list (see envgym.pipeline)")
    known = {"name", "model", "env", "env_kwargs", "eval", "stages", "seed"}
    unknown = sorted(set(raw) - known)
    if unknown:
        raise PipelineError(f"{path}: unknown top-level keys {unknown}; known: {sorted(known)}")
    stage_fields = {f.name for f in dataclasses.fields(Stage)}
    stages, names = [], set()
    for i, item in enumerate(raw["stages"]):
        label = f"{path}: stage {i + 1} ({item.get('name', '?')})"
        bad = sorted(set(item) - stage_fields)
        if bad:
            raise PipelineError(f"{label}: unknown keys {bad}; known: {sorted(stage_fields)}")
        for required in ("name", "learner", "steps"):
            if required not in item:
                raise PipelineError(f"{label}: '{required}' is required")
        if item["name"] in names:
            raise PipelineError(f"{label}: the name {item['name']!r} is used twice")
        names.add(item["name"])
        env = item.get("env", raw.get("env"))
        if not env:
            raise PipelineError(f"{label}: no 'env' (set one for the stage or at the top)")
        bad_gates = sorted(set(item.get("gate", {})) - GATES)
        if bad_gates:
            raise PipelineError(f"{label}: unknown gates {bad_gates}; known: {sorted(GATES)}")
        stages.append(Stage(item["name"], item["learner"], int(item["steps"]), env,
                            dict(item.get("env_kwargs", raw.get("env_kwargs", {}))), float(item.get("lr", 1e-3)),
                            dict(item.get("settings", {})), dict(item.get("train", {})), dict(item.get("gate", {}))))
    ev = dict(raw.get("eval", {}))
    return Pipeline(raw.get("name", Path(path).stem), str(raw.get("model", "tiny")), tuple(stages),
                    int(ev.get("tasks", 100)), int(ev.get("samples", 4)), int(ev.get("max_tokens", 64)),
                    ev.get("env", stages[0].env), dict(ev.get("env_kwargs", stages[0].env_kwargs)), int(raw.get("seed", 0)),
                    tuple(ev.get("scaffolds", ())), dict(ev.get("scaffold_kwargs", {})))


def run(pipeline: Pipeline, out: str | Path, progress: bool = True) -> dict[str, Any]:
    """Run (or resume) every stage; return the report (also written to ``out/report.json``)."""
    from envgym.learn.trainer import TrainConfig, Trainer

    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    report: dict[str, Any] = {"pipeline": pipeline.name, "eval": {"env": pipeline.eval_env, "tasks": pipeline.eval_tasks,
                              "samples": pipeline.eval_samples}, "stages": [], "stopped": None}
    model = pipeline.model
    previous = _evaluated(out / "start", model, pipeline, progress)
    report["start"] = previous["summary"]
    for stage in pipeline.stages:
        folder = out / stage.name
        done = folder / "stage.json"
        if done.exists():
            record = json.loads(done.read_text())
        else:
            fields = {f.name for f in dataclasses.fields(TrainConfig)}
            bad = sorted(set(stage.train) - fields)
            if bad:
                raise PipelineError(f"stage {stage.name}: 'train' has unknown TrainConfig fields {bad}")
            train = dict(stage.train)
            # training must never draw the pipeline's held-out prompts: the trainer holds out at least as many
            train["eval_tasks"] = max(int(train.get("eval_tasks", 0)), pipeline.eval_tasks)
            trainer = Trainer(TrainConfig(env=stage.env, env_kwargs=dict(stage.env_kwargs), learner=stage.learner,
                                          learner_config=dict(stage.settings) or None, model=model, steps=stage.steps,
                                          lr=stage.lr, seed=pipeline.seed, output_dir=str(folder / "train"),
                                          progress=progress, **train))
            try:
                trainer.train()
            finally:
                trainer.close()
            checkpoint = str(folder / "train" / "checkpoint")
            evaluated = _evaluated(folder / "eval", checkpoint, pipeline, progress)
            diagnostics = compare(_outcomes(previous), _outcomes(evaluated)).to_dict()
            record = {"stage": stage.name, "learner": stage.learner, "checkpoint": checkpoint,
                      **evaluated["summary"], "diagnostics": diagnostics, "outcomes": evaluated["outcomes"]}
            done.write_text(json.dumps(record, indent=2))
        report["stages"].append({k: v for k, v in record.items() if k != "outcomes"})
        previous, model = record, record["checkpoint"]
        failed = _gate(stage, record)
        if failed:
            report["stopped"] = {"stage": stage.name, "gate": failed}
            break
    if pipeline.scaffolds and not report["stopped"]:
        rows = _scaffolded(out, model, pipeline, progress)
        bare = next((r for r in rows if r["scaffold"] == "none"), None)
        report["scaffolds"] = [{"scaffold": r["scaffold"], "pass@1": r["pass_at"]["1"]} for r in rows]
        if bare is not None:
            report["handoff_fidelity"] = {r["scaffold"]: (bare["pass_at"]["1"] / r["pass_at"]["1"] if r["pass_at"]["1"] else None)
                                          for r in rows if r["scaffold"] != "none"}
    (out / "report.json").write_text(json.dumps(report, indent=2))
    from envgym.report import write_report

    write_report(out)
    return report


def _gate(stage: Stage, record: Mapping[str, Any]) -> str | None:
    d = record["diagnostics"]
    if "max_attrition" in stage.gate and -d["attrition"] > stage.gate["max_attrition"]:
        return f"attrition {-d['attrition']:.3f} > max_attrition {stage.gate['max_attrition']}"
    if "min_pass1" in stage.gate and record["pass@1"] < stage.gate["min_pass1"]:
        return f"pass@1 {record['pass@1']:.3f} < min_pass1 {stage.gate['min_pass1']}"
    return None


def _evaluated(folder: Path, model: str, pipeline: Pipeline, progress: bool) -> dict[str, Any]:
    """Evaluate a model once (cached in ``folder/eval.json``): summary and per-prompt outcomes."""
    from envgym.evaluate import evaluate

    cached = folder / "eval.json"
    if cached.exists():
        return json.loads(cached.read_text())
    policy = hf_policy(model, seed=pipeline.seed)
    result = evaluate(policy, pipeline.eval_env, tasks=pipeline.eval_tasks, samples=pipeline.eval_samples,
                      max_tokens=pipeline.eval_max_tokens, env_kwargs=pipeline.eval_env_kwargs, seed=pipeline.seed,
                      progress=progress)
    outcomes = Outcomes.from_trajectories(result.trajectories)
    greedy = evaluate(policy, pipeline.eval_env, tasks=pipeline.eval_tasks, max_tokens=pipeline.eval_max_tokens,
                      env_kwargs=pipeline.eval_env_kwargs)
    k = pipeline.eval_samples  # by prompt, as the diagnostics count (two seeds may draw the same prompt)
    record = {"summary": {"greedy_pass@1": greedy.pass_at[1], "pass@1": outcomes.pass_at(1), "pass@k": outcomes.pass_at(k), "k": k,
                          "support": len(outcomes.support), "prompts": len(outcomes.counts),
                          "mean_reward": result.mean_reward,
                          "cost_per_solved": result.to_dict()["cost_per_solved"]},
              "outcomes": {task: list(nc) for task, nc in outcomes.counts.items()}}
    folder.mkdir(parents=True, exist_ok=True)
    cached.write_text(json.dumps(record, indent=2))
    return record


def _scaffolded(out: Path, model: str, pipeline: Pipeline, progress: bool) -> list[dict[str, Any]]:
    """The final model bare and under each scaffold (``eval.json``), with the handoff fidelity."""
    from envgym.evaluate import evaluate_scaffolds

    cached = out / "eval.json"
    if cached.exists():
        return json.loads(cached.read_text())
    results = evaluate_scaffolds(hf_policy(model, seed=pipeline.seed), pipeline.eval_env, pipeline.scaffolds,
                                 pipeline.scaffold_kwargs, tasks=pipeline.eval_tasks, max_tokens=pipeline.eval_max_tokens,
                                 env_kwargs=pipeline.eval_env_kwargs, progress=progress)
    rows = [r.to_dict() for r in results]
    cached.write_text(json.dumps(rows, indent=2))
    return rows


def _outcomes(record: Mapping[str, Any]) -> Outcomes:
    return Outcomes({task: (n, c) for task, (n, c) in record["outcomes"].items()})
