"""The report's plots (matplotlib, returned as PNG bytes), every estimate drawn with its 95% interval."""

from __future__ import annotations

import io
import math
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from envgym.results import AcrossSeeds, Measurement, Metric, PipelineReport, SeedsReport, StageRecord
from envgym.stats import Interval

PALETTE = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b")
ROLE_COLOURS = {"expansion": "#2a9d8f", "reshaping": "#e9c46a", "attrition": "#e76f51"}
METRIC_LABELS: dict[Metric, str] = {"greedy_pass@1": "greedy pass@1", "pass@1": "sampled pass@1"}


def _pyplot() -> Any:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def _png(fig: Any) -> bytes:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=90, bbox_inches="tight")
    _pyplot().close(fig)
    return buffer.getvalue()


def _errors(intervals: Sequence[Interval]) -> tuple[list[float], list[list[float]]]:
    """Estimates and matplotlib's (below, above) error lengths; an unbounded side is drawn as none."""
    values = [iv.estimate for iv in intervals]
    below = [max(0.0, iv.estimate - iv.low) if math.isfinite(iv.low) else 0.0 for iv in intervals]
    above = [max(0.0, iv.high - iv.estimate) if math.isfinite(iv.high) else 0.0 for iv in intervals]
    return values, [below, above]


def _point(value: float) -> Interval:
    """A number drawn without an error bar."""
    return Interval(value, value, value, "none")


def learning_curves(runs: Mapping[str, Mapping[str, list[dict[str, Any]]]]) -> bytes:
    """One panel per stage; per run (seed), held-out greedy pass@1 and the training reward's running mean."""
    plt = _pyplot()
    stages = list(dict.fromkeys(stage for curves in runs.values() for stage in curves)) or ["(no stages)"]
    fig, axes = plt.subplots(1, len(stages), figsize=(max(6, 3.6 * len(stages)), 3.4), sharey=True, squeeze=False)
    for ax, stage in zip(axes[0], stages):
        for colour, (label, curves) in zip(PALETTE * 4, runs.items()):
            rows = curves.get(stage, [])
            evals = [(r["step"], r["eval_pass@1"]) for r in rows if "eval_pass@1" in r]
            rewards = [(r["step"], r["reward"]) for r in rows if "reward" in r]
            suffix = f" ({label})" if label else ""
            if rewards:
                ax.plot(*zip(*_running_mean(rewards)), color=colour, alpha=0.35, linestyle="--",
                        label=f"training reward, mean of 5{suffix}")
            if evals:
                ax.plot(*zip(*evals), marker="o", markersize=3, color=colour, label=f"held-out pass@1 (greedy){suffix}")
        ax.set_title(stage, fontsize=9)
        ax.set_xlabel("step", fontsize=8)
        ax.set_ylim(0, 1)
        ax.legend(fontsize=6, loc="upper left")
    fig.tight_layout()
    return _png(fig)


def _running_mean(points: list[tuple[int, float]], window: int = 5) -> list[tuple[int, float]]:
    out = []
    for i, (step, _) in enumerate(points):
        recent = [v for _, v in points[max(0, i - window + 1):i + 1]]
        out.append((step, sum(recent) / len(recent)))
    return out


def pass_per_stage(points: Mapping[str, Sequence[tuple[str, Interval]]]) -> bytes:
    """Bars of greedy and sampled pass@1 per stage with their intervals."""
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(6, 3.6))
    width = 0.8 / max(len(points), 1)
    for j, (metric, rows) in enumerate(points.items()):
        values, errors = _errors([d for _, d in rows])
        x = [i - 0.4 + width * (j + 0.5) for i in range(len(rows))]
        ax.bar(x, values, width=width, yerr=errors, capsize=3, label=METRIC_LABELS.get(metric, metric), color=PALETTE[j])
    names = [name for name, _ in next(iter(points.values()), [])]
    ax.set_xticks(range(len(names)), names)
    ax.set_ylim(0, 1)
    ax.legend(fontsize=8)
    return _png(fig)


def roles(stages: Sequence[StageRecord]) -> bytes:
    """Each stage's sampled pass@1 change split into expansion, reshaping and attrition, with paired intervals."""
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(6, 3.6))
    names = [s.stage for s in stages]
    for offset, (role, colour) in zip((-0.27, 0.0, 0.27), ROLE_COLOURS.items()):
        intervals = [s.diagnostics.intervals.get(role) or _point(getattr(s.diagnostics, role)) for s in stages]
        values, errors = _errors(intervals)
        ax.bar([i + offset for i in range(len(names))], values, width=0.27, yerr=errors, capsize=3, label=role, color=colour)
    ax.set_xticks(range(len(names)), names)
    ax.axhline(0, color="#444", linewidth=0.8)
    ax.set_ylabel("share of the pass@1 change")
    ax.legend(fontsize=8)
    return _png(fig)


def cost(scaffolds: Sequence[Mapping[str, Any]]) -> bytes:
    """pass@1 (with its interval) against model calls per episode, one point per scaffold."""
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(6, 3.6))
    for colour, r in zip(PALETTE * 4, scaffolds):
        calls = r["cost"]["model_calls"] / max(r["tasks"] * r["samples"], 1)
        raw = r.get("intervals", {}).get("pass@1")
        interval = Interval.from_dict(raw) if raw else _point(r["pass_at"]["1"])
        values, errors = _errors([interval])
        ax.errorbar([calls], values, yerr=errors, fmt="o", capsize=3, color=colour, markersize=7)
        ax.annotate(r["scaffold"], (calls, values[0]), textcoords="offset points", xytext=(6, 6))
    ax.set_xlabel("model calls per episode")
    ax.set_ylabel("pass@1")
    ax.set_ylim(0, 1)
    return _png(fig)


def pass_across_seeds(report: SeedsReport, runs: Mapping[int, PipelineReport]) -> bytes:
    """Per stage and metric: each seed's value as a dot, the mean with its interval across seeds."""
    plt = _pyplot()
    fig, axes = plt.subplots(1, 2, figsize=(11, 3.6), sharey=True)
    rows: list[tuple[str, AcrossSeeds, Callable[[PipelineReport], Measurement]]] = [("start", report.start, lambda r: r.start)]
    rows += [(s.stage, s.metrics, lambda r, i=i: r.stages[i].after) for i, s in enumerate(report.stages)]
    for ax, metric in zip(axes, METRIC_LABELS):
        values, errors = _errors([m.interval(metric) for _, m, _ in rows])
        ax.errorbar(range(len(rows)), values, yerr=errors, fmt="s", capsize=5, color="#222", label="mean across seeds")
        for colour, (seed, run) in zip(PALETTE * 4, runs.items()):
            ys = [pick(run).value(metric) for _, _, pick in rows]
            ax.scatter([i + 0.12 for i in range(len(rows))], ys, s=14, color=colour, label=f"seed {seed}")
        ax.set_xticks(range(len(rows)), [name for name, _, _ in rows])
        ax.set_title(METRIC_LABELS[metric], fontsize=9)
        ax.set_ylim(0, 1)
        ax.legend(fontsize=7)
    fig.tight_layout()
    return _png(fig)


def changes_per_seed(runs: Mapping[int, PipelineReport]) -> bytes:
    """Each stage's change (greedy and sampled pass@1) on each seed, with its paired interval."""
    plt = _pyplot()
    fig, axes = plt.subplots(1, 2, figsize=(11, 3.6), sharey=True)
    first = next(iter(runs.values()))
    names = [s.stage for s in first.stages]
    width = 0.8 / max(len(runs), 1)
    for ax, metric in zip(axes, METRIC_LABELS):
        for j, (colour, (seed, run)) in enumerate(zip(PALETTE * 4, runs.items())):
            intervals = [s.change[metric] for s in run.stages]
            values, errors = _errors(intervals)
            x = [i - 0.4 + width * (j + 0.5) for i in range(len(intervals))]
            ax.bar(x, values, width=width, yerr=errors, capsize=3, color=colour, label=f"seed {seed}")
        ax.axhline(0, color="#444", linewidth=0.8)
        ax.set_xticks(range(len(names)), names)
        ax.set_title(f"change in {METRIC_LABELS[metric]}", fontsize=9)
        ax.legend(fontsize=7)
    fig.tight_layout()
    return _png(fig)


def rescore(metrics: Sequence[tuple[str, Interval, Interval]], shares: Sequence[tuple[int, float]]) -> bytes:
    """``envgym rescore``: each metric before and after on the same trajectories (95% intervals), and
    for a training run the share of each step's trained samples whose reward changed."""
    plt = _pyplot()
    fig, axes = plt.subplots(1, 2 if shares else 1, figsize=(10 if shares else 5, 3.4), squeeze=False)
    ax = axes[0][0]
    for offset, (label, side) in enumerate((("before", 1), ("after", 2))):
        values, errors = _errors([row[side] for row in metrics])
        ax.errorbar([i + 0.15 * (2 * offset - 1) for i in range(len(metrics))], values, yerr=errors, fmt="o",
                    capsize=4, color=PALETTE[offset], label=label)
    ax.set_xticks(range(len(metrics)), [row[0] for row in metrics])
    ax.set_ylim(-0.02, 1.02)
    ax.legend()
    ax.set_title("same trajectories, before and after")
    if shares:
        ax = axes[0][1]
        ax.bar([s for s, _ in shares], [v for _, v in shares], color=PALETTE[3])
        ax.set_xlabel("training step")
        ax.set_ylabel("share of trained samples")
        ax.set_ylim(0, max([v for _, v in shares] + [0.05]) * 1.15)
        ax.set_title("samples whose reward changed")
        if len(shares) <= 30:
            ax.set_xticks([s for s, _ in shares])
    fig.tight_layout()
    return _png(fig)
