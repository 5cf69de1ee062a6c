"""The pipeline report: Markdown and a standalone HTML page whose plots render in a real browser."""

from __future__ import annotations

import json
import math
import shutil
import subprocess

import pytest

pytest.importorskip("matplotlib")

from envgym.diagnostics import StageReport  # noqa: E402
from envgym.report import write_report  # noqa: E402
from envgym.results import (EvalSettings, HeldOutSummary, Measurement, PipelineReport, ScaffoldRow,  # noqa: E402
                            StageRecord, TrainedCheck, read_report)
from envgym.stats import Interval  # noqa: E402

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
BLUE, TEAL = (31, 119, 180), (42, 157, 143)  # matplotlib's first line colour; the expansion bars


def iv(estimate, low, high, method="bootstrap"):
    return Interval(estimate, low, high, method)


def measured(greedy, sampled, passk, support, prompts=200):
    return Measurement("none", greedy, sampled, passk, 4, support, prompts,
                       intervals={"greedy_pass@1": iv(greedy, max(0, greedy - 0.2), min(1, greedy + 0.2), "wilson"),
                                  "pass@1": iv(sampled, sampled - 0.1, sampled + 0.1),
                                  "pass@k": iv(passk, passk - 0.1, min(1, passk + 0.1))})


def stage(name, learner, greedy, sampled, passk, support, parts, dominant, change):
    roles = dict(zip(("expansion", "reshaping", "attrition"), parts))
    diag = StageReport(prompts=200, pass1_before=sampled - sum(parts), pass1_after=sampled, support_before=support,
                       support_after=support, expanded=("a",), lost=(), retained=support, reshaping_on_retained=0.0,
                       intervals={role: iv(v, v - 0.05, v + 0.05, "paired-bootstrap")
                                  for role, v in zip(("expansion", "reshaping", "attrition", "change"), (*parts, sum(parts)))},
                       **roles)
    assert diag.dominant == dominant
    return StageRecord(name, learner, f"ckpt/{name}", measured(greedy, sampled, passk, support), measured(0.0, 0.0, 0.1, 1),
                       {"greedy_pass@1": iv(change, change - 0.1, change + 0.1, "paired-bootstrap"),
                        "pass@1": iv(sum(parts), sum(parts) - 0.05, sum(parts) + 0.05, "paired-bootstrap")},
                       diag, TrainedCheck(40, 0))


def run_folder(tmp_path, seed=None, shift=0.0):
    held = HeldOutSummary("envgym/Arithmetic-v0", 10, 10, 713, 10, (0, 9),
                          "10 distinct tasks of envgym/Arithmetic-v0, 1% of its task space of 713")
    report = PipelineReport(
        "demo", seed, measured(0.0, 0.0, 0.1, 1),
        (stage("sft", "sft", 0.4 + shift, 0.4, 0.7, 7, (0.4, 0.0, 0.0), "expansion", 0.4 + shift),
         stage("rlvr", "rlvr", 0.5, 0.5, 0.7, 7, (0.05, 0.1, -0.05), "reshaping", 0.1 - shift)),
        EvalSettings("envgym/Arithmetic-v0", 10, 4), held,
        scaffolds=(ScaffoldRow("none", 0.5), ScaffoldRow("best_of_n", 0.8)),
        handoff_fidelity={"best_of_n": iv(0.625, 0.4, 0.9, "bootstrap-ratio")}).to_json()
    tmp_path.mkdir(parents=True, exist_ok=True)
    (tmp_path / "report.json").write_text(json.dumps(report))
    for name, rewards in (("sft", [0.1, 0.3]), ("rlvr", [0.4, 0.6])):
        (tmp_path / name / "train").mkdir(parents=True)
        rows = [{"step": 0, "eval_pass@1": rewards[0]}] + [{"step": i + 1, "reward": r, "eval_pass@1": r} for i, r in enumerate(rewards)]
        if name == "rlvr":  # on-policy stages log the reward-hacking monitors
            for row, (unearned, drift, disagree) in zip(rows[1:], ((0.1, 1.0, 0.0), (0.3, 1.5, 0.2))):
                row.update(unearned_reward=unearned, length_drift=drift, verifier_disagreement=disagree)
        (tmp_path / name / "train" / "metrics.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    (tmp_path / "eval.json").write_text(json.dumps([
        {"scaffold": s, "tasks": 10, "samples": 1, "pass_at": {"1": p}, "mean_reward": p, "solved": int(10 * p),
         "cost": {"model_calls": c * 10}, "cost_per_solved": {"prompt_tokens": 30.0, "completion_tokens": 20.0,
                                                               "model_calls": c / p, "tool_calls": 0.0, "seconds": 0.1},
         "intervals": {"pass@1": iv(p, p - 0.3, min(1.0, p + 0.2), "wilson").to_dict(),
                       "cost_per_solved.model_calls": iv(c / p, c / p - 0.5, math.inf, "bootstrap-ratio").to_dict()}}
        for s, p, c in (("none", 0.5, 1), ("best_of_n", 0.8, 4))]))
    return tmp_path


def test_markdown_and_html_hold_the_tables(tmp_path):
    md, page = write_report(run_folder(tmp_path))
    text = md.read_text()
    assert "| rlvr | rlvr | none | 0.500 [0.300, 0.700] | +0.100 [+0.000, +0.200] | 0.500 [0.400, 0.600] |" in text
    assert "| best_of_n | 0.800 [0.500, 1.000] |" in text and "Scaffolded against amortized" in text
    assert "2.00 [1.50, inf]" in text  # cost per solved task with an unbounded upper limit
    assert "Handoff fidelity (best_of_n): 0.625 [0.400, 0.900]" in text
    assert "1% of its task space of 713" in text and "No held-out task was trained on" in text
    assert page.read_text().count("data:image/png;base64,") == 4
    assert "| rlvr | 0.200 | 1.500 | 0.100 |" in text  # monitors: means, and the last step's drift
    assert "| sft |" not in text.split("Reward-hacking monitors")[1]  # a stage that logged none has no row
    assert "<td>0.100</td>" in page.read_text()


def test_a_leak_of_held_out_tasks_into_training_is_reported(tmp_path):
    folder = run_folder(tmp_path)
    report = json.loads((folder / "report.json").read_text())
    report["stages"][1]["trained"]["held_out"] = 3
    (folder / "report.json").write_text(json.dumps(report))
    md, _ = write_report(folder)
    assert "**Held-out tasks were trained on**: rlvr" in md.read_text()


def test_several_seeds_are_aggregated_with_claims(tmp_path):
    from envgym.claims import aggregate

    runs = [read_report(run_folder(tmp_path / f"seed-{s}", seed=s, shift=0.1 * s) / "report.json") for s in (0, 1, 2)]
    (tmp_path / "report.json").write_text(json.dumps(aggregate(runs).to_json()))
    md, page = write_report(tmp_path)
    text = md.read_text()
    assert "# Pipeline demo: 3 seeds" in text
    # sft's greedy change: 0.4, 0.5, 0.6 with paired intervals above zero on every seed
    assert "- holds on every seed: sft raises greedy pass@1 by +0.500 on average" in text
    # rlvr's greedy change: 0.1, 0.0, -0.1: beyond noise on no seed
    assert "rlvr: no significant change in greedy pass@1 on any seed" in text
    assert "| 2 | sft |" in text and page.read_text().count("data:image/png;base64,") == 4


def screenshot(page, out):
    subprocess.run([CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                    "--disable-background-networking", "--disable-component-update", "--disable-sync",
                    f"--user-data-dir={out.parent / 'profile'}", f"--screenshot={out}", "--window-size=1200,2400",
                    page.as_uri()], check=True, capture_output=True, timeout=120)
    import matplotlib.image

    return (matplotlib.image.imread(out)[..., :3] * 255).round()


def pixels(image, colour, tolerance=12):
    import numpy as np

    return int((np.abs(image - np.array(colour)).max(-1) <= tolerance).sum())


@pytest.mark.skipif(CHROMIUM is None, reason="needs Chromium (make test installs it: apt-get install chromium)")
def test_plots_render_in_headless_chromium(tmp_path):
    (tmp_path / "run").mkdir()
    _, page = write_report(run_folder(tmp_path / "run"))
    image = screenshot(page, tmp_path / "shot.png")
    assert pixels(image, BLUE) > 300 and pixels(image, TEAL) > 300  # the curves and the bars are drawn
    broken = page.with_name("broken.html")
    broken.write_text(page.read_text().replace("data:image/png;base64,", "data:image/png;base64,AAAA"))
    image = screenshot(broken, tmp_path / "broken.png")
    assert pixels(image, BLUE) < 50 and pixels(image, TEAL) < 50  # the same page without its images
