"""Claims across seeds: what a pipeline's stages did, and whether it held on every seed.

A pipeline run with ``seeds: [0, 1, 2]`` trains and measures everything once per seed, on the same
held-out tasks. ``aggregate`` puts the runs side by side:

- every measured number as its mean over seeds with Student's t interval across seeds (what to
  expect from another run), next to each seed's own value and interval;
- for every stage and metric (greedy and sampled pass@1), a claim: the direction of the mean
  change, and on which seeds that change is beyond noise in that direction (the seed's paired
  interval excludes zero). A claim that does not hold on every seed is flagged, with the seeds
  where it fails; a change beyond noise on no seed is reported as no significant change.

The held-out partition is fixed (``envgym.heldout``); the seeds change the initial weights,
training's task draws and sampling.
"""

from __future__ import annotations

import math

from collections.abc import Mapping, Sequence

from envgym.results import (CHANGED, METRICS, AcrossSeeds, Claim, Measurement, PipelineReport, ScaffoldAcross,
                            SeedsReport, SeedTrained, StageAcross)
from envgym.stats import MIN_TASKS, Interval, across_seeds

LABELS = {"greedy_pass@1": "greedy pass@1", "pass@1": "sampled pass@1"}
SHARE, CHANGE = (0.0, 1.0), (-1.0, 1.0)  # bounds of a pass rate and of its change


def claim(stage: str, metric: str, changes: Mapping[int, Interval], tasks: int) -> Claim:
    """The claim a stage makes about ``metric``, from each seed's paired interval on its change over
    ``tasks`` held-out tasks (below ``MIN_TASKS`` nothing is beyond noise).

    >>> c = claim("rlvr", "pass@1", {0: Interval(0.1, 0.05, 0.15, "paired-bootstrap"),
    ...                              1: Interval(0.02, -0.01, 0.05, "paired-bootstrap")}, tasks=200)
    >>> c.direction, c.holds_on_every_seed, c.failing_seeds
    ('up', False, (1,))
    """
    signs = {seed: iv.sign if tasks >= MIN_TASKS else 0 for seed, iv in changes.items()}
    mean = across_seeds([iv.estimate for iv in changes.values()], CHANGE)
    direction = 1 if mean.estimate > 0 else -1 if mean.estimate < 0 else 0
    beyond = [seed for seed, sign in signs.items() if sign == direction and direction]
    failing = [seed for seed in changes if seed not in beyond]
    holds = bool(direction) and not failing
    name, word = LABELS.get(metric, metric), {1: "raises", -1: "lowers", 0: "leaves"}[direction]
    if not beyond:
        statement = f"{stage}: no significant change in {name} on any seed (mean {mean.estimate:+.3f})"
    else:
        statement = (f"{stage} {word} {name} by {mean.estimate:+.3f} on average (across seeds "
                     f"[{mean.low:+.3f}, {mean.high:+.3f}]); beyond noise on {len(beyond)}/{len(changes)} seeds")
        if failing:
            statement += f"; does NOT hold on seed{'s' if len(failing) > 1 else ''} {', '.join(map(str, failing))}"
    return Claim(stage, metric, {1: "up", -1: "down", 0: "none"}[direction], mean, tuple(beyond), tuple(failing), holds,
                 dict(changes), statement)


def aggregate(runs: Sequence[PipelineReport]) -> SeedsReport:
    """One report over per-seed reports (each as ``envgym.pipeline.run_seed`` returns it)."""
    if not runs:
        raise ValueError("aggregate needs at least one run")
    seeds = [r.seed for r in runs]
    shared = min(len(r.stages) for r in runs)  # a gate may stop one seed's run early
    stages, claims = [], []
    for i in range(shared):
        records = [r.stages[i] for r in runs]
        first = records[0]
        change = {}
        for metric in CHANGED:
            changes = {seed: rec.change[metric] for seed, rec in zip(seeds, records)}
            change[metric] = across_seeds([iv.estimate for iv in changes.values()], CHANGE)
            claims.append(claim(first.stage, metric, changes, first.after.prompts))
        stages.append(StageAcross(first.stage, first.learner, first.scaffold, _across([rec.after for rec in records]), change,
                                  {seed: rec.diagnostics.dominant for seed, rec in zip(seeds, records)}))
    scaffolds, fidelity = None, None
    if all(r.scaffolds for r in runs):
        names = [s.scaffold for s in runs[0].scaffolds]
        scaffolds = tuple(ScaffoldAcross(n, across_seeds([_pass1(r, n) for r in runs], SHARE), {r.seed: _pass1(r, n) for r in runs})
                          for n in names)
        fidelity = {n: _fidelity_across(runs, n) for n in names if n != "none"}
    return SeedsReport(runs[0].pipeline, tuple(seeds), runs[0].eval, runs[0].held_out, _across([r.start for r in runs]),
                       tuple(stages), tuple(claims), {r.seed: r.stopped for r in runs if r.stopped} or None,
                       tuple(SeedTrained(r.seed, s.stage, s.trained) for r in runs for s in r.stages),
                       tuple(f"seed-{seed}" for seed in seeds), scaffolds, fidelity)


def _across(measured: Sequence[Measurement]) -> AcrossSeeds:
    return AcrossSeeds(*(across_seeds([m.value(metric) for m in measured], SHARE) for metric in METRICS))


def _pass1(run: PipelineReport, scaffold: str) -> float:
    return next(r.pass1 for r in run.scaffolds or () if r.scaffold == scaffold)


def _fidelity_across(runs: Sequence[PipelineReport], name: str) -> Interval | None:
    values = [r.handoff_fidelity.get(name) for r in runs]
    if any(v is None or not math.isfinite(v.estimate) for v in values):
        return None
    return across_seeds([v.estimate for v in values])
