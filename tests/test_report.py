"""The pipeline report: Markdown and a standalone HTML page whose plots render in a real browser."""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest

pytest.importorskip("matplotlib")

from envgym.report import write_report  # noqa: E402

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
BLUE, TEAL = (31, 119, 180), (42, 157, 143)  # matplotlib's first line colour; the expansion bars


def run_folder(tmp_path):
    diag = lambda e, r, a: {"dominant": "expansion", "evidence": "made up", "expansion": e, "reshaping": r, "attrition": a}  # noqa: E731
    report = {"pipeline": "demo", "eval": {"env": "envgym/Arithmetic-v0", "tasks": 10, "samples": 4}, "stopped": None,
              "start": {"pass@1": 0.0, "pass@k": 0.1, "k": 4, "support": 1, "prompts": 10},
              "stages": [{"stage": "sft", "learner": "sft", "pass@1": 0.4, "pass@k": 0.7, "k": 4, "support": 7, "prompts": 10,
                          "diagnostics": diag(0.4, 0.0, 0.0)},
                         {"stage": "rlvr", "learner": "rlvr", "pass@1": 0.5, "pass@k": 0.7, "k": 4, "support": 7, "prompts": 10,
                          "diagnostics": diag(0.05, 0.1, -0.05)}]}
    (tmp_path / "report.json").write_text(json.dumps(report))
    for stage, rewards in (("sft", [0.1, 0.3]), ("rlvr", [0.4, 0.6])):
        (tmp_path / stage / "train").mkdir(parents=True)
        rows = [{"step": 0, "eval_pass@1": rewards[0]}] + [{"step": i + 1, "reward": r, "eval_pass@1": r} for i, r in enumerate(rewards)]
        if stage == "rlvr":  # on-policy stages log the reward-hacking monitors
            for row, (unearned, drift, disagree) in zip(rows[1:], ((0.1, 1.0, 0.0), (0.3, 1.5, 0.2))):
                row.update(unearned_reward=unearned, length_drift=drift, verifier_disagreement=disagree)
        (tmp_path / stage / "train" / "metrics.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    (tmp_path / "eval.json").write_text(json.dumps([
        {"scaffold": s, "tasks": 10, "samples": 1, "pass_at": {"1": p}, "mean_reward": p, "solved": int(10 * p),
         "cost": {"model_calls": c * 10}, "cost_per_solved": {"prompt_tokens": 30.0, "completion_tokens": 20.0,
                                                               "model_calls": c / p, "tool_calls": 0.0, "seconds": 0.1}}
        for s, p, c in (("none", 0.5, 1), ("best_of_n", 0.8, 4))]))
    return tmp_path


def test_markdown_and_html_hold_the_tables(tmp_path):
    md, page = write_report(run_folder(tmp_path))
    text = md.read_text()
    assert "| rlvr | rlvr |  | 0.500 | 0.700 | 7/10 | expansion |" in text
    assert "| best_of_n | 0.800 |" in text and "Scaffolded against amortized" in text
    assert page.read_text().count("data:image/png;base64,") == 4
    assert "| rlvr | 0.200 | 1.500 | 0.100 |" in text  # monitors: means, and the last step's drift
    assert "| sft |" not in text.split("Reward-hacking monitors")[1]  # a stage that logged none has no row
    assert "<td>0.100</td>" in page.read_text()


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
