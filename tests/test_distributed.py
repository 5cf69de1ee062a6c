"""Data-parallel training on torch.distributed (gloo, CPU): 2 ranks give the weights of 1.

Real runs of the command: ``envgym train --nproc 2`` launches torchrun with two processes, which
split each step's episodes and samples between them (FSDP2 or DDP). With the same global batch and
episodes seeded by their own task (``episode_seeds``), they must sample the same trajectories as
one process, train on them at the same steps, and end with its weights within floating-point
tolerance (the ranks sum their gradients in another order). A 2-rank run cut short and resumed
must end where a straight one does.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

torch = pytest.importorskip("torch")

from conftest import envgym_cli  # noqa: E402

TESTS = Path(__file__).parent
ENV = {"PYTHONPATH": str(TESTS), "OMP_NUM_THREADS": "1"}
COMMON = ["-p", "envs_for_learn", "train", "--env", "tests/Letter-v0", "--lr", "3e-3", "--opt", "max_tokens=16",
          "--opt", "eval_tasks=4", "--opt", "progress=false", "--opt", "episode_seeds=true"]
LEARNERS = {
    "rlvr": ["--learner", "rlvr", "--set", "prompts_per_step=3", "--set", "group_size=4", "--opt", "micro_batch=4"],
    "sft": ["--learner", "sft", "--set", "examples_per_step=6", "--opt", "micro_batch=2"],
}


def run(out: Path, learner: str, steps: int, *extra: str) -> Path:
    result = envgym_cli(*COMMON, *LEARNERS[learner], "--steps", str(steps), "--out", str(out), *extra, env=ENV)
    assert result.returncode == 0, result.stderr[-3000:]
    return out


def weights(out: Path) -> dict:
    from safetensors.torch import load_file

    return load_file(out / "checkpoint" / "model.safetensors")


def lines(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines()]


def sampled(out: Path) -> dict[str, tuple]:
    """Every stored episode's completion tokens, by trajectory key."""
    found = {}
    for path in sorted((out / "rollouts").glob("*.jsonl")):
        for record in lines(path):
            found[record["key"]] = tuple(tuple(turn["completion_ids"]) for turn in record["turns"])
    return found


@pytest.fixture(scope="module")
def single(tmp_path_factory) -> dict[str, Path]:
    """One-process runs of each learner, the reference the 2-rank runs must match."""
    root = tmp_path_factory.mktemp("single")
    return {learner: run(root / learner, learner, 3) for learner in LEARNERS}


@pytest.mark.parametrize(("learner", "parallel"), [("rlvr", "fsdp"), ("sft", "fsdp"), ("rlvr", "ddp"), ("sft", "ddp")])
def test_two_ranks_train_the_weights_of_one(single, tmp_path, learner, parallel):
    two = run(tmp_path / "two", learner, 3, "--nproc", "2", "--opt", f"parallel={parallel}")
    one = single[learner]
    assert lines(two / "trained.jsonl") == lines(one / "trained.jsonl")  # the same trajectories, step by step
    if learner == "rlvr":
        assert sampled(two) == sampled(one) and len(sampled(one)) >= 3 * 3 * 4  # every episode stored, same tokens
    updates = [m for m in lines(two / "metrics.jsonl") if m.get("grad_norm")]
    assert updates, "no step updated the weights: the comparison would be empty"
    a, b = weights(one), weights(two)
    assert a.keys() == b.keys()
    worst = max(float((a[k] - b[k]).abs().max()) for k in a)
    assert worst < 1e-4, f"largest weight difference {worst}"
    metrics_one, metrics_two = lines(one / "metrics.jsonl"), lines(two / "metrics.jsonl")
    assert [m["step"] for m in metrics_two] == [0, 1, 2, 3]  # rank 0 alone wrote the logs
    for m1, m2 in zip(metrics_one, metrics_two):
        for key in ("loss", "samples", "tokens", "eval_pass@1"):
            if key in m1:
                assert m2[key] == pytest.approx(m1[key], rel=1e-4, abs=1e-5), key


def test_a_two_rank_run_resumes_where_it_stopped(tmp_path):
    straight = run(tmp_path / "straight", "rlvr", 3, "--nproc", "2")
    cut = run(tmp_path / "cut", "rlvr", 2, "--nproc", "2")
    resumed = run(cut, "rlvr", 3, "--nproc", "2", "--resume")
    assert lines(resumed / "trained.jsonl") == lines(straight / "trained.jsonl")
    a, b = weights(straight), weights(resumed)
    assert all(torch.equal(a[k], b[k]) for k in a)  # the same ranks in the same order: exactly
    assert not (tmp_path / "cut" / "checkpoint.tmp").exists()


def test_an_fsdp_checkpoint_is_not_resumed_by_one_process(tmp_path):
    out = run(tmp_path / "fsdp", "sft", 1, "--nproc", "2")
    refused = envgym_cli(*COMMON, *LEARNERS["sft"], "--steps", "2", "--out", str(out), "--resume", env=ENV)
    assert refused.returncode != 0 and "FSDP" in refused.stderr
