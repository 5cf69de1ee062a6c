"""Careless and hostile input to every command and pipeline field: one line on stderr that names the
field or place (and the nearest valid name for a misspelled one), exit code 2, no traceback, and
nothing started (no model loaded, no run folder written)."""

from __future__ import annotations

import textwrap

import pytest
from typer.testing import CliRunner

from envgym.cli import app

pytest.importorskip("torch")

runner = CliRunner()
ENV = "envgym/Arithmetic-v0"


def refused(args: list[str], *fragments: str) -> str:
    result = runner.invoke(app, args)
    text = result.stderr
    assert result.exit_code == 2, (args, result.exit_code, result.output)
    assert "Traceback" not in result.output and result.exception is None or isinstance(result.exception, SystemExit)
    assert text.startswith("error: ") and text.count("\n") == 1, text  # one line
    for fragment in fragments:
        assert fragment in text, (fragment, text)
    return text


@pytest.mark.parametrize(("args", "fragments"), [
    (["train", "--env", ENV, "--kw", "difficulty=99"], ["--kw", ENV, "difficulty=99", "must be one of"]),
    (["train", "--env", ENV, "--kw", "dificulty=2"], ["--kw", "'dificulty'", "did you mean 'difficulty'"]),
    (["train", "--env", ENV, "--set", "group_size=abc"], ["--set group_size must be an integer, got 'abc'"]),
    (["train", "--env", ENV, "--set", "group_size=0"], ["group_size must be at least 1"]),
    (["train", "--env", ENV, "--set", "grup_size=2"], ["--set", "'grup_size'", "did you mean 'group_size'"]),
    (["train", "--env", ENV, "--set", "overlong=maybe"], ["--set overlong must be one of 'mask', 'none'"]),
    (["train", "--env", ENV, "--learner", "sft", "--set", "examples_per_step=1.5"], ["examples_per_step must be an integer"]),
    (["train", "--env", ENV, "--opt", "max_tokens=lots"], ["--opt max_tokens must be an integer, got 'lots'"]),
    (["train", "--env", ENV, "--opt", "max_tokns=3"], ["--opt", "did you mean 'max_tokens'"]),
    (["train", "--env", ENV, "--opt", "precision=fp16"], ["--opt precision must be one of 'fp32', 'bf16'"]),
    (["train", "--env", ENV, "--opt", "top_p=2"], ["TrainConfig.top_p"]),
    (["train", "--env", ENV, "--opt", "steps=3"], ["--opt", "'steps'"]),  # it has its own flag
    (["train", "--env", ENV, "--opt", "loss={\"kl_coef\": \"x\"}"], ["--opt loss.kl_coef must be a number"]),
    (["train", "--env", ENV, "--opt", "noequals"], ["--opt takes KEY=VALUE"]),
    (["train", "--env", ENV, "--seed", "-1"], ["'--seed'"]),
    (["train", "--env", ENV, "--steps", "0"], ["'--steps'"]),
    (["train", "--env", ENV, "--lr", "fast"], ["'--lr'"]),
    (["train", "--env", ENV, "--learner", "rlvx"], ["--learner", "did you mean 'rlvr'"]),
    (["train", "--env", ENV, "--policy", "vlm"], ["--policy must be one of 'hf', 'vllm'"]),
    (["train", "--env", ENV, "--model", "/no/such/model"], ["--model", "/no/such/model"]),
    (["train", "--env", "envgym/Arithmetc-v0"], ["--env", "did you mean 'envgym/Arithmetic-v0'"]),
    (["train"], ["Missing option '--env'"]),
    (["eval", "--env", ENV, "--tasks", "-5"], ["'--tasks'"]),
    (["eval", "--env", ENV, "--samples", "0"], ["'--samples'"]),
    (["eval", "--env", ENV, "--scaffold", "best_of_m"], ["--scaffold", "did you mean 'best_of_n'"]),
    (["eval", "--env", ENV, "--scaffold", "best_of_n", "--scaffold-kw", "best_of_n.n=abc"], ["best_of_n.n must be an integer"]),
    (["eval", "--env", ENV, "--scaffold", "best_of_n", "--scaffold-kw", "best_of_n.m=3"], ["unknown option 'm'"]),
    (["eval", "--env", ENV, "--scaffold-kw", "best_of_n.n=3"], ["'best_of_n' is not a --scaffold of this run"]),
    (["eval", "--env", ENV, "--scaffold-kw", "nodot"], ["--scaffold-kw takes SCAFFOLD.KEY=VALUE"]),
    (["eval", "--env", ENV, "--policy", "openia"], ["--policy must be hf, vllm or openai", "did you mean 'openai'"]),
    (["eval", "--env", ENV, "--policy", "openai"], ["--policy openai needs --base-url"]),
    (["eval", "--env", ENV, "--policy", "openai", "--base-url", "localhost:8000"], ["--base-url must be an http(s) URL"]),
    (["eval", "--env", ENV, "--tokenizer", "x"], ["are for --policy openai"]),
    (["eval", "--env", ENV, "--kw", "difficulty=0"], ["--kw", ENV, "difficulty=0"]),
    (["run", ENV, "--seed", "-1"], ["'--seed'"]),
    (["run", ENV, "--episodes", "0"], ["'--episodes'"]),
    (["run", ENV, "--kw", "difficulty=99"], ["--kw", "difficulty=99"]),
    (["run", ENV, "--policy", "gold"], ["--policy must be one of"]),
    (["check", ENV, "--seeds", "0"], ["'--seeds'"]),
    (["check", "envgym/Nope-v0"], ["no environment registered as 'envgym/Nope-v0'"]),
    (["info", ENV, "--kw", "difficulty=abc"], [f"--kw: {ENV} option difficulty must be an integer or a list, got 'abc'"]),
    (["info", ENV, "--kw", "dificulty=2"], ["did you mean 'difficulty'"]),
    (["new", "Bad Name!"], ["Bad Name!"]),
    (["pipeline", "run", "examples/arithmetic.yaml", "--seeds", "0"], ["'--seeds'"]),
    (["pipeline", "run", "no-such-file.yaml"], ["no such pipeline file"]),
    (["pipeline", "run", "examples"], ["is a folder"]),
    (["train", "--env", ENV, "--bogus"], ["No such option: --bogus"]),
])
def test_bad_command_line_values_are_one_line_naming_the_field(args, fragments):
    refused(args, *fragments)


def test_paths_that_cannot_be_written_are_refused_first(tmp_path):
    a_file = tmp_path / "file"
    a_file.write_text("x")
    refused(["train", "--env", ENV, "--out", str(a_file)], "--out", "is a file")
    refused(["pipeline", "run", "examples/arithmetic.yaml", "--out", str(a_file / "under")], "--out", "is a file")
    refused(["new", "word-games", "--dir", str(a_file)], "--dir", "is a file")
    text = refused(["eval", "--env", ENV, "--json", str(tmp_path)], "--json", "is a folder")
    assert "results.json" in text  # the fix


BASE = "env: envgym/Arithmetic-v0\n"
STAGE = "{name: a, learner: rlvr, steps: 1}"


@pytest.mark.parametrize(("text", "fragments"), [
    ("stages: [ {name: a\n", ["not valid YAML at line 2"]),
    (BASE + "stages:\n\t- {name: a, learner: sft, steps: 1}\n", ["line 3", "indent with spaces, not tabs"]),
    ("", ["needs a 'stages' list"]),
    ("- just\n- a list\n", ["the file must be a mapping"]),
    (BASE + "stages: sft\n", ["'stages' must be a list"]),
    (BASE + "stages: {name: a}\n", ["'stages' must be a list"]),
    (BASE + "stages: [5]\n", ["stage 1 must be a mapping", "got 5"]),
    (BASE + "stages: []\n", ["'stages' must be a list"]),
    (BASE + f"stage: []\nstages: [{STAGE}]\n", ["top level: unknown key 'stage'", "did you mean 'stages'"]),
    (BASE + f"eval: {{tasks: -3}}\nstages: [{STAGE}]\n", ["eval.tasks must be at least 1, got -3"]),
    (BASE + f"eval: {{taks: 3}}\nstages: [{STAGE}]\n", ["eval: unknown key 'taks'", "did you mean 'tasks'"]),
    (BASE + f"eval: [1, 2]\nstages: [{STAGE}]\n", ["eval must be a mapping"]),
    (BASE + f"eval: {{samples: two}}\nstages: [{STAGE}]\n", ["eval.samples must be an integer, got 'two'"]),
    (BASE + f"eval: {{scaffolds: [best_of_m]}}\nstages: [{STAGE}]\n", ["eval.scaffolds[0]", "did you mean 'best_of_n'"]),
    (BASE + f"eval: {{scaffolds: [best_of_n], scaffold_kwargs: {{best_of_n: {{m: 3}}}}}}\nstages: [{STAGE}]\n",
     ["eval.scaffold_kwargs.best_of_n: unknown option 'm'"]),
    (BASE + f"eval: {{env_kwargs: {{difficulty: 9}}}}\nstages: [{STAGE}]\n", ["eval.env", "difficulty=9"]),
    (BASE + "stages: [{name: a, learner: sft, steps: ten}]\n", ["stage 1 (a): steps must be an integer, got 'ten'"]),
    (BASE + "stages: [{name: a, learner: sft, steps: 0}]\n", ["stage 1 (a): steps must be at least 1"]),
    (BASE + "stages: [{name: a, learner: sft, steps: 1, lr: fast}]\n", ["stage 1 (a): lr must be a number, got 'fast'"]),
    (BASE + "stages: [{name: a, learner: sft, steps: 1, stepz: 1}]\n", ["unknown key 'stepz'", "did you mean 'steps'"]),
    (BASE + "stages: [{name: a, learner: sft, steps: 1}, {name: b, learner: rlvx, steps: 1}]\n",
     ["stage 2 (b): learner", "did you mean 'rlvr'"]),
    (BASE + "stages: [{name: a, learner: sft, steps: 1}, {name: b, learner: rlvr, steps: 1, scaffold: tool_lop}]\n",
     ["stage 2 (b): scaffold", "did you mean 'tool_loop'"]),
    (BASE + "stages: [{name: a, learner: rlvr, steps: 1, settings: {grup_size: 2}}]\n",
     ["stage 1 (a): settings: unknown field 'grup_size'", "did you mean 'group_size'"]),
    (BASE + "stages: [{name: a, learner: rlvr, steps: 1, settings: {group_size: abc}}]\n",
     ["stage 1 (a): settings.group_size must be an integer"]),
    (BASE + "stages: [{name: a, learner: rlvr, steps: 1, settings: {group_size: 0}}]\n", ["group_size must be at least 1"]),
    (BASE + "stages: [{name: a, learner: rlvr, steps: 1, settings: [1]}]\n", ["stage 1 (a): settings must be a mapping"]),
    (BASE + "stages: [{name: a, learner: rlvr, steps: 1, train: {max_token: 2}}]\n", ["did you mean 'max_tokens'"]),
    (BASE + "stages: [{name: a, learner: rlvr, steps: 1, train: {precision: fp16}}]\n", ["train.precision must be one of"]),
    (BASE + "stages: [{name: a, learner: rlvr, steps: 1, train: {steps: 3}}]\n", ["train.steps is set by the stage's steps:"]),
    (BASE + "stages: [{name: a, learner: rlvr, steps: 1, train: {loss: {kl_coef: x}}}]\n", ["train.loss.kl_coef must be a number"]),
    (BASE + "stages: [{name: a, learner: rlvr, steps: 1, gate: {min_pass1: high}}]\n", ["gate.min_pass1 must be a number"]),
    (BASE + "stages: [{name: a, learner: rlvr, steps: 1, gate: {max_loss: 1}}]\n", ["unknown gate 'max_loss'"]),
    (BASE + "env_kwargs: {difficulty: 99}\nstages: [{name: a, learner: rlvr, steps: 1}]\n", [ENV, "refused difficulty=99"]),
    (BASE + "stages: [{name: a, learner: rlvr, steps: 1, env_kwargs: {dificulty: 2}}]\n", ["did you mean 'difficulty'"]),
    ("env: 5\nstages: [{name: a, learner: rlvr, steps: 1}]\n", ["stage 1 (a): env must be an environment id"]),
    (BASE + "seed: -1\nstages: [{name: a, learner: rlvr, steps: 1}]\n", ["seed must be 0 or more"]),
    (BASE + "seeds: [0, 0]\nstages: [{name: a, learner: rlvr, steps: 1}]\n", ["'seeds' must be a list of distinct"]),
    (BASE + "model: /no/model\nstages: [{name: a, learner: rlvr, steps: 1}]\n", ["model: '/no/model' is no model directory"]),
    (BASE + "stages: [{name: start, learner: rlvr, steps: 1}]\n", ["name 'start' cannot be a run folder"]),
    (BASE + "stages: [{name: a, learner: distill, steps: 1, settings: {teacher: 'stage:b'}}]\n", ["names no earlier stage"]),
])
def test_bad_pipeline_files_are_one_line_naming_the_place(tmp_path, text, fragments):
    config = tmp_path / "p.yaml"
    config.write_text(text)
    out = tmp_path / "run"
    message = refused(["pipeline", "run", str(config), "--out", str(out)], str(config), *fragments)
    assert not out.exists(), message  # refused before any stage or measurement started


def test_a_valid_file_with_train_progress_false_runs(tmp_path):
    config = tmp_path / "p.yaml"
    config.write_text(textwrap.dedent("""
        env: envgym/Arithmetic-v0
        eval: {tasks: 2, samples: 1, max_tokens: 4}
        stages: [{name: a, learner: sft, steps: 1, settings: {examples_per_step: 2},
                  train: {progress: false, eval_tasks: 2, max_tokens: 4}}]
    """))
    result = runner.invoke(app, ["pipeline", "run", str(config), "--out", str(tmp_path / "run")])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "run" / "a" / "stage.json").exists()


def test_values_are_checked_against_field_types():
    from typing import Literal, Optional

    from envgym import validate
    from envgym.errors import InputError

    assert validate.value(3, float, "x") == 3.0 and isinstance(validate.value(3, float, "x"), float)
    assert validate.value("1e-3", float, "lr") == 1e-3  # YAML 1.1 reads 1e-3 as text
    assert validate.value(None, Optional[int], "x") is None and validate.value(2, Optional[int], "x") == 2
    for given, annotation, message in [(True, int, "x must be an integer, got True"),
                                       (1, bool, "x must be true or false, got 1"),
                                       ("a", Literal["b", "c"], "x must be one of 'b', 'c', got 'a'"),
                                       ("a", Optional[int], "x must be an integer or null, got 'a'"),
                                       ([1], dict, "x must be a mapping like {key: value}, got list [1]")]:
        with pytest.raises(InputError) as caught:
            validate.value(given, annotation, "x")
        assert str(caught.value) == message


def test_learner_configs_and_train_config_check_their_ranges():
    from envgym.learn.learners import DistillConfig, GuidedConfig, RefineConfig, RLVRConfig, SFTConfig
    from envgym.learn.trainer import TrainConfig

    for cls, field in [(SFTConfig, "examples_per_step"), (RLVRConfig, "group_size"), (GuidedConfig, "prompts_per_step"),
                       (RefineConfig, "group_size"), (DistillConfig, "samples_per_prompt")]:
        with pytest.raises(ValueError, match=f"{cls.__name__}.{field} must be at least 1"):
            cls(**{field: 0})
    with pytest.raises(ValueError, match="unknown advantage estimator 'grop'"):
        RLVRConfig(advantage="grop")
    for field, bad in [("seed", -1), ("lr", 0.0), ("top_p", 0.0), ("temperature", -1.0), ("env_threads", 0)]:
        with pytest.raises(ValueError, match=f"TrainConfig.{field}"):
            TrainConfig(env=ENV, **{field: bad})
