"""Smoke runs of the shipped pipelines (examples/*.yaml), scaled down: every stage, every measurement,
the report. `make demo` and `make demo-tools` run them at full size."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

pytest.importorskip("torch")

from envgym import pipeline  # noqa: E402

EXAMPLES = Path(__file__).parent.parent / "examples"


def scaled(spec: pipeline.Pipeline, steps: int = 2) -> pipeline.Pipeline:
    """The same stages, learners, scaffolds and settings, with a few steps, tasks and samples."""
    stages = []
    for stage in spec.stages:
        settings = dict(stage.settings)
        for key in ("examples_per_step", "prompts_per_step"):
            if key in settings:
                settings[key] = 4
        train = {**stage.train, "eval_tasks": 6, "eval_every": 0}
        stages.append(dataclasses.replace(stage, steps=steps, settings=settings, train=train))
    return dataclasses.replace(spec, stages=tuple(stages), eval_tasks=6, eval_samples=2, seeds=spec.seeds[:1])


@pytest.mark.parametrize("path", sorted(EXAMPLES.glob("*.yaml")), ids=lambda p: p.name)
def test_every_example_pipeline_loads(path):
    spec = pipeline.load(path)
    assert spec.stages and spec.eval_tasks >= 100


def test_the_demo_runs_end_to_end(tmp_path):
    spec = pipeline.load(EXAMPLES / "demo.yaml")
    assert len(spec.seeds) >= 3  # the demo's claims are checked on every seed
    report = pipeline.run(scaled(spec), tmp_path, progress=False)
    assert [s.stage for s in report.stages] == [s.name for s in spec.stages]
    assert {r.scaffold for r in report.scaffolds} == set(spec.scaffolds)
    assert (tmp_path / "report.html").exists()


def test_the_tool_use_demo_runs_end_to_end(tmp_path):
    spec = pipeline.load(EXAMPLES / "tools.yaml")
    assert [s.scaffold for s in spec.stages] == ["tool_loop", "tool_loop", "none"]
    report = pipeline.run(scaled(spec), tmp_path, progress=False)
    tool_sft, tool_rlvr, consolidate = report.stages
    assert tool_sft.scaffold == tool_rlvr.scaffold == "tool_loop" and consolidate.scaffold == "none"
    rows = {r["scaffold"]: r for r in json.loads((tmp_path / "eval.json").read_text())}
    assert set(rows) == {"none", "tool_loop"}
    # the teacher under its scaffold against the consolidated policy bare (eval.scaffold_stages)
    assert (rows["tool_loop"]["stage"], rows["none"]["stage"]) == ("tool-rlvr", "consolidate")
    # the tool loop pays for its calls: more model calls per episode than the bare policy
    assert rows["tool_loop"]["cost"]["model_calls"] >= rows["none"]["cost"]["model_calls"]
    teacher = sorted((tmp_path / "consolidate" / "train" / "rollouts").glob("*teacher*.jsonl"))
    assert teacher, "the consolidation stage sampled its teacher under the tool loop"
    text = (tmp_path / "report.md").read_text()
    assert "Scaffolded against amortized" in text and "tool_loop" in text
