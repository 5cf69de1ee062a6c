"""`envgym train` killed with SIGKILL mid-run resumes exactly: nothing lost, nothing trained twice.

Two real runs of the command: one straight through, one killed after a few steps and resumed.
They must train on the same trajectories at the same steps, and end with identical weights.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from pathlib import Path

import pytest

torch = pytest.importorskip("torch")

from conftest import BIN, envgym_cli  # noqa: E402

TESTS = Path(__file__).parent
STEPS = 6
ARGS = ["-p", "envs_for_learn", "train", "--env", "tests/Letter-v0", "--learner", "rlvr", "--steps", str(STEPS),
        "--lr", "3e-3", "--set", "prompts_per_step=3", "--set", "group_size=4",
        "--opt", "max_tokens=16", "--opt", "eval_tasks=4", "--opt", "progress=false"]


def trained(run: Path) -> list[dict]:
    return [json.loads(line) for line in (run / "trained.jsonl").read_text().splitlines()]


def weights(run: Path) -> dict:
    from safetensors.torch import load_file

    return load_file(run / "checkpoint" / "model.safetensors")


def test_killed_run_resumes_with_nothing_lost_or_trained_twice(tmp_path):
    env = {"PYTHONPATH": str(TESTS)}
    straight = envgym_cli(*ARGS, "--out", str(tmp_path / "straight"), env=env)
    assert straight.returncode == 0, straight.stderr

    killed = tmp_path / "killed"
    proc = subprocess.Popen([str(BIN / "envgym"), *ARGS, "--out", str(killed)], env={**os.environ, **env},
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline and proc.poll() is None:
        path = killed / "trained.jsonl"
        if path.exists() and len(path.read_text().splitlines()) >= 3:
            break
        time.sleep(0.05)
    assert proc.poll() is None, "the run ended before it could be killed"
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert len(trained(killed)) < STEPS  # it really was cut short

    refused = envgym_cli(*ARGS, "--out", str(killed), env=env)
    assert refused.returncode == 2 and "--resume" in refused.stderr
    resumed = envgym_cli(*ARGS, "--out", str(killed), "--resume", env=env)
    assert resumed.returncode == 0, resumed.stderr

    expected, got = trained(tmp_path / "straight"), trained(killed)
    assert [r["step"] for r in got] == list(range(1, STEPS + 1))  # every step once
    assert got == expected  # the same trajectories at the same steps
    keys = [k for r in got for k in r["keys"]]
    assert len(keys) == len(set(keys))  # no trajectory trained twice
    a, b = weights(tmp_path / "straight"), weights(killed)
    assert a.keys() == b.keys()
    assert all(torch.equal(a[k], b[k]) for k in a)
    metrics = [json.loads(line) for line in (killed / "metrics.jsonl").read_text().splitlines()]
    assert [m["step"] for m in metrics] == list(range(STEPS + 1))


# Every learner that samples rollouts during training, with settings small enough for the test.
SAMPLING = {
    "rlvr": ["--set", "prompts_per_step=3", "--set", "group_size=4"],
    "process": ["--set", "prompts_per_step=3", "--set", "group_size=4"],
    "guided": ["--set", "prompts_per_step=3", "--set", "group_size=4"],
    "refine": ["--set", "prompts_per_step=3", "--set", "group_size=2"],
}


@pytest.mark.parametrize("learner", sorted(SAMPLING))
def test_a_rollout_file_cut_short_by_a_kill_is_sampled_again_whole(tmp_path, learner):
    """A kill while a step's rollouts were being written leaves some of their lines. Without
    episode seeds an episode's noise depends on its batch, so replaying those lines and sampling
    the rest in a smaller batch would train on other trajectories; the resumed run must instead
    end exactly where an uninterrupted one does, for every learner that samples."""
    env = {"PYTHONPATH": str(TESTS)}
    args = ["-p", "envs_for_learn", "train", "--env", "tests/Letter-v0", "--learner", learner, "--lr", "3e-3",
            *SAMPLING[learner], "--opt", "max_tokens=16", "--opt", "eval_tasks=4", "--opt", "progress=false"]
    straight = envgym_cli(*args, "--steps", "3", "--out", str(tmp_path / "straight"), env=env)
    assert straight.returncode == 0, straight.stderr
    cut = tmp_path / "cut"
    first = envgym_cli(*args, "--steps", "2", "--out", str(cut), env=env)
    assert first.returncode == 0, first.stderr
    files = sorted((tmp_path / "straight" / "rollouts").glob("step-000002-*.jsonl"))
    assert files, "the third step stored no rollouts"
    lines = files[0].read_text().splitlines(keepends=True)
    assert len(lines) >= 4
    (cut / "rollouts" / files[0].name).write_text("".join(lines[: len(lines) // 2]))  # what a kill leaves
    resumed = envgym_cli(*args, "--steps", "3", "--out", str(cut), "--resume", env=env)
    assert resumed.returncode == 0, resumed.stderr
    assert trained(cut) == trained(tmp_path / "straight")
    a, b = weights(tmp_path / "straight"), weights(cut)
    assert all(torch.equal(a[k], b[k]) for k in a)
