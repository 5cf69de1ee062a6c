"""`envgym rescore`: a planted verifier bug found exactly, multi-turn replays, refusals, old stores.

The acceptance test trains the tiny model for a few RLVR steps against a verifier with a planted
false positive (it also accepts the letter after the one asked for), then rescores the run's
stored rollouts with the fixed verifier through the real command. The flips it must report are
worked out here from the stored answers alone: exactly those, none else, and for each training
step the share of its trained samples they make up.
"""

from __future__ import annotations

import dataclasses
import json
import os
import re
from pathlib import Path

import pytest

torch = pytest.importorskip("torch")

import envgym  # noqa: E402
import envs_for_rescore as plugin  # noqa: E402
from conftest import envgym_cli  # noqa: E402
from envgym.models import build_tokenizer  # noqa: E402
from envgym.policy.base import SamplingParams  # noqa: E402
from envgym.rescore import NotReplayable, Rescorer, rescore  # noqa: E402
from envgym.errors import InputError  # noqa: E402
from envgym.rollout.collector import RolloutConfig, collect  # noqa: E402
from envgym.rollout.store import TrajectoryStore, trajectory_key  # noqa: E402
from envgym.versions import fingerprints  # noqa: E402
from scripted import ScriptedPolicy  # noqa: E402

TESTS = Path(__file__).parent
ENV = {"PYTHONPATH": os.pathsep.join(filter(None, [str(TESTS), os.environ.get("PYTHONPATH")]))}  # this checkout first
GUESS = "envgym/GuessNumber-v0"
TRAIN = ["-p", "envs_for_rescore", "train", "--env", plugin.LETTER_CHECK, "--learner", "rlvr", "--steps", "3",
         "--lr", "3e-3", "--set", "prompts_per_step=4", "--set", "group_size=4",
         "--opt", "max_tokens=16", "--opt", "eval_tasks=4", "--opt", "progress=false"]


@pytest.fixture(scope="module", autouse=True)
def registered():
    host = envgym.host()
    for spec in plugin.envgym_verifiers():
        if spec.name not in host.components["verifier"]:
            host.components["verifier"].add(spec)
    for spec in plugin.envgym_environments():
        if spec.id not in envgym.list_envs():
            envgym.register(spec.id, spec.entry_point)


@pytest.fixture(scope="module")
def run(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("rescore") / "run"
    trained = envgym_cli(*TRAIN, "--out", str(out), env=ENV)
    assert trained.returncode == 0, trained.stderr
    return out


def test_planted_false_positive_is_found_exactly_with_the_steps_that_trained_on_it(run):
    stores = sorted((run / "rollouts").glob("step-*.jsonl"))
    before = {p: p.read_bytes() for p in stores}
    expected = []  # the planted false positive, worked out from the stored answers alone
    for path in stores:
        for t in TrajectoryStore(path):
            letter = t.task_id.split("-")[1]
            assert t.provenance.verifier.name == "letter-buggy" and t.provenance.verifier.version == "1.0"
            if plugin.planted(t.turns[-1].text, letter):
                assert t.correct and t.reward == 1.0  # the bug paid it
                expected.append(f"{path.name}:{trajectory_key(t)}")
    assert expected, "the run never met the planted false positive: the test would prove nothing"

    done = envgym_cli("-p", "envs_for_rescore", "rescore", str(run), "--verifier", "letter-fixed",
                      env=ENV)
    assert done.returncode == 0, done.stderr
    assert {p: p.read_bytes() for p in stores} == before  # the old stores are untouched
    [folder] = run.glob("rescored-*")
    impact = json.loads((folder / "impact.json").read_text())
    assert impact["flipped"] == {"lost": expected, "gained": []}
    assert (impact["lost"], impact["gained"], impact["reward_changed"]) == (len(expected), 0, 0)

    new = [t for p in sorted((folder / "rollouts").glob("*.jsonl")) for t in TrajectoryStore(p)]
    assert len(new) == sum(len(list(TrajectoryStore(p))) for p in stores)
    assert {(t.provenance.verifier.name, t.provenance.verifier.version) for t in new} == {("letter-fixed", "1.1")}

    lost = set(expected)
    trained = [json.loads(line) for line in (run / "trained.jsonl").read_text().splitlines()]
    steps = {s["step"]: s for s in impact["steps"]}
    assert sorted(steps) == [r["step"] for r in trained] == [1, 2, 3]
    hit = []
    for record in trained:
        files = [p.name for p in stores if p.name.startswith(f"step-{record['step'] - 1:06d}-")]
        flipped = [k for k in record["keys"] if any(f"{f}:{k}" in lost for f in files)]
        assert steps[record["step"]]["changed"] == steps[record["step"]]["lost"] == len(flipped)
        assert steps[record["step"]]["share"] == pytest.approx(len(flipped) / len(record["keys"]))
        if flipped:
            hit.append(record["step"])
    assert hit, "no training step consumed a planted flip"
    printed = re.findall(r"step (\d+) \(", done.stdout)
    assert [int(s) for s in printed] == hit
    assert "Training steps" in (folder / "impact.md").read_text()
    assert (folder / "impact.html").read_text().startswith("<!doctype html>")


def test_the_same_verifier_again_changes_nothing(run, tmp_path):
    store = sorted((run / "rollouts").glob("step-*.jsonl"))[0]
    done = rescore(store, Rescorer(verifier="letter-buggy"), out=tmp_path / "again.jsonl", progress=False)
    assert (done.impact.lost, done.impact.gained, done.impact.reward_changed) == (0, 0, 0)
    assert done.impact.trajectories == len(list(TrajectoryStore(store))) > 0
    assert [p.name for p in done.reports] == ["again.impact.md", "again.impact.html", "again.impact.json"]


# ---- multi-turn replay ---------------------------------------------------------------------------


def a_sixth_of_the_way(prompt: str, call: int) -> str:
    """A GuessNumber player that narrows the range by replies but guesses a sixth of the way in:
    it wins some games within eight turns and loses others, with shaped rewards on the way."""
    lo, hi = 1, 100
    for word, n in re.findall(r"(Higher|Lower): my number is \w+ (?:than) (\d+)", prompt):
        lo, hi = (max(lo, int(n) + 1), hi) if word == "Higher" else (lo, min(hi, int(n) - 1))
    return f"I guess \\boxed{{{lo + (hi - lo) // 6}}}"


@pytest.fixture(scope="module")
def guesses(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("guess") / "guess.jsonl"
    policy = ScriptedPolicy(build_tokenizer(), a_sixth_of_the_way)
    config = RolloutConfig(group_size=1, sampling=SamplingParams(max_tokens=16), max_context_tokens=4096)
    collect(GUESS, policy, seeds=list(range(8)), config=config, store=TrajectoryStore(path))
    return path


def test_multi_turn_replay_in_the_same_environment_reproduces_every_turn(guesses, tmp_path):
    old = list(TrajectoryStore(guesses))
    assert all(len(t.turns) > 1 for t in old) and {t.correct for t in old} == {True, False}
    done = rescore(guesses, Rescorer(env_id=GUESS), out=tmp_path / "same.jsonl", progress=False)
    new = list(TrajectoryStore(tmp_path / "same.jsonl"))
    assert [[u.reward for u in t.turns] for t in new] == [[u.reward for u in t.turns] for t in old]
    assert (done.impact.lost, done.impact.gained, done.impact.reward_changed) == (0, 0, 0)


def test_a_new_environment_version_rescores_every_turn(guesses, tmp_path):
    old = list(TrajectoryStore(guesses))
    assert any(0 < u.reward < 1 for t in old for u in t.turns)  # shaped rewards the new version drops
    done = rescore(guesses, Rescorer(env_id=plugin.OUTCOME), out=tmp_path / "outcome.jsonl", progress=False)
    new = list(TrajectoryStore(tmp_path / "outcome.jsonl"))
    assert [[u.reward if u.verdict.correct else 0.0 for u in t.turns] for t in old] == \
        [[u.reward for u in t.turns] for t in new]
    assert [t.correct for t in new] == [t.correct for t in old]
    assert {t.provenance.env.name for t in new} == {plugin.OUTCOME}
    assert done.impact.lost == done.impact.gained == 0
    assert done.impact.reward_changed == sum(1 for t in old if not t.correct and t.reward > 0)


def test_options_that_change_the_tasks_are_refused(guesses, tmp_path):
    with pytest.raises(NotReplayable, match="now gives task"):
        rescore(guesses, Rescorer(env_kwargs={"high": 50}), out=tmp_path / "x.jsonl", progress=False)
    assert not (tmp_path / "x.jsonl").exists()


def test_an_episode_without_a_seed_is_refused(guesses, tmp_path):
    seedless = tmp_path / "seedless.jsonl"
    TrajectoryStore(seedless).append([dataclasses.replace(t, seed=None) for t in TrajectoryStore(guesses)])
    with pytest.raises(NotReplayable, match="without a seed"):
        rescore(seedless, Rescorer(env_id=GUESS), progress=False)
    assert list(tmp_path.glob("*rescored*")) == []


def test_an_environment_that_does_not_replay_is_refused_with_the_reason(tmp_path):
    store = tmp_path / "moody.jsonl"
    policy = ScriptedPolicy(build_tokenizer(), lambda prompt, call: "maybe")
    collect(plugin.MOODY, policy, seeds=[0, 1], config=RolloutConfig(sampling=SamplingParams(max_tokens=8)),
            store=TrajectoryStore(store))
    assert all(len(t.turns) == 2 for t in TrajectoryStore(store))
    done = envgym_cli("-p", "envs_for_rescore", "rescore", str(store), "--env", plugin.MOODY,
                      env=ENV)
    assert done.returncode == 2
    assert "turn 1: the replay answered" in done.stderr and "does not replay deterministically" in done.stderr
    assert list(tmp_path.glob("*rescored*")) == []


def test_a_verifier_cannot_stand_in_for_a_game_that_judges_itself(guesses):
    with pytest.raises(InputError, match="own score"):
        rescore(guesses, Rescorer(verifier="number"), progress=False)


# ---- fingerprints and old stores -----------------------------------------------------------------


def test_fingerprints_follow_code_and_settings():
    a, b = envgym.make(GUESS), envgym.make(GUESS)
    narrow = envgym.make(GUESS, high=50)
    assert fingerprints(a) == fingerprints(b)
    assert fingerprints(a)["env"].digest != fingerprints(narrow)["env"].digest
    assert fingerprints(narrow)["env"].settings == {"low": 1, "high": 50, "max_turns": 8}
    buggy, fixed = (envgym.make(plugin.LETTER_CHECK, verifier=v) for v in ("letter-buggy", "letter-fixed"))
    vb, vf = fingerprints(buggy)["verifier"], fingerprints(fixed)["verifier"]
    assert (vb.name, vb.version, vf.name, vf.version) == ("letter-buggy", "1.0", "letter-fixed", "1.1")
    assert vb.digest != vf.digest
    assert fingerprints(envgym.make("envgym/Arithmetic-v0"))["verifier"].version == envgym.__version__  # the package's


def test_a_store_written_before_fingerprints_loads_and_rescores(guesses, tmp_path):
    old = tmp_path / "old.jsonl"
    lines = []
    for line in guesses.read_text().splitlines():
        record = json.loads(line)
        for key in ("env", "verifier"):
            del record["provenance"][key]
        lines.append(json.dumps(record))
    old.write_text("\n".join(lines) + "\n")
    trajectories = list(TrajectoryStore(old))
    assert trajectories and all(t.provenance.env is None and t.provenance.verifier is None for t in trajectories)
    done = rescore(old, Rescorer(env_id=GUESS), progress=False)
    assert done.impact.before == ["env unrecorded, verifier unrecorded"]
    assert done.impact.reward_changed == 0
    assert done.stores[0].name.startswith("old.rescored-")


def test_an_empty_store_is_refused_with_what_to_pass(tmp_path):
    empty = tmp_path / "empty.jsonl"
    empty.write_text("")
    with pytest.raises(InputError, match="holds no trajectories"):
        rescore(empty, Rescorer(verifier="number"), progress=False)
    with pytest.raises(InputError, match="needs --verifier"):
        Rescorer()
