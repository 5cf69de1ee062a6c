"""`envgym serve` under load on loopback: 1,000 concurrent sessions of a multi-turn environment
(bench/serve_load.py, two waves of one episode per session): no error, every episode solved on its
own seed's task, no session left open, memory not growing from one wave to the next; and the
served-against-in-process benchmark runs."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_a_thousand_concurrent_sessions_play_and_leave_nothing_behind():
    ran = subprocess.run([sys.executable, str(ROOT / "bench" / "serve_load.py"), "--sessions", "1000", "--episodes", "1",
                          "--waves", "2", "--max-growth-mb", "32"], capture_output=True, text=True, timeout=300)
    values = dict(line.split(": ", 1) for line in ran.stdout.strip().splitlines())
    assert ran.returncode == 0 and values["ok"] == "True", ran.stdout + ran.stderr[-3000:]
    for wave in (1, 2):
        assert values[f"wave{wave}_errors"] == "0"
        assert values[f"wave{wave}_sessions_at_peak"] == "1000"  # all open at once
        assert values[f"wave{wave}_sessions_left"] == "0"  # every session closed on the server
        assert 1000 * 2 <= int(values[f"wave{wave}_requests"]) <= 1000 * 9  # a reset and 1 to 8 steps each
    assert float(values["rss_growth_after_first_wave_mb"]) <= 32
    assert "Traceback" not in ran.stderr, ran.stderr[-3000:]


def test_serve_vs_inprocess_bench_prints_the_ratio_first():
    ran = subprocess.run([sys.executable, str(ROOT / "bench" / "serve_vs_inprocess.py"), "--episodes", "20",
                          "--concurrent", "4", "--repeats", "1"], capture_output=True, text=True, timeout=300)
    assert ran.returncode == 0, ran.stderr[-3000:]
    values = dict(line.split(": ", 1) for line in ran.stdout.strip().splitlines())
    assert list(values)[:2] == ["served_over_inprocess_steps_per_s", "served_4_sessions_over_inprocess_steps_per_s"]
    assert 0 < float(values["served_over_inprocess_steps_per_s"]) and int(values["steps"]) > 20
