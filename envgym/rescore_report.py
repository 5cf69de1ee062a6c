"""What a rescore changed (``Impact``), as Markdown, a standalone HTML page and JSON.

On the same trajectories before and after (``envgym.rescore``):

- the labels (``correct``) that flipped each way, with a few examples, and the exact McNemar
  p-value of the flips (are they one-directional beyond chance?); rewards that changed without a
  flip (shaped rewards, partial credit) are counted apart;
- pass@1 and unbiased pass@k per task, before and after, their means with bootstrap intervals over
  tasks and the change with the paired bootstrap (``envgym.stats``): the same trajectories are
  judged twice, so pairing by task is exact;
- for a training run, every optimizer step with the share of the samples it trained on
  (``trained.jsonl``) whose reward changed: which updates the faulty rewards steered.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from envgym import report_plots as plots
from envgym.evaluate import pass_at_k
from envgym.report import _html, _markdown
from envgym.rollout.store import trajectory_key
from envgym.stats import MIN_TASKS, Interval, mcnemar, mean_interval, paired_difference

EXAMPLES = 3
TASK_ROWS = 40  # per-task rows shown in Markdown/HTML (all of them are in the JSON)
NOTE = ("Intervals are 95%: the bootstrap over tasks for each side, the paired bootstrap over the same tasks for the "
        f"change (below {MIN_TASKS} tasks, read them as descriptive). p is the exact McNemar test of the flips.")


@dataclass(frozen=True)
class TaskChange:
    """One task's samples: how many, how many correct before and after, and pass@1 / pass@k of each."""

    task_id: str
    samples: int
    correct_before: int
    correct_after: int
    pass1_before: float
    pass1_after: float
    passk_before: float
    passk_after: float


@dataclass(frozen=True)
class StepChange:
    """One optimizer step of a training run: the samples it trained on and those whose reward changed."""

    step: int
    samples: int
    changed: int
    lost: int
    gained: int
    keys: tuple[str, ...] = ()

    @property
    def share(self) -> float:
        return self.changed / self.samples if self.samples else 0.0


@dataclass(frozen=True)
class Impact:
    """What a rescore changed; see the module docstring. ``lost``: correct -> wrong, ``gained``: wrong -> correct."""

    source: str
    out: str
    scored_with: str
    before: Sequence[str]
    after: Sequence[str]
    trajectories: int
    lost: int
    gained: int
    reward_changed: int
    mcnemar_p: float
    examples: Mapping[str, Sequence[Mapping[str, Any]]]
    k: int
    metrics: Mapping[str, Mapping[str, Interval]]
    tasks: Sequence[TaskChange]
    steps: Sequence[StepChange] | None = None
    flipped: Mapping[str, Sequence[str]] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        out = {k: v for k, v in asdict(self).items() if k not in ("metrics", "tasks", "steps")}
        out["metrics"] = {m: {side: iv.to_dict() for side, iv in sides.items()} for m, sides in self.metrics.items()}
        out["tasks"] = [asdict(t) for t in self.tasks]
        out["steps"] = None if self.steps is None else [{**asdict(s), "share": s.share} for s in self.steps]
        return out


def impact(pairs: Sequence[Any], *, source: str, out: str, scored_with: str,
           trained: Sequence[Mapping[str, Any]] | None = None, examples: int = EXAMPLES) -> Impact:
    """The impact of a rescore from its ``Pair``s (``envgym.rescore``); ``trained``: a run's ``trained.jsonl`` records."""
    if not pairs:
        raise ValueError(f"{source}: no stored trajectories to rescore")
    lost = [p for p in pairs if p.flip < 0]
    gained = [p for p in pairs if p.flip > 0]
    tasks, k = _tasks(pairs)
    metrics = {"pass@1": _sides([t.pass1_before for t in tasks], [t.pass1_after for t in tasks])}
    if k > 1:
        metrics[f"pass@{k}"] = _sides([t.passk_before for t in tasks], [t.passk_after for t in tasks])
    return Impact(
        source=source, out=out, scored_with=scored_with,
        before=sorted({_stamp(p.before) for p in pairs}), after=sorted({_stamp(p.after) for p in pairs}),
        trajectories=len(pairs), lost=len(lost), gained=len(gained),
        reward_changed=sum(1 for p in pairs if p.flip == 0 and _changed(p)),
        mcnemar_p=mcnemar(len(lost), len(gained)),
        examples={"lost": [_example(p) for p in lost[:examples]], "gained": [_example(p) for p in gained[:examples]]},
        k=k, metrics=metrics, tasks=tasks, steps=None if trained is None else _steps(pairs, trained),
        flipped={"lost": [_where(p) for p in lost], "gained": [_where(p) for p in gained]},
    )


def _changed(p: Any) -> bool:
    return abs(p.after.reward - p.before.reward) > 1e-9 or p.flip != 0


def _where(p: Any) -> str:
    return f"{Path(p.source).name}:{trajectory_key(p.before)}"


def _stamp(t: Any) -> str:
    v, e = t.provenance.verifier, t.provenance.env
    show = lambda fp: "unrecorded" if fp is None else f"{fp.name} {fp.version or 'unversioned'} ({fp.digest[:12]})"  # noqa: E731
    return f"env {show(e)}, verifier {show(v)}"


def _example(p: Any) -> dict[str, Any]:
    last = next((u for u in reversed(p.after.turns) if u.verdict is not None), None)
    old = next((u for u in reversed(p.before.turns) if u.verdict is not None), None)
    text = (last.text if last else "").replace("\n", "⏎").replace("|", "¦")  # one table cell
    return {"where": _where(p), "task_id": p.before.task_id, "seed": p.before.seed, "sample": p.before.sample,
            "answer": text if len(text) <= 160 else "..." + text[-157:],
            "before": f"{p.before.reward:g} ({old.verdict.reason if old else ''})",
            "after": f"{p.after.reward:g} ({last.verdict.reason if last else ''})"}


def _tasks(pairs: Sequence[Any]) -> tuple[list[TaskChange], int]:
    by_task: dict[str, list[Any]] = defaultdict(list)
    for p in pairs:
        by_task[p.before.task_id].append(p)
    k = min(len(ps) for ps in by_task.values())
    rows = []
    for task_id, ps in sorted(by_task.items()):
        n, b, a = len(ps), sum(p.before.correct for p in ps), sum(p.after.correct for p in ps)
        rows.append(TaskChange(task_id, n, b, a, b / n, a / n, pass_at_k(n, b, k), pass_at_k(n, a, k)))
    return rows, k


def _sides(before: Sequence[float], after: Sequence[float]) -> dict[str, Interval]:
    return {"before": mean_interval(before), "after": mean_interval(after), "change": paired_difference(before, after)}


def _steps(pairs: Sequence[Any], trained: Sequence[Mapping[str, Any]]) -> list[StepChange]:
    """Each step's trained samples (``trained.jsonl``) against the rescored rollouts of that step's files."""
    by_step: dict[int, dict[str, Any]] = defaultdict(dict)
    for p in pairs:
        name = Path(p.source).name  # step-NNNNNN-CC-TAG.jsonl, NNNNNN = the step before its update
        if name.startswith("step-"):
            by_step[int(name.split("-")[1]) + 1][trajectory_key(p.before)] = p
    out = []
    for record in trained:
        step, found = int(record["step"]), by_step.get(int(record["step"]), {})
        used = [found[key] for key in record["keys"] if key in found]
        changed = [p for p in used if _changed(p)]
        out.append(StepChange(step, len(record["keys"]), len(changed), sum(p.flip < 0 for p in changed),
                              sum(p.flip > 0 for p in changed), tuple(trajectory_key(p.before) for p in changed)))
    return out


def summary(done: Any) -> list[str]:
    """The lines ``envgym rescore`` prints: the flips, the change in pass@1, the steps hit, where it wrote."""
    r: Impact = done.impact
    lines = [f"rescored {r.trajectories} trajectories with {r.scored_with}: {r.lost} correct -> wrong, "
             f"{r.gained} wrong -> correct, {r.reward_changed} other rewards changed (McNemar p = {r.mcnemar_p:.3g})"]
    lines += [f"{m}: {s['before']} -> {s['after']}, change {s['change']}" for m, s in r.metrics.items()]
    if r.steps is not None:
        hit = [s for s in r.steps if s.changed]
        lines.append(f"{len(hit)} of {len(r.steps)} training steps trained on changed rewards"
                     + (": " + ", ".join(f"step {s.step} ({s.share:.0%})" for s in hit) if hit else ""))
    lines.append(f"new store: {r.out} (the original is unchanged)")
    lines.append("report: " + ", ".join(str(p) for p in done.reports))
    return lines


# ---- rendering -----------------------------------------------------------------------------------


def write(result: Impact, stem: Path) -> list[Path]:
    """``stem.md``, ``stem.html`` and ``stem.json``; returns their paths."""
    sections, figures = _sections(result)
    paths = [stem.with_name(stem.name + ext) for ext in (".md", ".html", ".json")]
    paths[0].write_text(_markdown(sections))
    paths[1].write_text(_html(f"rescore of {result.source}", sections, figures))
    paths[2].write_text(json.dumps(result.to_json(), indent=2))
    return paths


def _sections(r: Impact) -> tuple[list[Any], dict[str, bytes]]:
    intro = [f"Rescored {r.trajectories} trajectories of **{r.source}** with {r.scored_with}. "
             f"The rescored store is **{r.out}**; the original is unchanged.",
             "Scored before by: " + "; ".join(r.before), "Scored after by: " + "; ".join(r.after), NOTE]
    flips = [(["labels", "trajectories", "share"],
              [["correct -> wrong", str(r.lost), f"{r.lost / r.trajectories:.3f}"],
               ["wrong -> correct", str(r.gained), f"{r.gained / r.trajectories:.3f}"],
               ["reward changed, label kept", str(r.reward_changed), f"{r.reward_changed / r.trajectories:.3f}"]]),
             f"Exact McNemar p = {r.mcnemar_p:.3g} ({r.lost} lost, {r.gained} gained)."]
    for direction, heading in (("lost", "correct -> wrong"), ("gained", "wrong -> correct")):
        if r.examples[direction]:
            flips.append(f"Examples, {heading}:")
            flips.append((["where", "task", "answer", "before", "after"],
                          [[e["where"], e["task_id"], e["answer"], e["before"], e["after"]] for e in r.examples[direction]]))
    metrics = [(["metric", "before", "after", "change (paired)"],
                [[m, str(s["before"]), str(s["after"]), str(s["change"])] for m, s in r.metrics.items()])]
    moved = [t for t in r.tasks if t.correct_before != t.correct_after]
    if moved:
        metrics.append(f"Tasks whose pass@1 changed: {len(moved)} of {len(r.tasks)}"
                       + (f" (the first {TASK_ROWS} below; all in the JSON)." if len(moved) > TASK_ROWS else "."))
        metrics.append((["task", "samples", "pass@1 before", "pass@1 after", f"pass@{r.k} before", f"pass@{r.k} after"],
                        [[t.task_id, str(t.samples), f"{t.pass1_before:.3f}", f"{t.pass1_after:.3f}",
                          f"{t.passk_before:.3f}", f"{t.passk_after:.3f}"] for t in moved[:TASK_ROWS]]))
    sections = [(f"Rescore of {r.source}", intro), ("Flipped labels", flips),
                (f"pass@1 and pass@{r.k} per task, same trajectories", metrics)]
    shares = []
    if r.steps is not None:
        hit = [s for s in r.steps if s.changed]
        lines = [f"{len(hit)} of {len(r.steps)} optimizer steps trained on samples whose reward changed"
                 + (f": steps {', '.join(str(s.step) for s in hit)}." if hit else "."),
                 (["step", "trained samples", "reward changed", "share", "correct -> wrong", "wrong -> correct"],
                  [[str(s.step), str(s.samples), str(s.changed), f"{s.share:.3f}", str(s.lost), str(s.gained)]
                   for s in r.steps])]
        sections.append(("Training steps", lines))
        shares = [(s.step, s.share) for s in r.steps]
    figures = {"Before and after (95% intervals); changed share per step": plots.rescore(
        [(m, s["before"], s["after"]) for m, s in r.metrics.items()], shares)}
    return sections, figures
