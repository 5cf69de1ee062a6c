"""envgym pipeline run: stages hand their checkpoint on, each is measured, gates stop, runs resume."""

from __future__ import annotations

import json
import textwrap

import pytest

pytest.importorskip("torch")

from conftest import envgym_cli  # noqa: E402
from envgym.pipeline import PipelineError, load  # noqa: E402

CONFIG = """
name: letters
model: tiny
env: tests/Letter-v0
eval: {tasks: 6, samples: 2, max_tokens: 12, scaffolds: [none, best_of_n], scaffold_kwargs: {best_of_n: {n: 3}}}
stages:
  - {name: warm, learner: sft, steps: 3, lr: 3.0e-3, settings: {examples_per_step: 4}, train: {max_tokens: 12, eval_tasks: 2}}
  - name: rl
    learner: rlvr
    steps: 2
    settings: {prompts_per_step: 2, group_size: 2, overlong: none}
    train: {max_tokens: 12, eval_tasks: 2}
    gate: {min_pass1: GATE}
"""


def write(tmp_path, gate="0.0"):
    path = tmp_path / "pipeline.yaml"
    path.write_text(CONFIG.replace("GATE", gate))
    return path


def run(tmp_path, config, out="run"):
    return envgym_cli("-p", "envs_for_learn", "pipeline", "run", str(config), "--out", str(tmp_path / out),
                      env={"PYTHONPATH": str(__import__("pathlib").Path(__file__).parent)})


def test_stages_hand_over_checkpoints_and_are_compared(tmp_path):
    result = run(tmp_path, write(tmp_path))
    assert result.returncode == 0, result.stderr
    report = json.loads((tmp_path / "run" / "report.json").read_text())
    warm, rl = report["stages"]
    assert (warm["stage"], rl["stage"]) == ("warm", "rl") and report["stopped"] is None
    rl_config = json.loads((tmp_path / "run" / "rl" / "train" / "config.json").read_text())
    assert rl_config["model"] == warm["checkpoint"] == str(tmp_path / "run" / "warm" / "train" / "checkpoint")
    for stage, before in ((warm, report["start"]), (rl, warm)):
        d = stage["diagnostics"]
        assert d["prompts"] == stage["prompts"] == 6 and d["dominant"] == "no significant change"  # six tasks are too few
        assert d["pass1_before"] == pytest.approx(before["pass@1"]) and d["pass1_after"] == pytest.approx(stage["pass@1"])
        assert d["expansion"] + d["attrition"] + d["reshaping"] == pytest.approx(stage["pass@1"] - before["pass@1"])
        change = stage["change"]["pass@1"]  # the paired change, with its interval, is the diagnostics' change
        assert change["estimate"] == pytest.approx(stage["pass@1"] - before["pass@1"]) and change["low"] <= change["high"]
        greedy = stage["change"]["greedy_pass@1"]
        assert greedy["estimate"] == pytest.approx(stage["greedy_pass@1"] - before["greedy_pass@1"])
        low, high = stage["intervals"]["greedy_pass@1"]["low"], stage["intervals"]["greedy_pass@1"]["high"]
        assert low <= stage["greedy_pass@1"] <= high and high > 0  # Wilson's interval of k out of 6
        assert stage["trained"]["held_out"] == 0 and stage["trained"]["tasks"] > 0
    assert report["held_out"]["tasks"] == 6 and "dominant" in result.stdout and "held out: 6 distinct tasks" in result.stdout
    bare, best = json.loads((tmp_path / "run" / "eval.json").read_text())
    assert (bare["scaffold"], best["scaffold"]) == ("none", "best_of_n") and best["cost"]["model_calls"] == 3 * 6
    assert bare["pass_at"]["1"] == pytest.approx(rl["greedy_pass@1"])  # the same model, greedy, same tasks
    if best["pass_at"]["1"]:
        fidelity = report["handoff_fidelity"]["best_of_n"]
        assert fidelity["estimate"] == pytest.approx(bare["pass_at"]["1"] / best["pass_at"]["1"])
    page = (tmp_path / "run" / "report.html").read_text()
    assert page.count("data:image/png") == 4 and "Scaffolded against amortized" in page

    for stage in (warm, rl):  # each stage's accuracy is what a fresh evaluation of its checkpoint gives
        out = tmp_path / f"{stage['stage']}.json"
        check = envgym_cli("-p", "envs_for_learn", "eval", "--env", "tests/Letter-v0", "--model", stage["checkpoint"],
                           "--tasks", "6", "--max-tokens", "12", "--json", str(out),
                           env={"PYTHONPATH": str(__import__("pathlib").Path(__file__).parent)})
        assert check.returncode == 0, check.stderr
        assert json.loads(out.read_text())[0]["pass_at"]["1"] == pytest.approx(stage["greedy_pass@1"])

    again = run(tmp_path, write(tmp_path))  # resume: both stages are done, nothing retrains
    assert again.returncode == 0, again.stderr
    assert json.loads((tmp_path / "run" / "report.json").read_text())["stages"] == report["stages"]


def test_a_gate_stops_the_pipeline(tmp_path):
    result = run(tmp_path, write(tmp_path, gate="1.1"), out="gated")
    assert result.returncode == 1 and "min_pass1" in result.stderr
    report = json.loads((tmp_path / "gated" / "report.json").read_text())
    assert report["stopped"]["stage"] == "rl"


def test_config_errors_name_the_stage_and_field(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(textwrap.dedent("""
        env: tests/Letter-v0
        stages:
          - {name: a, learner: sft, steps: 1, stepz: 2}
    """))
    with pytest.raises(PipelineError, match=r"stage 1 \(a\): unknown key 'stepz' \(did you mean 'steps'\?\)"):
        load(bad)
    bad.write_text("stages:\n  - {name: a, learner: sft, steps: 1}\n")
    with pytest.raises(PipelineError, match="no 'env'"):
        load(bad)
    bad.write_text("env: envgym/Arithmetic-v0\nstages:\n  - {name: a, learner: sft, steps: 1, gate: {max_loss: 1}}\n")
    with pytest.raises(PipelineError, match="unknown gate 'max_loss'"):
        load(bad)


def test_seeds_run_the_whole_pipeline_each_and_are_aggregated(tmp_path):
    config = write(tmp_path)
    result = envgym_cli("-p", "envs_for_learn", "pipeline", "run", str(config), "--out", str(tmp_path / "seeds"),
                        "--seeds", "2", env={"PYTHONPATH": str(__import__("pathlib").Path(__file__).parent)})
    assert result.returncode == 0, result.stderr
    report = json.loads((tmp_path / "seeds" / "report.json").read_text())
    assert report["seeds"] == [0, 1] and [s["stage"] for s in report["stages"]] == ["warm", "rl"]
    runs = [json.loads((tmp_path / "seeds" / f"seed-{s}" / "report.json").read_text()) for s in (0, 1)]
    assert [r["seed"] for r in runs] == [0, 1]
    assert runs[0]["held_out"] == runs[1]["held_out"]  # the same held-out tasks for every seed
    config0 = json.loads((tmp_path / "seeds" / "seed-1" / "warm" / "train" / "config.json").read_text())
    assert config0["seed"] == 1
    for i, stage in enumerate(report["stages"]):
        values = [r["stages"][i]["pass@1"] for r in runs]
        assert stage["metrics"]["pass@1"]["estimate"] == pytest.approx(sum(values) / 2)
    claims = {(c["stage"], c["metric"]): c for c in report["claims"]}
    assert set(claims) == {(s, m) for s in ("warm", "rl") for m in ("greedy_pass@1", "pass@1")}
    assert all(not c["holds_on_every_seed"] for c in claims.values())  # six tasks: nothing is beyond noise
    text = (tmp_path / "seeds" / "report.md").read_text()
    assert "2 seeds" in text and "| 1 | rl |" in text and (tmp_path / "seeds" / "seed-0" / "report.html").exists()
    assert "no significant change" in result.stdout


def test_a_stage_trains_and_is_measured_under_its_scaffold(tmp_path):
    """A tool stage: sft on the gold answers written as calculator calls, measured under the tool loop."""
    path = tmp_path / "tools.yaml"
    path.write_text(textwrap.dedent("""
        name: tools
        model: tiny
        env: envgym/Arithmetic-v0
        env_kwargs: {difficulty: 2}
        eval: {tasks: 4, samples: 2, max_tokens: 48, scaffold_kwargs: {tool_loop: {prompt: brief, max_calls: 1}}}
        stages:
          - {name: calls, learner: sft, scaffold: tool_loop, steps: 2, settings: {examples_per_step: 4},
             train: {max_tokens: 48, eval_tasks: 4}}
          - name: bare
            learner: distill
            steps: 1
            settings: {teacher: "stage:calls", mode: off_policy, teacher_scaffold: tool_loop, prompts_per_step: 2,
                       teacher_scaffold_kwargs: {prompt: brief, max_calls: 1}}
            train: {max_tokens: 48, eval_tasks: 4}
    """))
    result = envgym_cli("pipeline", "run", str(path), "--out", str(tmp_path / "run"))
    assert result.returncode == 0, result.stderr
    calls, bare = json.loads((tmp_path / "run" / "report.json").read_text())["stages"]
    assert calls["scaffold"] == "tool_loop" and calls["before"]["scaffold"] == "tool_loop"
    assert (tmp_path / "run" / "start" / "tool_loop.json").exists() and (tmp_path / "run" / "calls" / "eval" / "tool_loop.json").exists()
    assert bare["scaffold"] == "none" and (tmp_path / "run" / "calls" / "eval" / "none.json").exists()
    rollouts = sorted((tmp_path / "run" / "bare" / "train" / "rollouts").glob("*teacher*.jsonl"))
    assert rollouts and "calculator" in rollouts[0].read_text()  # the teacher ran under the tool loop
    config = json.loads((tmp_path / "run" / "calls" / "train" / "config.json").read_text())
    assert config["scaffold"] == "tool_loop" and config["scaffold_kwargs"] == {"prompt": "brief", "max_calls": 1}
    bad = tmp_path / "bad.yaml"
    bad.write_text(path.read_text().replace("stage:calls", "stage:later"))
    with pytest.raises(PipelineError, match="names no earlier stage"):
        load(bad)
    bad.write_text(path.read_text().replace("max_tokens: 48, scaffold_kwargs:", "max_tokens: 48, scaffolds: [none, tool_loop], scaffold_stages: {tool_loop: nope}, scaffold_kwargs:"))
    with pytest.raises(PipelineError, match="is no stage"):
        load(bad)
