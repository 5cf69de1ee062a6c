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

from collections.abc import Mapping, Sequence
from typing import Any

from envgym.stats import MIN_TASKS, Interval, across_seeds

METRICS = {"greedy_pass@1": "greedy pass@1", "pass@1": "sampled pass@1"}
SHARE, CHANGE = (0.0, 1.0), (-1.0, 1.0)  # bounds of a pass rate and of its change


def claim(stage: str, metric: str, changes: Mapping[int, Interval], tasks: int) -> dict[str, Any]:
    """The claim a stage makes about ``metric``, from each seed's paired interval on its change over
    ``tasks`` held-out tasks (below ``MIN_TASKS`` nothing is beyond noise).

    >>> c = claim("rlvr", "pass@1", {0: Interval(0.1, 0.05, 0.15, "paired-bootstrap"),
    ...                              1: Interval(0.02, -0.01, 0.05, "paired-bootstrap")}, tasks=200)
    >>> c["direction"], c["holds_on_every_seed"], c["failing_seeds"]
    ('up', False, [1])
    """
    signs = {seed: iv.sign if tasks >= MIN_TASKS else 0 for seed, iv in changes.items()}
    mean = across_seeds([iv.estimate for iv in changes.values()], CHANGE)
    direction = 1 if mean.estimate > 0 else -1 if mean.estimate < 0 else 0
    beyond = [seed for seed, sign in signs.items() if sign == direction and direction]
    failing = [seed for seed in changes if seed not in beyond]
    holds = bool(direction) and not failing
    name, word = METRICS.get(metric, metric), {1: "raises", -1: "lowers", 0: "leaves"}[direction]
    if not beyond:
        statement = f"{stage}: no significant change in {name} on any seed (mean {mean.estimate:+.3f})"
    else:
        statement = (f"{stage} {word} {name} by {mean.estimate:+.3f} on average (across seeds "
                     f"[{mean.low:+.3f}, {mean.high:+.3f}]); beyond noise on {len(beyond)}/{len(changes)} seeds")
        if failing:
            statement += f"; does NOT hold on seed{'s' if len(failing) > 1 else ''} {', '.join(map(str, failing))}"
    return {"stage": stage, "metric": metric, "direction": {1: "up", -1: "down", 0: "none"}[direction],
            "mean": mean.to_dict(), "beyond_noise": beyond, "failing_seeds": failing, "holds_on_every_seed": holds,
            "per_seed": {str(seed): iv.to_dict() for seed, iv in changes.items()}, "statement": statement}


def aggregate(runs: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """One report over per-seed reports (each as ``envgym.pipeline.run_seed`` writes it)."""
    if not runs:
        raise ValueError("aggregate needs at least one run")
    seeds = [r["seed"] for r in runs]
    shared = min(len(r["stages"]) for r in runs)  # a gate may stop one seed's run early
    stages, claims = [], []
    for i in range(shared):
        records = [r["stages"][i] for r in runs]
        name = records[0]["stage"]
        row: dict[str, Any] = {"stage": name, "learner": records[0]["learner"], "scaffold": records[0].get("scaffold", "none"),
                               "metrics": _across(records), "change": {}}
        for metric in METRICS:
            changes = {seed: Interval.from_dict(rec["change"][metric]) for seed, rec in zip(seeds, records)}
            row["change"][metric] = across_seeds([iv.estimate for iv in changes.values()], CHANGE).to_dict()
            claims.append(claim(name, metric, changes, records[0]["prompts"]))
        row["dominant"] = {str(seed): rec["diagnostics"]["dominant"] for seed, rec in zip(seeds, records)}
        stages.append(row)
    report: dict[str, Any] = {
        "pipeline": runs[0]["pipeline"], "seeds": seeds, "eval": runs[0]["eval"], "held_out": runs[0]["held_out"],
        "start": _across([r["start"] for r in runs]), "stages": stages, "claims": claims,
        "stopped": {str(r["seed"]): r["stopped"] for r in runs if r["stopped"]} or None,
        "trained": [{"seed": r["seed"], "stage": s["stage"], **(s.get("trained") or {})} for r in runs for s in r["stages"]],
        "runs": [f"seed-{seed}" for seed in seeds],
    }
    if all(r.get("scaffolds") for r in runs):
        names = [s["scaffold"] for s in runs[0]["scaffolds"]]
        report["scaffolds"] = [{"scaffold": n, "pass@1": across_seeds([_find(r["scaffolds"], n)["pass@1"] for r in runs], SHARE).to_dict(),
                                "per_seed": {str(r["seed"]): _find(r["scaffolds"], n)["pass@1"] for r in runs}} for n in names]
        report["handoff_fidelity"] = {n: _fidelity_across(runs, n) for n in names if n != "none"}
    return report


def _across(records: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    return {m: across_seeds([r[m] for r in records], SHARE).to_dict() for m in ("greedy_pass@1", "pass@1", "pass@k")}


def _find(rows: Sequence[Mapping[str, Any]], name: str) -> Mapping[str, Any]:
    return next(r for r in rows if r["scaffold"] == name)


def _fidelity_across(runs: Sequence[Mapping[str, Any]], name: str) -> dict[str, Any] | None:
    values = [(r.get("handoff_fidelity") or {}).get(name) for r in runs]
    if any(v is None or v.get("estimate") is None for v in values):
        return None
    return across_seeds([v["estimate"] for v in values]).to_dict()
