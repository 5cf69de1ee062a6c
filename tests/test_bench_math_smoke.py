"""bench/math_verify.py runs and prints `name: value` lines, ratio first (targets are read, not tested)."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_math_verify_bench_quick_run_prints_parsable_lines():
    out = subprocess.run([sys.executable, str(ROOT / "bench" / "math_verify.py"), "--quick", "--show-disagreements"],
                         capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    lines = out.stdout.strip().splitlines()
    assert lines[0].startswith("throughput_ratio_envgym_over_math_verify: ")
    values = dict(line.split(": ", 1) for line in lines)
    cases = int(values["cases"])
    assert cases > 0 and int(values["repeats"]) == 1
    assert float(values["throughput_ratio_envgym_over_math_verify"]) > 0
    assert float(values["envgym_us_per_case"]) > 0 and float(values["math_verify_us_per_case"]) > 0
    for name in ("correct_envgym", "correct_math_verify"):
        assert 0 <= int(values[name]) <= cases
    wrong = [key for key in values if key.startswith("wrong[")]
    assert all("expected=" in values[key] and "envgym=" in values[key] for key in wrong)
