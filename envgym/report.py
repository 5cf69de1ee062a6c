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
    md.write_text(_markdown(report, scaffolds))
    page.write_text(_html(report, scaffolds, figures))
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


def _markdown(report: Mapping[str, Any], scaffolds: Sequence[Mapping[str, Any]]) -> str:
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
    return "\n".join(parts) + "\n"


def _html(report: Mapping[str, Any], scaffolds: Sequence[Mapping[str, Any]], figures: Mapping[str, bytes]) -> str:
    def table(head: list[str], rows: list[list[str]]) -> str:
        cells = "".join(f"<th>{html.escape(h)}</th>" for h in head)
        body = "".join("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in r) + "</tr>" for r in rows)
        return f"<table><thead><tr>{cells}</tr></thead><tbody>{body}</tbody></table>"

    images = "".join(
        f'<figure><img alt="{html.escape(title)}" src="data:image/png;base64,{base64.b64encode(png).decode()}">'
        f"<figcaption>{html.escape(title)}</figcaption></figure>" for title, png in figures.items())
    stopped = (f"<p class=stop>Stopped after stage {html.escape(report['stopped']['stage'])}: "
               f"{html.escape(report['stopped']['gate'])}</p>" if report.get("stopped") else "")
    fidelity = "".join(f"<p>Handoff fidelity ({html.escape(name)}): {value:.3f}</p>"
                       for name, value in report.get("handoff_fidelity", {}).items() if value is not None)
    scaffold = ("<h2>Scaffolded against amortized</h2>" + table(SCAFFOLD_HEAD, _scaffold_rows(scaffolds)) + fidelity
                if scaffolds else "")
    ev = report["eval"]
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>envgym: {html.escape(report['pipeline'])}</title>
<style>
body {{ font-family: system-ui, sans-serif; margin: 2rem auto; max-width: 1100px; color: #222; }}
table {{ border-collapse: collapse; margin: 1rem 0; }} th, td {{ border: 1px solid #ccc; padding: .3rem .6rem; text-align: left; }}
th {{ background: #f3f3f3; }} figure {{ display: inline-block; margin: 1rem; }} img {{ max-width: 520px; }}
.stop {{ color: #b00; font-weight: bold; }}
</style></head><body>
<h1>Pipeline {html.escape(report['pipeline'])}</h1>
<p>Held-out: {ev['tasks']} tasks of {html.escape(ev['env'])}, {ev['samples']} samples each.</p>
{table(HEAD, _rows(report))}{stopped}{scaffold}
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
    fig, ax = _figure()
    offset = 0
    for stage, rows in curves.items():
        evals = [(offset + r["step"], r["eval_pass@1"]) for r in rows if "eval_pass@1" in r]
        rewards = [(offset + r["step"], r["reward"]) for r in rows if "reward" in r]
        if evals:
            ax.plot(*zip(*evals), marker="o", label=f"{stage}: held-out pass@1")
        if rewards:
            ax.plot(*zip(*rewards), alpha=0.5, label=f"{stage}: training reward")
        offset += max((r["step"] for r in rows), default=0)
    ax.set_xlabel("step (stages one after another)")
    ax.set_ylim(0, 1)
    ax.legend(fontsize=7)
    return _png(fig)


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
