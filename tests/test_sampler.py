"""Task samplers: ``uniform`` draws what the trainer always drew, ``adaptive`` moves toward tasks of
intermediate difficulty, a plugin's sampler drives a pipeline stage, bad settings are refused
early, and no sampler ever hands out a held-out task."""

from __future__ import annotations

import json
import os
import textwrap
from collections import Counter
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("torch")

from conftest import envgym_cli  # noqa: E402
from envgym.errors import InputError  # noqa: E402
from envgym.heldout import EVAL_SEED_BASE  # noqa: E402
from envgym.learn.samplers import Adaptive, Uniform, make_sampler  # noqa: E402
from envgym.learn.trainer import TrainConfig, Trainer  # noqa: E402
from envgym.pipeline import PipelineError, load  # noqa: E402

ENV = "envgym/Arithmetic-v0"
MIX = {"difficulty": [1, 3]}


def trainer(tmp_path: Path, name: str, **config) -> Trainer:
    return Trainer(TrainConfig(**{"env": ENV, "learner": "rlvr", "steps": 1, "eval_tasks": 20, "progress": False,
                                  "output_dir": str(tmp_path / name), **config}))


@pytest.fixture(scope="module")
def mixed(tmp_path_factory) -> Trainer:
    """A trainer on Arithmetic levels 1 and 3 mixed, with the adaptive sampler."""
    run = trainer(tmp_path_factory.mktemp("mixed"), "run", env_kwargs=MIX, sampler="adaptive")
    yield run
    run.close()


def before_samplers(run: Trainer, step: int, n: int, stream: int = 0) -> list[int]:
    """The trainer's draws as written before samplers existed: the specification ``uniform`` keeps."""
    rng, held, out = np.random.default_rng([run.config.seed, step, 1000 + stream]), run.held_out_tasks(), []
    while len(out) < n:
        seed = int(rng.integers(0, EVAL_SEED_BASE))
        if run._task_id(seed) not in held:
            out.append(seed)
    return out


def level_share(run: Trainer, seeds: list[int], level: int) -> float:
    return sum(run.task_key(s) == f"difficulty {level}" for s in seeds) / len(seeds)


def test_uniform_is_the_default_and_draws_exactly_what_the_trainer_drew(tmp_path):
    run = trainer(tmp_path, "u", seed=3, eval_tasks=300, env_kwargs={"difficulty": 1})
    try:
        assert run.config.sampler == "uniform" and isinstance(run.sampler, Uniform)
        for step, n, stream in ((0, 16, 0), (1, 16, 0), (1, 9, 2), (7, 40, 1)):
            assert run.task_seeds(step, n, stream) == before_samplers(run, step, n, stream)
        run.sampler.update("arith-anything", [1.0, 0.0])  # outcomes do not move uniform draws
        assert run.task_seeds(1, 16) == before_samplers(run, 1, 16)
    finally:
        run.close()


def test_a_level_mixture_tags_each_task_with_its_level(mixed):
    keys = Counter(mixed.task_key(s) for s in mixed.task_seeds(0, 200))
    assert set(keys) == {"difficulty 1", "difficulty 3"} and min(keys.values()) > 50
    env = mixed.environment().unwrapped
    for seed in range(20):  # a level's task in the mixture is that level's task: it parses as one
        env.reset(seed=seed)
        operands = len(env.task.metadata["tree"].operands())
        assert operands == {"difficulty 1": 2, "difficulty 3": 3}[env.task.metadata["curriculum_key"]]


def test_a_level_mixture_passes_every_environment_check():
    import gymnasium

    from envgym.check import check_environment
    from envgym.plugins import PluginHost
    from envgym.registry import EnvSpec

    host = PluginHost(autoload=False, extra=["envgym_arithmetic.plugin"], mirror_to_gymnasium=True).load()
    host.register_env(EnvSpec("tests/ArithmeticMix-v0", "envgym_arithmetic.env:ArithmeticEnv", MIX))
    try:
        report = check_environment("tests/ArithmeticMix-v0", seeds=range(8), host=host)
    finally:
        gymnasium.envs.registry.pop("tests/ArithmeticMix-v0", None)
    assert report.ok, [item for item in report.items if not item.ok]
    with pytest.raises(ValueError, match="a list of distinct ones, got \\[1, 1\\]"):
        host.make(ENV, difficulty=[1, 1])


def test_adaptive_moves_toward_the_band_as_outcomes_come_in(mixed):
    sampler = mixed.sampler
    sampler.load_state_dict({})
    assert 0.35 < level_share(mixed, mixed.task_seeds(0, 64), 1) < 0.65  # nothing known: both levels
    # level 1 is half solved (inside 0.2-0.8), level 3 never: draws go to level 1
    for _ in range(4):
        sampler.update("difficulty 1", [1, 0, 1, 0, 0, 1, 1, 0])
        sampler.update("difficulty 3", [0] * 8)
    assert level_share(mixed, mixed.task_seeds(1, 64), 1) > 0.85
    assert sampler.metrics()["sampler_in_band"] > 0.85
    # the policy improved: level 1 always solved, level 3 half the time: draws move to level 3
    for _ in range(4):
        sampler.update("difficulty 1", [1] * 8)
        sampler.update("difficulty 3", [0, 1, 1, 0, 1, 0, 0, 1])
    assert level_share(mixed, mixed.task_seeds(2, 64), 3) > 0.85
    # the memory is its state: a sampler restored from it draws the same tasks
    restored = make_sampler("adaptive")
    restored.load_state_dict(json.loads(json.dumps(sampler.state_dict())))
    assert restored.seeds(mixed, 5, 32) == sampler.seeds(mixed, 5, 32)


def test_adaptive_keeps_exploring_levels_outside_the_band():
    class Source:  # three keys by seed, every seed allowed
        def candidates(self, step, stream=0):
            return iter(range(step * 10_000, (step + 1) * 10_000))

        def task_key(self, seed):
            return ("easy", "hard", "mid")[seed % 3]

        def rng(self, step, stream=0):
            return np.random.default_rng([0, step, stream])

    sampler = Adaptive(low=0.2, high=0.8, explore=0.05)
    sampler.update("easy", [1.0] * 32)
    sampler.update("hard", [0.0] * 32)
    sampler.update("mid", [0.5] * 32)
    drawn = Counter(Source().task_key(s) for step in range(20) for s in sampler.seeds(Source(), step, 50))
    assert drawn["mid"] > 800 and 0 < drawn["easy"] < 100 and 0 < drawn["hard"] < 100


def test_the_trainer_tells_the_sampler_each_scored_group(tmp_path):
    run = trainer(tmp_path, "r", env_kwargs=MIX, sampler="adaptive", max_tokens=8,
                  learner_config={"prompts_per_step": 3, "group_size": 2, "max_sampling_rounds": 1})
    try:
        told: list[tuple[str, list[float]]] = []
        update = run.sampler.update
        run.sampler.update = lambda key, rewards: (told.append((key, list(rewards))), update(key, rewards))
        seeds = run.task_seeds(0, 3)
        run.train_step()
        assert [key for key, _ in told] == [run.task_key(s) for s in seeds]
        assert all(len(rewards) == 2 for _, rewards in told)
        checkpoint = run.save_checkpoint()
        import torch

        assert torch.load(checkpoint / "trainer.pt", weights_only=False)["sampler"] == run.sampler.state_dict()
    finally:
        run.close()


@pytest.mark.parametrize("sampler", ["uniform", "adaptive"])
def test_no_sampler_hands_out_a_held_out_task(tmp_path, sampler):
    run = trainer(tmp_path, sampler, eval_tasks=300, env_kwargs={"difficulty": 1}, sampler=sampler)
    try:
        held = run.held_out_tasks()
        # held-out tasks reported inside the band (they would be favoured if they could be drawn)
        for task in held:
            run.sampler.update(task, [1.0, 0.0])
        drawn = {run._task_id(s) for step in range(30) for s in run.task_seeds(step, 32)}
        assert drawn and not drawn & held and len(drawn) > 300
    finally:
        run.close()


PLUGIN = '''
import itertools, json

from envgym import hookimpl
from envgym.learn.samplers import Uniform
from envgym.registry import ComponentSpec


class EvenSeeds(Uniform):
    """Only even seeds; writes each outcome it is told to a file."""

    def __init__(self, log: str) -> None:
        self.log = log

    def seeds(self, source, step, n, stream=0):
        return list(itertools.islice((s for s in source.candidates(step, stream) if s % 2 == 0), n))

    def update(self, task_key, rewards):
        with open(self.log, "a") as f:
            f.write(json.dumps([task_key, list(rewards)]) + "\\n")


@hookimpl
def envgym_samplers():
    return [ComponentSpec("even", "even_sampler:EvenSeeds", "even seeds only (tests)")]
'''


def test_a_plugin_sampler_registered_through_the_hook_drives_a_stage(tmp_path):
    (tmp_path / "even_sampler.py").write_text(PLUGIN)
    log = tmp_path / "told.jsonl"
    config = tmp_path / "pipeline.yaml"
    config.write_text(textwrap.dedent(f"""
        name: even
        model: tiny
        env: tests/Letter-v0
        eval: {{tasks: 4, samples: 1, max_tokens: 8}}
        stages:
          - name: rl
            learner: rlvr
            steps: 2
            sampler: even
            sampler_kwargs: {{log: {str(log)!r}}}
            settings: {{prompts_per_step: 3, group_size: 2, max_sampling_rounds: 1, overlong: none}}
            train: {{max_tokens: 8, eval_tasks: 2}}
        """))
    # the tests' environments, the plugin, and this checkout's envgym (the path the tests run with)
    path = os.pathsep.join([str(Path(__file__).parent), str(tmp_path), os.environ.get("PYTHONPATH", "")])
    result = envgym_cli("-p", "envs_for_learn", "-p", "even_sampler", "pipeline", "run", str(config),
                        "--out", str(tmp_path / "run"), env={"PYTHONPATH": path})
    assert result.returncode == 0, result.stderr
    train = tmp_path / "run" / "rl" / "train"
    assert json.loads((train / "config.json").read_text())["sampler"] == "even"
    seeds = [json.loads(line)["seed"] for path in sorted((train / "rollouts").glob("*.jsonl"))
             for line in path.read_text().splitlines()]
    assert len(seeds) == 2 * 3 * 2 and all(seed % 2 == 0 for seed in seeds)
    told = [json.loads(line) for line in log.read_text().splitlines()]
    assert len(told) == 2 * 3 and all(key.startswith("letter-") and len(r) == 2 for key, r in told)


@pytest.mark.parametrize(("stage", "message"), [
    ("sampler: adaptiv", r"stage 1 \(rl\): sampler: no sampler registered as 'adaptiv'; did you mean 'adaptive'"),
    ("sampler: adaptive\n    sampler_kwargs: {lo: 0.2}",
     r"stage 1 \(rl\): sampler adaptive: unknown setting 'lo' \(did you mean 'low'\?\)"),
    ("sampler: adaptive\n    sampler_kwargs: {low: 0.9, high: 0.5}",
     r"stage 1 \(rl\): sampler adaptive: adaptive sampler: the band needs 0 <= low < high <= 1"),
    ("sampler: adaptive\n    sampler_kwargs: {window: many}", r"sampler adaptive setting window must be an integer, got 'many'"),
    ("sampler_kwargs: {low: 0.2}", r"sampler uniform: unknown setting 'low'; known settings: \(none\)"),
    ("sampler_kwargs: [0.2, 0.8]", r"stage 1 \(rl\): sampler_kwargs must be a mapping like \{low: 0.2, high: 0.8\}"),
    ("train: {sampler: adaptive}", r"stage 1 \(rl\): train.sampler is set by the stage's sampler:, not under train:"),
])
def test_sampler_mistakes_in_a_pipeline_file_name_the_stage_and_field(tmp_path, stage, message):
    bad = tmp_path / "bad.yaml"
    bad.write_text(f"env: {ENV}\nstages:\n  - name: rl\n    learner: rlvr\n    steps: 1\n    {stage}\n")
    with pytest.raises(PipelineError, match=message):
        load(bad)


def test_a_stage_sampler_is_loaded_with_its_settings(tmp_path):
    good = tmp_path / "good.yaml"
    good.write_text(f"env: {ENV}\nenv_kwargs: {{difficulty: [1, 3]}}\nstages:\n"
                    "  - {name: rl, learner: rlvr, steps: 1, sampler: adaptive, sampler_kwargs: {low: 0.1, window: 16}}\n")
    (stage,) = load(good).stages
    assert (stage.sampler, dict(stage.sampler_kwargs)) == ("adaptive", {"low": 0.1, "window": 16})


@pytest.mark.parametrize(("args", "fragment"), [
    (["--sampler", "curriculum"], "--sampler: no sampler registered as 'curriculum'"),
    (["--sampler", "adaptive", "--sampler-kw", "hig=0.5"], "--sampler adaptive: unknown setting 'hig' (did you mean 'high'?)"),
    (["--sampler", "adaptive", "--sampler-kw", "explore=0"], "--sampler adaptive: adaptive sampler: explore must be in (0, 1]"),
    (["--opt", "sampler=adaptive"], "--opt: unknown field 'sampler'"),
])
def test_sampler_mistakes_on_the_command_line_are_one_line(tmp_path, args, fragment):
    from test_cli_validation import refused

    refused(["train", "--env", ENV, "--out", str(tmp_path / "out"), *args], fragment)
    assert not (tmp_path / "out").exists()


def test_validate_sampler_returns_checked_settings():
    from envgym import validate

    assert validate.sampler("adaptive", {"low": 0, "high": 1}, "x") == ("adaptive", {"low": 0.0, "high": 1.0})
    with pytest.raises(InputError, match="x: sampler must be a sampler name"):
        validate.sampler(3, {}, "x: sampler")
