"""Benchmarks run and print `name: value` lines (their targets are checked by reading, not here)."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_env_overhead_bench_prints_ratio_first():
    out = subprocess.run([sys.executable, str(ROOT / "bench" / "env_overhead.py"), "--n", "300", "--repeats", "1"],
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    lines = out.stdout.strip().splitlines()
    assert lines[0].startswith("step_over_verify: ")
    values = dict(line.split(": ") for line in lines)
    assert float(values["step_over_verify"]) > 0 and int(values["answers"]) == 300


def test_gpu_bench_small_runs_on_the_cpu_with_ratios_first():
    out = subprocess.run([sys.executable, str(ROOT / "bench" / "gpu.py"), "--small"], capture_output=True, text=True,
                         timeout=300, cwd=ROOT)
    assert out.returncode == 0, out.stderr[-3000:]
    values = dict(line.split(": ", 1) for line in out.stdout.strip().splitlines())
    names = list(values)
    assert names[:5] == ["hf_policy_over_generate", "share_of_bandwidth_bound", "generation_share_of_rlvr_step",
                         "update_over_plain_torch", "update_mfu"]
    assert float(values["hf_policy_over_generate"]) > 0 and float(values["update_over_plain_torch"]) > 0
    assert 0 < float(values["generation_share_of_rlvr_step"]) <= 1
    assert values["share_of_bandwidth_bound"] == "n/a"  # no peak bandwidth to compare with on the CPU
    assert values["pass@1_after_rlvr"].count("[") == 1  # a number with its interval


def test_step_vs_gem_bench_runs_both_sides_with_ratios_first():
    out = subprocess.run([sys.executable, str(ROOT / "bench" / "step_vs_gem.py"), "--episodes", "20", "--repeats", "1"],
                         capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-3000:]
    values = dict(line.split(": ", 1) for line in out.stdout.strip().splitlines())
    assert list(values)[:3] == ["loop_ratio_envgym_over_gem", "loop_ratio_fresh_seeds", "step_ratio_envgym_over_gem"]
    assert float(values["envgym_us_per_step"]) > 0 and float(values["gem_us_per_step"]) > 0
    assert float(values["envgym_loop_us_per_step_fresh"]) > 0 and float(values["gem_loop_us_per_step_replayed"]) > 0


def test_repo_episodes_bench_plays_gold_episodes_on_each_backend_with_ratios_first():
    import shutil

    import pytest

    backends = ",".join(b for b, ok in (("bwrap", shutil.which("bwrap")), ("docker", _docker_answers())) if ok)
    if not backends:
        pytest.skip("Repo-v0 needs bubblewrap or a Docker engine")
    out = subprocess.run([sys.executable, str(ROOT / "bench" / "repo_episodes.py"), "--episodes", "1", "--rounds", "1",
                          "--concurrency", "1", "--starts", "1", "--backends", backends],
                         capture_output=True, text=True, timeout=600)
    assert out.returncode == 0, out.stderr[-3000:]
    values = dict(line.split(": ", 1) for line in out.stdout.strip().splitlines())
    names = list(values)
    sides = backends.split(",")
    assert names[:len(sides)] == [f"{b}_over_bare_c1" for b in sides]  # ratios first
    for b in sides:
        assert float(values[f"{b}_over_bare_c1"]) > 0 and float(values[f"{b}_episodes_per_s_c1"]) > 0
        assert float(values[f"start_s_{b}_warm"]) > 0 and float(values[f"start_s_{b}_cold"]) > 0
    assert float(values["bare_episodes_per_s_c1"]) > 0 and values["episodes"] == "1"


def _docker_answers() -> bool:
    try:
        import docker

        docker.from_env().ping()
        return True
    except Exception:  # the SDK missing, or no engine
        return False


def test_curriculum_bench_runs_both_samplers_with_ratios_first(tmp_path):
    out = subprocess.run([sys.executable, str(ROOT / "bench" / "curriculum.py"), "--seeds", "2", "--sft-steps", "2",
                          "--steps", "1", "--prompts", "2", "--group", "2", "--tokens", "8", "--eval-tasks", "4",
                          "--samples", "1", "--work", str(tmp_path)], capture_output=True, text=True, timeout=600, cwd=ROOT)
    assert out.returncode == 0, out.stderr[-3000:]
    values = dict(line.split(": ", 1) for line in out.stdout.strip().splitlines())
    assert list(values)[:3] == ["zero_signal_share_adaptive_over_uniform", "zero_signal_share_adaptive_minus_uniform",
                                "heldout_adaptive_minus_uniform"]
    assert values["heldout_adaptive_minus_uniform"].count("[") == 1  # across seeds, with its interval
    assert 0 <= float(values["zero_signal_share_uniform"]) <= 1
    assert (tmp_path / "adaptive-1" / "checkpoint").is_dir() and (tmp_path / "uniform-1" / "checkpoint").is_dir()
