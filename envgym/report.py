"""Reports of a pipeline run: Markdown, a standalone HTML page with plots, and the JSON beside them.

    write_report("runs/arithmetic")      # reads report.json and each stage's metrics.jsonl

One seed: every stage's greedy and sampled pass@1 with 95% intervals, its change from the stage
before with a paired interval, the split into expansion, reshaping and attrition, the dominant
role (named only beyond noise), what training drew against the held-out tasks, the scaffolded
against amortized table with cost per solved task, and the reward-hacking monitors. Several seeds
(``report.json`` written by ``envgym.claims.aggregate``): the claims, each flagged where it does not
hold on every seed, the means across seeds with their intervals, and a row per seed and stage.

Plots (matplotlib, embedded as PNG so the page is one file), every estimate with its interval as
an error bar: learning curves per stage (held-out pass@1 and training reward against steps; one
line per seed), pass@1 per stage, each stage's change (split into its parts for one seed, per seed
for several), and cost against accuracy per scaffold.
"""

from __future__ import annotations

import base64
import html
import json
import math
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from envgym import report_plots as plots
from envgym.results import (CHANGED, EvalSettings, HeldOutSummary, Measurement, Metric, PipelineReport, SeedsReport,
                            StageRecord, TrainedCheck, read_report)
from envgym.stats import Interval

INTERVALS_NOTE = ("Intervals are 95%: Wilson's for greedy pass@1 (one answer per task), the bootstrap over tasks for "
                  "sampled pass@1, pass@k and cost, the paired bootstrap over the same tasks for changes.")


def write_report(run: str | Path) -> tuple[Path, Path]:
    """Write ``report.md`` and ``report.html`` into the run folder; return their paths."""
    run = Path(run)
    report = read_report(run / "report.json")
    if isinstance(report, SeedsReport):
        sections, figures = _many(run, report)
    else:
        sections, figures = _one(run, report)
    md, page = run / "report.md", run / "report.html"
    md.write_text(_markdown(sections))
    page.write_text(_html(report.pipeline, sections, figures))
    return md, page


# ---- one seed ------------------------------------------------------------------------------------

HEAD = ["stage", "learner", "scaffold", "greedy pass@1", "change", "sampled pass@1", "change", "pass@k", "support",
        "dominant role"]
SCAFFOLD_HEAD = ["scaffold", "pass@1", "mean reward", "solved", "tokens / solved", "calls / solved", "tool calls / solved",
                 "checkpoint of"]
MONITOR_HEAD = ["stage", "unearned reward (mean)", "length drift (last step)", "second-verifier disagreement (mean)"]
MONITORS = ("unearned_reward", "length_drift", "verifier_disagreement")

Section = tuple[str, list[Any]]  # a heading ("" for none) and its items: paragraphs (str) or tables ((head, rows))


def _one(run: Path, report: PipelineReport) -> tuple[list[Section], dict[str, bytes]]:
    curves = {s.stage: _metrics(run / s.stage / "train" / "metrics.jsonl") for s in report.stages}
    scaffolds = json.loads((run / "eval.json").read_text()) if (run / "eval.json").exists() else []
    title = f"Pipeline {report.pipeline}" + (f" (seed {report.seed})" if report.seed is not None else "")
    intro = [_held_out_line(report.eval, report.held_out), _trained_line([(s.stage, s.trained) for s in report.stages]),
             INTERVALS_NOTE, (HEAD, _stage_rows(report))]
    evidence = [f"**{s.stage}** ({_scaffold_label(s.scaffold)}): {s.diagnostics.evidence}" for s in report.stages]
    if report.stopped:
        intro.append(f"**Stopped** after stage {report.stopped.stage}: {report.stopped.gate}")
    sections: list[Section] = [(title, [i for i in intro if i]), ("What each stage did (sampled pass@1)", evidence)]
    if scaffolds:
        sections.append(("Scaffolded against amortized", [(SCAFFOLD_HEAD, _scaffold_rows(scaffolds)),
                                                          *_fidelity_lines(report.handoff_fidelity)]))
    monitors = _monitor_rows(curves)
    if monitors:
        sections.append(("Reward-hacking monitors", [(MONITOR_HEAD, monitors)]))
    figures = {"Learning curves": plots.learning_curves({"": curves}),
               "pass@1 per stage (95% intervals)": plots.pass_per_stage(_stage_points(report)),
               "What each stage did (sampled pass@1, 95% paired intervals)": plots.roles(report.stages)}
    if scaffolds:
        figures["Cost against accuracy"] = plots.cost(scaffolds)
    return sections, figures


def _stage_rows(report: PipelineReport) -> list[list[str]]:
    def cells(m: Measurement, record: StageRecord | None) -> list[str]:
        return [_value(m, "greedy_pass@1"), _change(record, "greedy_pass@1"), _value(m, "pass@1"),
                _change(record, "pass@1"), _value(m, "pass@k"), f"{m.support}/{m.prompts}"]

    rows = [["(start)", "", report.start.scaffold, *cells(report.start, None), ""]]
    for s in report.stages:
        rows.append([s.stage, s.learner, s.scaffold, *cells(s.after, s), s.diagnostics.dominant])
    return rows


def _value(m: Measurement, metric: Metric) -> str:
    interval = m.interval(metric)
    return f"{m.value(metric):.3f}" if interval is None else str(interval)


def _change(record: StageRecord | None, metric: Metric) -> str:
    return str(record.change[metric]) if record and metric in record.change else ""


def _scaffold_label(scaffold: str) -> str:
    return "bare" if scaffold == "none" else f"under {scaffold}"


def _held_out_line(ev: EvalSettings, held: HeldOutSummary | None) -> str:
    where = held.description if held else f"{ev.tasks} tasks of {ev.env}"
    return f"Held out: {where}. Every policy answers each once greedily and {ev.samples} times at temperature 1."


def _trained_line(stages: Sequence[tuple[str, TrainedCheck | None]]) -> str:
    """``stages``: (label, what it trained on) per stage."""
    checked = [(name, t) for name, t in stages if t]
    if not checked:
        return ""
    leaks = [name for name, t in checked if t.held_out]
    counts = ", ".join(f"{name} {t.tasks}" for name, t in checked)
    if leaks:
        return f"**Held-out tasks were trained on**: {', '.join(leaks)} (see trained.jsonl)."
    return f"No held-out task was trained on. Distinct training tasks per stage (none held out): {counts}."


def _scaffold_rows(scaffolds: Sequence[Mapping[str, Any]]) -> list[list[str]]:
    rows = []
    for r in scaffolds:
        iv = r.get("intervals", {})
        per = r["cost_per_solved"]
        tokens = None if per["prompt_tokens"] is None else per["prompt_tokens"] + per["completion_tokens"]
        pass1 = str(Interval.from_dict(iv["pass@1"])) if "pass@1" in iv else f"{r['pass_at']['1']:.3f}"
        rows.append([r["scaffold"], pass1, f"{r['mean_reward']:.3f}", f"{r['solved']}/{r['tasks'] * r['samples']}",
                     _cost(iv.get("cost_per_solved.tokens"), tokens, ".0f"),
                     _cost(iv.get("cost_per_solved.model_calls"), per["model_calls"], ".2f"),
                     _cost(iv.get("cost_per_solved.tool_calls"), per["tool_calls"], ".2f"), r.get("stage", "")])
    return rows


def _cost(interval: Mapping[str, Any] | None, value: Any, fmt: str) -> str:
    if value is None:
        return "n/a"
    if interval is None:
        return format(value, fmt)
    high = "inf" if interval["high"] is None else format(interval["high"], fmt)
    return f"{format(value, fmt)} [{format(interval['low'], fmt)}, {high}]"


def _fidelity_lines(fidelity: Mapping[str, Interval | None]) -> list[str]:
    return [f"Handoff fidelity ({name}): {value} (bare pass@1 / scaffolded pass@1 on the same tasks)"
            for name, value in fidelity.items() if value is not None and math.isfinite(value.estimate)]


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


def _stage_points(report: PipelineReport) -> dict[str, list[tuple[str, Interval]]]:
    """Per metric: (stage name, interval) for the start and each stage."""
    rows = [("start", report.start)] + [(s.stage, s.after) for s in report.stages]
    return {m: [(name, r.interval(m) or Interval(r.value(m), r.value(m), r.value(m), "none")) for name, r in rows]
            for m in CHANGED}


def _metrics(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []


# ---- several seeds -------------------------------------------------------------------------------

MANY_HEAD = ["stage", "learner", "scaffold", "greedy pass@1", "change", "sampled pass@1", "change", "pass@k"]
SEED_HEAD = ["seed", "stage", "greedy pass@1", "change (paired)", "sampled pass@1", "change (paired)", "dominant role"]


def _many(run: Path, report: SeedsReport) -> tuple[list[Section], dict[str, bytes]]:
    seeds = report.seeds
    runs = {seed: PipelineReport.from_json(json.loads((run / f"seed-{seed}" / "report.json").read_text())) for seed in seeds}
    claims = ["\n".join(("- holds on every seed: " if c.holds_on_every_seed else "- ") + c.statement for c in report.claims)]
    trained = [(f"seed {t.seed} {t.stage}", t.trained) for t in report.trained]
    intro = [f"{len(seeds)} seeds ({', '.join(map(str, seeds))}), the whole pipeline once each.",
             _held_out_line(report.eval, report.held_out), _trained_line(trained), INTERVALS_NOTE]
    if report.stopped:
        intro.append(f"**Stopped** early on seeds {', '.join(map(str, report.stopped))}: only the stages every seed finished are aggregated.")
    sections: list[Section] = [
        (f"Pipeline {report.pipeline}: {len(seeds)} seeds", [i for i in intro if i]),
        ("Claims (each stage's change, paired on the same tasks, on every seed)", claims),
        ("Across seeds (mean [95% interval across seeds])", [(MANY_HEAD, _across_rows(report))]),
        ("Per seed", [(SEED_HEAD, _seed_rows(runs)), "Each seed's own report: " + ", ".join(
            f"seed-{s}/report.md" for s in seeds)]),
    ]
    if report.scaffolds:
        fidelity = report.handoff_fidelity or {}
        rows = [[r.scaffold, str(r.pass1), ", ".join(f"{v:.3f}" for v in r.per_seed.values()),
                 _fidelity_cell(fidelity.get(r.scaffold))] for r in report.scaffolds]
        sections.append(("Scaffolded against amortized (final checkpoints, greedy)",
                         [(["scaffold", "pass@1 across seeds", "per seed", "handoff fidelity across seeds"], rows),
                          "Cost per solved task for each seed is in its own report."]))
    curves = {f"seed {seed}": {s.stage: _metrics(run / f"seed-{seed}" / s.stage / "train" / "metrics.jsonl")
                               for s in r.stages} for seed, r in runs.items()}
    figures = {"Learning curves (one line per seed)": plots.learning_curves(curves),
               "pass@1 per stage: each seed, and the mean with its interval across seeds": plots.pass_across_seeds(report, runs),
               "Each stage's change per seed (95% paired intervals)": plots.changes_per_seed(runs)}
    first = run / f"seed-{seeds[0]}" / "eval.json"
    if first.exists():
        figures[f"Cost against accuracy (seed {seeds[0]})"] = plots.cost(json.loads(first.read_text()))
    return sections, figures


def _across_rows(report: SeedsReport) -> list[list[str]]:
    start = report.start
    rows = [["(start)", "", "none", str(start.greedy_pass1), "", str(start.pass1), "", str(start.passk)]]
    for s in report.stages:
        m, c = s.metrics, s.change
        rows.append([s.stage, s.learner, s.scaffold, str(m.greedy_pass1), _signed(c["greedy_pass@1"]),
                     str(m.pass1), _signed(c["pass@1"]), str(m.passk)])
    return rows


def _signed(iv: Interval) -> str:
    fmt = lambda x: "inf" if not math.isfinite(x) else f"{x:+.3f}"  # noqa: E731
    return f"{fmt(iv.estimate)} [{fmt(iv.low)}, {fmt(iv.high)}]"


def _seed_rows(runs: Mapping[int, PipelineReport]) -> list[list[str]]:
    rows = []
    for seed, r in runs.items():
        for s in r.stages:
            rows.append([str(seed), s.stage, _value(s.after, "greedy_pass@1"), _change(s, "greedy_pass@1"),
                         _value(s.after, "pass@1"), _change(s, "pass@1"), s.diagnostics.dominant])
    return rows


def _fidelity_cell(value: Interval | None) -> str:
    return "n/a" if value is None or not math.isfinite(value.estimate) else str(value)


# ---- rendering -----------------------------------------------------------------------------------


def _markdown(sections: Sequence[Section]) -> str:
    def table(head: list[str], rows: list[list[str]]) -> str:
        lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
        return "\n".join(lines + ["| " + " | ".join(r) + " |" for r in rows])

    parts = []
    for i, (heading, items) in enumerate(sections):
        parts.append(("# " if i == 0 else "## ") + heading)
        for item in items:
            parts.append(table(*item) if isinstance(item, tuple) else item)
    return "\n\n".join(parts) + "\n"


def _html(page_title: str, sections: Sequence[Section], figures: Mapping[str, bytes]) -> str:
    def table(head: list[str], rows: list[list[str]]) -> str:
        cells = "".join(f"<th>{html.escape(h)}</th>" for h in head)
        body = "".join("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in r) + "</tr>" for r in rows)
        return f"<table><thead><tr>{cells}</tr></thead><tbody>{body}</tbody></table>"

    def inline(text: str) -> str:
        escaped = html.escape(text)
        while escaped.count("**") >= 2:
            escaped = escaped.replace("**", "<b>", 1).replace("**", "</b>", 1)
        return escaped

    def paragraph(text: str) -> str:
        lines = text.splitlines()
        if lines and all(line.startswith("- ") for line in lines):  # a Markdown list
            return "<ul>" + "".join(f"<li>{inline(line[2:])}</li>" for line in lines) + "</ul>"
        return f"<p>{inline(text)}</p>"

    body = []
    for i, (heading, items) in enumerate(sections):
        body.append(f"<h{1 if i == 0 else 2}>{html.escape(heading)}</h{1 if i == 0 else 2}>")
        body += [table(*item) if isinstance(item, tuple) else paragraph(item) for item in items]
    images = "".join(
        f'<figure{" class=wide" if title.startswith("Learning curves") else ""}><img alt="{html.escape(title)}" '
        f'src="data:image/png;base64,{base64.b64encode(png).decode()}"><figcaption>{html.escape(title)}</figcaption></figure>'
        for title, png in figures.items())
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>envgym: {html.escape(page_title)}</title>
<style>
body {{ font-family: system-ui, sans-serif; margin: 2rem auto; max-width: 1200px; color: #222; }}
table {{ border-collapse: collapse; margin: 1rem 0; }} th, td {{ border: 1px solid #ccc; padding: .3rem .6rem; text-align: left; }}
th {{ background: #f3f3f3; }} figure {{ display: inline-block; margin: 1rem; }} img {{ max-width: 560px; }} .wide img {{ max-width: 1160px; }}
</style></head><body>
{"".join(body)}
<h2>Plots</h2>{images}
</body></html>
"""
