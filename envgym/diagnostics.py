"""What a training stage did, measured on a fixed held-out prompt set with k samples per prompt.

Per policy: the empirical support (prompts with at least one verified success among the k
samples), pass@1 and pass@k. Between two policies (before and after a stage):

- expansion: prompts newly in the support (the stage made them solvable);
- attrition: prompts that left the support (the stage lost them);
- reshaping: the pass@1 change on prompts in both supports (sharper choices where already in reach).

The pass@1 change splits exactly into those three parts (each prompt's change, summed over the
expanded, retained and lost prompts, divided by the prompt count). Each part, and the change
itself, carries a 95% interval from the paired bootstrap over prompts (the same resampled prompts
for all four, so the split holds inside every resample; ``envgym.stats``). A stage's dominant
role is named only when the change is beyond noise (its interval excludes zero): then it is the
largest part that moves the same way and is itself beyond noise. Otherwise the role is
``no significant change``, whatever the point estimates say. Handoff fidelity is amortized
pass@1 divided by scaffolded pass@1: how much of a scaffold's accuracy the bare policy kept after
consolidation.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from envgym.evaluate import pass_at_k
from envgym.stats import MIN_TASKS, Interval, bootstrap

NO_CHANGE = "no significant change"
ROLES = ("expansion", "reshaping", "attrition")


@dataclass(frozen=True)
class Outcomes:
    """Per prompt: (samples, verified successes)."""

    counts: Mapping[str, tuple[int, int]]

    @classmethod
    def from_trajectories(cls, trajectories: Iterable[Any]) -> Outcomes:
        counts: dict[str, list[int]] = {}
        for t in trajectories:
            n_c = counts.setdefault(t.task_id, [0, 0])
            n_c[0] += 1
            n_c[1] += bool(t.correct)
        return cls({task: (n, c) for task, (n, c) in counts.items()})

    @property
    def support(self) -> frozenset[str]:
        return frozenset(task for task, (_, c) in self.counts.items() if c > 0)

    def pass_at(self, k: int = 1) -> float:
        return sum(pass_at_k(n, c, k) for n, c in self.counts.values()) / len(self.counts)

    def p1(self, task: str) -> float:
        n, c = self.counts[task]
        return c / n


@dataclass(frozen=True)
class StageReport:
    """Before and after one stage, on the same prompts."""

    prompts: int
    pass1_before: float
    pass1_after: float
    support_before: int
    support_after: int
    expanded: tuple[str, ...]
    lost: tuple[str, ...]
    retained: int
    expansion: float
    """Share of the pass@1 change from newly solvable prompts (>= 0)."""
    attrition: float
    """Share of the pass@1 change from prompts that left the support (<= 0)."""
    reshaping: float
    """Share of the pass@1 change from prompts in both supports."""
    reshaping_on_retained: float
    """Mean pass@1 change on the retained prompts."""
    intervals: Mapping[str, Interval]
    """95% paired-bootstrap intervals of ``change`` (the pass@1 change) and of each part."""

    @property
    def significant(self) -> bool:
        """Whether the pass@1 change is beyond noise: its interval excludes zero, on enough prompts for
        the bootstrap to be trusted (``envgym.stats.MIN_TASKS``; below that it is too narrow)."""
        return self.prompts >= MIN_TASKS and self.intervals["change"].excludes(0.0)

    @property
    def dominant(self) -> str:
        """The largest part moving with a change that is beyond noise, itself beyond noise; else
        ``no significant change``."""
        change = self.intervals["change"]
        parts = [r for r in ROLES if self.intervals[r].excludes(0.0) and self.intervals[r].sign == change.sign]
        if not self.significant or not parts:
            return NO_CHANGE
        return max(parts, key=lambda r: abs(getattr(self, r)))

    @property
    def evidence(self) -> str:
        iv = self.intervals
        return (f"pass@1 {self.pass1_before:.3f} -> {self.pass1_after:.3f}, change {iv['change']}: expansion "
                f"{iv['expansion']} ({len(self.expanded)} prompts newly solved), reshaping {iv['reshaping']} "
                f"({self.retained} retained, {self.reshaping_on_retained:+.3f} each), attrition {iv['attrition']} "
                f"({len(self.lost)} prompts lost)")

    def to_dict(self) -> dict[str, Any]:
        plain = {k: getattr(self, k) for k in self.__dataclass_fields__ if k != "intervals"}
        return {**plain, "intervals": {k: v.to_dict() for k, v in self.intervals.items()},
                "significant": self.significant, "dominant": self.dominant, "evidence": self.evidence}

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> StageReport:
        """Read ``to_dict``'s output back (``significant``, ``dominant`` and ``evidence`` are recomputed)."""
        plain = {k: d[k] for k in cls.__dataclass_fields__ if k != "intervals"}
        return cls(**{**plain, "expanded": tuple(d["expanded"]), "lost": tuple(d["lost"]),
                      "intervals": {k: Interval.from_dict(v) for k, v in d["intervals"].items()}})


def compare(before: Outcomes, after: Outcomes, *, seed: int = 0) -> StageReport:
    """The stage between two policies evaluated on the same prompts."""
    if set(before.counts) != set(after.counts):
        missing = sorted(set(before.counts) ^ set(after.counts))[:5]
        raise ValueError(f"compare: the two evaluations cover different prompts (e.g. {missing}); use the same held-out set")
    tasks = sorted(before.counts)
    n = len(tasks)
    expanded = sorted(after.support - before.support)
    lost = sorted(before.support - after.support)
    kept = before.support & after.support
    change = np.array([after.p1(t) - before.p1(t) for t in tasks])
    where = {"expansion": np.isin(tasks, expanded), "reshaping": np.isin(tasks, sorted(kept)),
             "attrition": np.isin(tasks, lost)}
    # One seed for all four: the same resampled prompts, so the parts add up to the change in each resample.
    intervals = {"change": bootstrap(change, seed=seed, method="paired-bootstrap")}
    intervals |= {role: bootstrap(change * mask, seed=seed, method="paired-bootstrap") for role, mask in where.items()}
    retained_change = float(change[where["reshaping"]].sum())
    return StageReport(
        prompts=n, pass1_before=before.pass_at(1), pass1_after=after.pass_at(1),
        support_before=len(before.support), support_after=len(after.support),
        expanded=tuple(expanded), lost=tuple(lost), retained=len(kept),
        expansion=float(change[where["expansion"]].sum()) / n, attrition=float(change[where["attrition"]].sum()) / n,
        reshaping=retained_change / n, reshaping_on_retained=retained_change / len(kept) if kept else 0.0,
        intervals=intervals,
    )


def handoff_fidelity(amortized: Outcomes, scaffolded: Outcomes) -> float:
    """Amortized pass@1 / scaffolded pass@1 (1.0: the bare policy kept all of the scaffold's accuracy)."""
    scaffold = scaffolded.pass_at(1)
    if scaffold == 0:
        raise ValueError("handoff_fidelity: the scaffolded policy solved nothing; fidelity is undefined")
    return amortized.pass_at(1) / scaffold
