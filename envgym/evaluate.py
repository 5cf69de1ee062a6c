"""Evaluation: a policy on held-out tasks, bare or under scaffolds, with what each answer cost.

    results = evaluate_scaffolds(policy, "envgym/Arithmetic-v0", ["none", "best_of_n"], tasks=100, samples=4)
    print(table(results))       # pass@1, pass@k, mean reward, cost per solved task, side by side

For each task, ``samples`` episodes are played (at temperature 1 when more than one, greedy
otherwise). pass@k is the unbiased estimator of Chen et al. (2021) from the n samples of each
task, averaged over tasks. Cost per solved task divides everything spent (tokens, model calls,
tool calls, seconds; a scaffold's discarded candidates included) by the number of solved
episodes, so a scaffold that doubles accuracy at four times the calls shows it.

Every number comes with its 95% interval (``EvalResult.intervals``, ``envgym.stats``): Wilson's
for pass@1 with one answer per task, the bootstrap over tasks for sampled pass@1, pass@k and
cost per solved task.

Held-out tasks are distinct tasks that training never draws (``envgym.heldout``).
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from envgym.heldout import EVAL_SEED_BASE, HeldOut, held_out
from envgym.policy.base import SamplingParams
from envgym.rollout.collector import RolloutConfig, collect
from envgym.stats import Interval, bootstrap, ratio_interval, wilson
from envgym.types import Cost, Trajectory

__all__ = ["EVAL_SEED_BASE", "EvalResult", "evaluate", "evaluate_scaffolds", "pass_at_k", "table"]


def pass_at_k(n: int, c: int, k: int) -> float:
    """Unbiased pass@k from n samples of which c are correct: 1 - C(n-c, k) / C(n, k).

    >>> pass_at_k(4, 0, 1), pass_at_k(4, 4, 1), pass_at_k(4, 1, 1), round(pass_at_k(4, 1, 2), 4)
    (0.0, 1.0, 0.25, 0.5)
    """
    if not 0 <= c <= n or not 1 <= k <= n:
        raise ValueError(f"pass_at_k needs 0 <= c <= n and 1 <= k <= n, got n={n} c={c} k={k}")
    if n - c < k:
        return 1.0
    return 1.0 - math.comb(n - c, k) / math.comb(n, k)


@dataclass
class EvalResult:
    """One policy under one scaffold on one environment."""

    env_id: str
    scaffold: str
    tasks: int
    samples: int
    pass_at: dict[int, float]
    mean_reward: float
    solved: int
    cost: Cost
    trajectories: list[Trajectory] = field(default_factory=list, repr=False)
    intervals: dict[str, Interval] = field(default_factory=dict)
    """95% intervals: ``pass@K`` for each k, and ``cost_per_solved.FIELD`` (plus ``.tokens``)."""
    held_out: HeldOut | None = field(default=None, repr=False)

    @property
    def cost_per_solved(self) -> dict[str, float]:
        """Each cost field divided by the solved episodes (inf when none was solved)."""
        return {k: (getattr(self.cost, k) / self.solved if self.solved else math.inf) for k in Cost.__dataclass_fields__}

    def outcomes(self) -> dict[str, tuple[int, int]]:
        """Per task: (episodes, verified successes), for paired comparisons on the same tasks."""
        counts: dict[str, list[int]] = {}
        for t in self.trajectories:
            n_c = counts.setdefault(t.task_id, [0, 0])
            n_c[0] += 1
            n_c[1] += bool(t.correct)
        return {task: (n, c) for task, (n, c) in counts.items()}

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe: a cost per solved task with nothing solved is None, not infinity."""
        return {"env_id": self.env_id, "scaffold": self.scaffold, "tasks": self.tasks, "samples": self.samples,
                "pass_at": {str(k): v for k, v in self.pass_at.items()}, "mean_reward": self.mean_reward,
                "solved": self.solved, "cost": dataclasses.asdict(self.cost),
                "cost_per_solved": {k: v if math.isfinite(v) else None for k, v in self.cost_per_solved.items()},
                "intervals": {k: v.to_dict() for k, v in self.intervals.items()},
                "held_out": self.held_out.to_dict() if self.held_out is not None else None,
                "outcomes": {task: list(nc) for task, nc in self.outcomes().items()}}


def evaluate(policy: Any, env_id: str, *, tasks: int = 100, samples: int = 1, max_tokens: int = 256,
             max_context_tokens: int = 2048, env_kwargs: Mapping[str, Any] | None = None, seed: int = 0,
             pool: Any = None, progress: bool = False, partition: HeldOut | None = None) -> EvalResult:
    """Play ``samples`` episodes on each of ``tasks`` distinct held-out tasks with ``policy`` (a policy
    or a scaffold). ``partition``: the held-out tasks when the caller has them already."""
    from envgym.rollout.scaffold import Bare, Scaffold

    scaffold = policy if isinstance(policy, Scaffold) else Bare(policy)
    partition = partition or held_out(env_id, env_kwargs, tasks)
    sampling = SamplingParams(temperature=1.0 if samples > 1 else 0.0, max_tokens=max_tokens, seed=seed)
    config = RolloutConfig(group_size=samples, sampling=sampling, max_context_tokens=max_context_tokens,
                           progress=progress)
    trajectories = collect(pool or env_id, scaffold, list(partition.seeds), config, env_kwargs=env_kwargs)
    by_task: dict[int, list[Trajectory]] = {}
    for t in trajectories:
        by_task.setdefault(t.seed, []).append(t)
    groups = list(by_task.values())
    ks = sorted({1, samples} | {k for k in (2, 4, 8, 16) if k < samples})
    per_task = {k: [pass_at_k(len(g), sum(t.correct for t in g), k) for g in groups] for k in ks}
    pass_at = {k: sum(v) / len(v) for k, v in per_task.items()}
    intervals = _intervals(groups, per_task, samples)
    return EvalResult(env_id, scaffold.name, len(groups), samples, pass_at,
                      sum(t.reward for t in trajectories) / len(trajectories), sum(t.correct for t in trajectories),
                      sum((t.cost for t in trajectories), Cost()), trajectories, intervals, partition)


def _intervals(groups: Sequence[Sequence[Trajectory]], per_task: Mapping[int, Sequence[float]],
               samples: int) -> dict[str, Interval]:
    """Wilson for pass@1 from one answer per task; the bootstrap over tasks for everything else."""
    out: dict[str, Interval] = {}
    for k, values in per_task.items():
        if k == 1 and samples == 1:
            out["pass@1"] = wilson(sum(int(v) for v in values), len(values))
        else:
            out[f"pass@{k}"] = bootstrap(values)
    solved = [sum(t.correct for t in g) for g in groups]
    costs = [sum((t.cost for t in g), Cost()) for g in groups]
    for name in Cost.__dataclass_fields__:
        out[f"cost_per_solved.{name}"] = ratio_interval([getattr(c, name) for c in costs], solved)
    out["cost_per_solved.tokens"] = ratio_interval([c.prompt_tokens + c.completion_tokens for c in costs], solved)
    return out


def evaluate_scaffolds(policy: Any, env_id: str, scaffolds: Sequence[str] = ("none",),
                       scaffold_kwargs: Mapping[str, Mapping[str, Any]] | None = None, **kwargs: Any) -> list[EvalResult]:
    """The same policy, tasks and samples under each named scaffold."""
    import envgym

    out = []
    for name in scaffolds:
        wrapped = envgym.make_scaffold(name, policy, **dict((scaffold_kwargs or {}).get(name, {})))
        out.append(evaluate(wrapped, env_id, **kwargs))
    return out


def table(results: Sequence[EvalResult]) -> Any:
    """A rich table of results side by side, one row per scaffold."""
    from rich.table import Column, Table

    ks = sorted({k for r in results for k in r.pass_at})
    held = results[0].held_out if results else None
    caption = "pass@k: estimate [95% interval]; tokens, calls, tools, secs: cost per solved task"
    if held is not None:
        caption += f"\nheld out: {held.describe()}"
    out = Table(Column("scaffold", no_wrap=True, min_width=11), *(f"pass@{k}" for k in ks), "reward", "solved",
                "tokens", "calls", "tools", "secs", title=f"{results[0].env_id if results else ''}", caption=caption)
    for r in results:
        per = r.cost_per_solved
        cells = [str(r.intervals[f"pass@{k}"]) if f"pass@{k}" in r.intervals else f"{r.pass_at[k]:.3f}" if k in r.pass_at
                 else "" for k in ks]
        out.add_row(r.scaffold, *cells, f"{r.mean_reward:.3f}",
                    f"{r.solved}/{r.tasks * r.samples}", f"{per['prompt_tokens'] + per['completion_tokens']:.0f}",
                    f"{per['model_calls']:.2f}", f"{per['tool_calls']:.2f}", f"{per['seconds']:.3f}")
    return out
