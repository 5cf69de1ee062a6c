"""Reports of a pipeline run: Markdown, a standalone HTML page with plots, and the JSON beside them.

    write_report("runs/arithmetic")      # reads report.json and each stage's metrics.jsonl

Plots (matplotlib, embedded as PNG so the page is one file): learning curves per stage (held-out
pass@1 and training reward against steps), pass@1 and pass@k per stage, and the split of each
stage's pass@1 change into expansion, reshaping and attrition. A scaffolded-versus-amortized
table (and a cost-against-accuracy plot) is added when ``eval.json`` from ``envgym eval --json``
sits in the run folder.
"""

from __future__ import annotations

import base64
import html
import io
import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any


def write_report(run: str | Path) -> tuple[Path, Path]:
    """Write ``report.md`` and ``report.html`` into the run folder; return their paths."""
    run = Path(run)
    report = json.loads((run / "report.json").read_text())
    curves = {s["stage"]: _metrics(run / s["stage"] / "train" / "metrics.jsonl") for s in report["stages"]}
    scaffolds = json.loads((run / "eval.json").read_text()) if (run / "eval.json").exists() else []
    figures = {"Learning curves": _learning_curves(curves), "pass@1 and pass@k per stage": _pass_plot(report),
               "What each stage did": _roles_plot(report)}
    if scaffolds:
        figures["Cost against accuracy"] = _cost_plot(scaffolds)
    md, page = run / "report.md", run / "report.html"
    monitors = _monitor_rows(curves)
    md.write_text(_markdown(report, scaffolds, monitors))
    page.write_text(_html(report, scaffolds, figures, monitors))
    return md, page


def _metrics(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []


def _rows(report: Mapping[str, Any]) -> list[list[str]]:
    def cells(r: Mapping[str, Any]) -> list[str]:
        greedy = r.get("greedy_pass@1")
        return ["" if greedy is None else f"{greedy:.3f}", f"{r['pass@1']:.3f}", f"{r['pass@k']:.3f}",
                f"{r['support']}/{r['prompts']}"]

    rows = [["(start)", "", *cells(report["start"]), "", ""]]
    for s in report["stages"]:
        rows.append([s["stage"], s["learner"], *cells(s), s["diagnostics"]["dominant"], s["diagnostics"]["evidence"]])
    return rows


MONITOR_HEAD = ["stage", "unearned reward (mean)", "length drift (last step)", "second-verifier disagreement (mean)"]
MONITORS = ("unearned_reward", "length_drift", "verifier_disagreement")


def _monitor_rows(curves: Mapping[str, list[dict[str, Any]]]) -> list[list[str]]:
    """Reward-hacking monitors per training stage that logged any (on-policy stages do)."""
    rows = []
    for stage, metrics in curves.items():
        seen = {k: [m[k] for m in metrics if isinstance(m.get(k), (int, float))] for k in MONITORS}
        if not any(seen.values()):
            continue
        mean = lambda xs: f"{sum(xs) / len(xs):.3f}" if xs else "not logged"  # noqa: E731
        last = seen["length_drift"][-1:]
        rows.append([stage, mean(seen["unearned_reward"]), mean(last), mean(seen["verifier_disagreement"])])
    return rows


HEAD = ["stage", "learner", "greedy pass@1", "pass@1 (sampled)", "pass@k", "support", "dominant role", "evidence"]
SCAFFOLD_HEAD = ["scaffold", "pass@1", "mean reward", "solved", "tokens / solved", "calls / solved", "tool calls / solved"]


def _scaffold_rows(scaffolds: Sequence[Mapping[str, Any]]) -> list[list[str]]:
    def num(x: Any, fmt: str) -> str:
        return "n/a" if x is None or x == float("inf") else format(x, fmt)

    rows = []
    for r in scaffolds:
        per = r["cost_per_solved"]
        tokens = None if per["prompt_tokens"] is None else per["prompt_tokens"] + per["completion_tokens"]
        rows.append([r["scaffold"], f"{r['pass_at']['1']:.3f}", f"{r['mean_reward']:.3f}", f"{r['solved']}/{r['tasks'] * r['samples']}",
                     num(tokens, ".0f"), num(per["model_calls"], ".2f"), num(per["tool_calls"], ".2f")])
    return rows


def _markdown(report: Mapping[str, Any], scaffolds: Sequence[Mapping[str, Any]], monitors: list[list[str]]) -> str:
    def table(head: list[str], rows: list[list[str]]) -> str:
        lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
        return "\n".join(lines + ["| " + " | ".join(r) + " |" for r in rows])

    ev = report["eval"]
    parts = [f"# Pipeline {report['pipeline']}", "",
             f"Held-out: {ev['tasks']} tasks of {ev['env']}, {ev['samples']} samples each.", "",
             table(HEAD, _rows(report))]
    if report.get("stopped"):
        parts += ["", f"**Stopped** after stage {report['stopped']['stage']}: {report['stopped']['gate']}"]
    if scaffolds:
        parts += ["", "## Scaffolded against amortized", "", table(SCAFFOLD_HEAD, _scaffold_rows(scaffolds))]
        for name, value in report.get("handoff_fidelity", {}).items():
            if value is not None:
                parts += ["", f"Handoff fidelity ({name}): {value:.3f} (bare pass@1 / scaffolded pass@1)"]
    if monitors:
        parts += ["", "## Reward-hacking monitors", "", table(MONITOR_HEAD, monitors)]
    return "\n".join(parts) + "\n"


def _html(report: Mapping[str, Any], scaffolds: Sequence[Mapping[str, Any]], figures: Mapping[str, bytes],
          monitors: list[list[str]]) -> str:
    def table(head: list[str], rows: list[list[str]]) -> str:
        cells = "".join(f"<th>{html.escape(h)}</th>" for h in head)
        body = "".join("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in r) + "</tr>" for r in rows)
        return f"<table><thead><tr>{cells}</tr></thead><tbody>{body}</tbody></table>"

    images = "".join(
        f'<figure{" class=wide" if title == "Learning curves" else ""}><img alt="{html.escape(title)}" src="data:image/png;base64,{base64.b64encode(png).decode()}">'
        f"<figcaption>{html.escape(title)}</figcaption></figure>" for title, png in figures.items())
    stopped = (f"<p class=stop>Stopped after stage {html.escape(report['stopped']['stage'])}: "
               f"{html.escape(report['stopped']['gate'])}</p>" if report.get("stopped") else "")
    fidelity = "".join(f"<p>Handoff fidelity ({html.escape(name)}): {value:.3f}</p>"
                       for name, value in report.get("handoff_fidelity", {}).items() if value is not None)
    scaffold = ("<h2>Scaffolded against amortized</h2>" + table(SCAFFOLD_HEAD, _scaffold_rows(scaffolds)) + fidelity
                if scaffolds else "")
    watch = "<h2>Reward-hacking monitors</h2>" + table(MONITOR_HEAD, monitors) if monitors else ""
    ev = report["eval"]
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>envgym: {html.escape(report['pipeline'])}</title>
<style>
body {{ font-family: system-ui, sans-serif; margin: 2rem auto; max-width: 1100px; color: #222; }}
table {{ border-collapse: collapse; margin: 1rem 0; }} th, td {{ border: 1px solid #ccc; padding: .3rem .6rem; text-align: left; }}
th {{ background: #f3f3f3; }} figure {{ display: inline-block; margin: 1rem; }} img {{ max-width: 520px; }} .wide img {{ max-width: 1060px; }}
.stop {{ color: #b00; font-weight: bold; }}
</style></head><body>
<h1>Pipeline {html.escape(report['pipeline'])}</h1>
<p>Held-out: {ev['tasks']} tasks of {html.escape(ev['env'])}, {ev['samples']} samples each.</p>
{table(HEAD, _rows(report))}{stopped}{scaffold}{watch}
<h2>Plots</h2>{images}
</body></html>
"""


# ---- plots ----------------------------------------------------------------------------------------


def _png(fig: Any) -> bytes:
    import matplotlib.pyplot as plt

    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=90, bbox_inches="tight")
    plt.close(fig)
    return buffer.getvalue()


def _figure() -> tuple[Any, Any]:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt.subplots(figsize=(6, 3.6))


def _learning_curves(curves: Mapping[str, list[dict[str, Any]]]) -> bytes:
    """One panel per stage (stages of 600 and 20 steps both stay readable): held-out greedy
    pass@1, training reward as a running mean, and the loss on its own axis where no reward is logged."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    stages = list(curves.items()) or [("(no stages)", [])]
    fig, axes = plt.subplots(1, len(stages), figsize=(max(6, 3.6 * len(stages)), 3.4), sharey=True, squeeze=False)
    for ax, (stage, rows) in zip(axes[0], stages):
        evals = [(r["step"], r["eval_pass@1"]) for r in rows if "eval_pass@1" in r]
        rewards = [(r["step"], r["reward"]) for r in rows if "reward" in r]
        losses = [(r["step"], r["loss"]) for r in rows if "loss" in r]
        if rewards:
            ax.plot(*zip(*_running_mean(rewards)), color="#9467bd", alpha=0.7, label="training reward (mean of 5)")
        elif losses:
            twin = ax.twinx()
            twin.plot(*zip(*_running_mean(losses)), color="#999999", alpha=0.7, label="training loss (mean of 5)")
            twin.tick_params(labelsize=7)
            twin.legend(fontsize=7, loc="center right")
        if evals:
            ax.plot(*zip(*evals), marker="o", color="#1f77b4", label="held-out pass@1 (greedy)")
        ax.set_title(stage, fontsize=9)
        ax.set_xlabel("step", fontsize=8)
        ax.set_ylim(0, 1)
        ax.legend(fontsize=7, loc="upper left")
    fig.tight_layout()
    return _png(fig)


def _running_mean(points: list[tuple[int, float]], window: int = 5) -> list[tuple[int, float]]:
    out = []
    for i, (step, _) in enumerate(points):
        recent = [v for _, v in points[max(0, i - window + 1):i + 1]]
        out.append((step, sum(recent) / len(recent)))
    return out


def _pass_plot(report: Mapping[str, Any]) -> bytes:
    fig, ax = _figure()
    names = ["start"] + [s["stage"] for s in report["stages"]]
    rows = [report["start"]] + report["stages"]
    x = range(len(names))
    ax.bar([i - 0.2 for i in x], [r["pass@1"] for r in rows], width=0.4, label="pass@1")
    ax.bar([i + 0.2 for i in x], [r["pass@k"] for r in rows], width=0.4, label=f"pass@{rows[0].get('k', 'k')}")
    ax.set_xticks(list(x), names)
    ax.set_ylim(0, 1)
    ax.legend()
    return _png(fig)


def _roles_plot(report: Mapping[str, Any]) -> bytes:
    fig, ax = _figure()
    names = [s["stage"] for s in report["stages"]]
    x = range(len(names))
    for offset, (key, color) in zip((-0.27, 0.0, 0.27), (("expansion", "#2a9d8f"), ("reshaping", "#e9c46a"),
                                                          ("attrition", "#e76f51"))):
        ax.bar([i + offset for i in x], [s["diagnostics"][key] for s in report["stages"]], width=0.27, label=key, color=color)
    ax.set_xticks(list(x), names)
    ax.axhline(0, color="#444", linewidth=0.8)
    ax.set_ylabel("share of the pass@1 change")
    ax.legend()
    return _png(fig)


def _cost_plot(scaffolds: Sequence[Mapping[str, Any]]) -> bytes:
    fig, ax = _figure()
    for r in scaffolds:
        calls = r["cost"]["model_calls"] / max(r["tasks"] * r["samples"], 1)
        ax.scatter([calls], [r["pass_at"]["1"]], s=60)
        ax.annotate(r["scaffold"], (calls, r["pass_at"]["1"]), textcoords="offset points", xytext=(5, 5))
    ax.set_xlabel("model calls per episode")
    ax.set_ylabel("pass@1")
    return _png(fig)
