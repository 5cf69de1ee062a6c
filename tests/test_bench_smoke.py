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
