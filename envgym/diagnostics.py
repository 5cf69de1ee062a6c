"""What a training stage did, measured on a fixed held-out prompt set with k samples per prompt.

Per policy: the empirical support (prompts with at least one verified success among the k
samples), pass@1 and pass@k. Between two policies (before and after a stage):

- expansion: prompts newly in the support (the stage made them solvable);
- attrition: prompts that left the support (the stage lost them);
- reshaping: the pass@1 change on prompts in both supports (sharper choices where already in reach).

The pass@1 change splits exactly into those three parts (each prompt's change, summed over the
expanded, retained and lost prompts, divided by the prompt count), so the stage's dominant role
is the part with the largest magnitude, and the evidence is the split itself. Handoff fidelity
is amortized pass@1 divided by scaffolded pass@1: how much of a scaffold's accuracy the bare
policy kept after consolidation.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from envgym.evaluate import pass_at_k


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

    @property
    def dominant(self) -> str:
        parts = {"expansion": self.expansion, "attrition": self.attrition, "reshaping": self.reshaping}
        name = max(parts, key=lambda k: abs(parts[k]))
        return name if abs(parts[name]) > 0 else "none"

    @property
    def evidence(self) -> str:
        return (f"pass@1 {self.pass1_before:.3f} -> {self.pass1_after:.3f}: expansion {self.expansion:+.3f} "
                f"({len(self.expanded)} prompts newly solved), reshaping {self.reshaping:+.3f} "
                f"({self.retained} retained, {self.reshaping_on_retained:+.3f} each), attrition {self.attrition:+.3f} "
                f"({len(self.lost)} prompts lost)")

    def to_dict(self) -> dict[str, Any]:
        return {**{k: getattr(self, k) for k in self.__dataclass_fields__}, "dominant": self.dominant,
                "evidence": self.evidence}


def compare(before: Outcomes, after: Outcomes) -> StageReport:
    """The stage between two policies evaluated on the same prompts."""
    if set(before.counts) != set(after.counts):
        missing = sorted(set(before.counts) ^ set(after.counts))[:5]
        raise ValueError(f"compare: the two evaluations cover different prompts (e.g. {missing}); use the same held-out set")
    n = len(before.counts)
    expanded = sorted(after.support - before.support)
    lost = sorted(before.support - after.support)
    kept = before.support & after.support
    change = {task: after.p1(task) - before.p1(task) for task in before.counts}
    retained_change = sum(change[t] for t in kept)
    return StageReport(
        prompts=n, pass1_before=before.pass_at(1), pass1_after=after.pass_at(1),
        support_before=len(before.support), support_after=len(after.support),
        expanded=tuple(expanded), lost=tuple(lost), retained=len(kept),
        expansion=sum(change[t] for t in expanded) / n, attrition=sum(change[t] for t in lost) / n,
        reshaping=retained_change / n, reshaping_on_retained=retained_change / len(kept) if kept else 0.0,
    )


def handoff_fidelity(amortized: Outcomes, scaffolded: Outcomes) -> float:
    """Amortized pass@1 / scaffolded pass@1 (1.0: the bare policy kept all of the scaffold's accuracy)."""
    scaffold = scaffolded.pass_at(1)
    if scaffold == 0:
        raise ValueError("handoff_fidelity: the scaffolded policy solved nothing; fidelity is undefined")
    return amortized.pass_at(1) / scaffold
