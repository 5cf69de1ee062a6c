"""The adaptive curriculum against uniform task draws, on the CPU with the tiny model.

A mixture of easy and hard tasks (``envgym/Arithmetic-v0`` with ``difficulty: [1, 3]``: each task
is a level-1 or a level-3 problem, equally likely). The tiny model is first taught by a short SFT
on the mixture's gold traces (once, shared by every run, so all start from the same weights; on
the same mixture, so it too never sees a held-out task): it then solves a few level-1 problems
and next to no level-3 ones.
Then, on each seed, two RLVR runs of the same length from that checkpoint, one drawing tasks
uniformly and one with the ``adaptive`` sampler. Both drop zero-signal groups (all rewards equal,
so GRPO's advantages are all zero) without refilling them (``max_sampling_rounds: 1``), so both
sample the same number of groups per step. Printed, ratios first:

- ``zero_signal_share_adaptive_over_uniform``: the share of groups with no signal, adaptive over
  uniform, pooled over seeds (below 1: the curriculum wastes fewer rollouts);
- ``zero_signal_share_*``: each sampler's share with its Wilson interval per seed, and the
  difference adaptive - uniform across seeds (Student's t);
- ``heldout_gain_*``: sampled pass@1 on the held-out tasks (the same mixture) after RLVR minus
  before, per task and paired, per seed; and ``heldout_adaptive_minus_uniform``: the final
  models compared on the same tasks, per seed and across seeds. An interval that holds 0 is noise.

    python bench/curriculum.py [--seeds 3] [--sft-steps 100] [--steps 6] [--low 0.05] [--work DIR]

The SFT checkpoint is kept in ``--work`` and reused when it is there. The band's lower edge is
0.05 here, not the sampler's default 0.2: after so short a warm start the tiny model solves about
one level-1 problem in ten, and a band it cannot reach would make both samplers draw alike.
"""

from __future__ import annotations

import argparse
import json
import tempfile
from pathlib import Path

from envgym.evaluate import evaluate
from envgym.heldout import held_out
from envgym.learn.learners import RLVRConfig, SFTConfig
from envgym.learn.trainer import TrainConfig, Trainer
from envgym.models import hf_policy
from envgym.stats import across_seeds, paired_difference, wilson

ENV = "envgym/Arithmetic-v0"
SAMPLERS = ("uniform", "adaptive")


def train(config: TrainConfig) -> list[dict]:
    """Run to the end (or resume a finished run) and return its metrics lines."""
    trainer = Trainer(config)
    try:
        trainer.train()
    finally:
        trainer.close()
    return [json.loads(line) for line in (Path(config.output_dir) / "metrics.jsonl").read_text().splitlines()]


def sampled(model: str, args: argparse.Namespace, partition) -> dict[str, float]:
    """Per held-out task: the share of ``--samples`` answers at temperature 1 that are correct."""
    result = evaluate(hf_policy(model), ENV, samples=args.samples, max_tokens=args.tokens, partition=partition,
                      env_kwargs={"difficulty": args.levels})
    return {task: c / n for task, (n, c) in result.outcomes().items()}


def levels_of(partition, levels: list[int]) -> dict[str, str]:
    """Each held-out task's curriculum key (its level)."""
    import envgym
    from envgym.learn.samplers import task_key

    env = envgym.make(ENV, difficulty=levels)
    keys = {}
    for seed, task in zip(partition.seeds, partition.task_ids):
        env.reset(seed=seed)
        keys[task] = task_key(env.unwrapped.task)
    return keys


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--levels", type=int, nargs="+", default=[1, 3], help="difficulty levels mixed")
    parser.add_argument("--sft-steps", type=int, default=100)
    parser.add_argument("--steps", type=int, default=6, help="RLVR steps per run")
    parser.add_argument("--prompts", type=int, default=8, help="groups per step")
    parser.add_argument("--group", type=int, default=6, help="samples per group")
    parser.add_argument("--tokens", type=int, default=32, help="most generated tokens")
    parser.add_argument("--lr", type=float, default=3e-4)
    parser.add_argument("--low", type=float, default=0.05, help="the adaptive sampler's band")
    parser.add_argument("--high", type=float, default=0.8)
    parser.add_argument("--eval-tasks", type=int, default=60)
    parser.add_argument("--samples", type=int, default=4, help="answers per held-out task")
    parser.add_argument("--work", type=Path, default=None)
    args = parser.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="curriculum-"))
    common = dict(env=ENV, env_kwargs={"difficulty": args.levels}, max_tokens=args.tokens, eval_tasks=args.eval_tasks,
                  progress=True)

    sft = work / "sft"
    if not (sft / "checkpoint").exists():
        train(TrainConfig(**common, learner="sft", learner_config=SFTConfig(examples_per_step=32), steps=args.sft_steps,
                          lr=2e-3, checkpoint_every=args.sft_steps, output_dir=str(sft)))
    start_model = str(sft / "checkpoint")
    partition = held_out(ENV, {"difficulty": args.levels}, args.eval_tasks)
    tasks = list(partition.task_ids)
    level = levels_of(partition, args.levels)
    start = sampled(start_model, args, partition)

    zero: dict[str, list[tuple[int, int]]] = {s: [] for s in SAMPLERS}  # (zero-signal groups, groups) per seed
    end: dict[str, list[dict[str, float]]] = {s: [] for s in SAMPLERS}
    for seed in range(args.seeds):
        for name in SAMPLERS:
            kwargs = {"low": args.low, "high": args.high} if name == "adaptive" else {}
            lines = train(TrainConfig(**common, learner="rlvr", model=start_model, steps=args.steps, lr=args.lr,
                                      learner_config=RLVRConfig(prompts_per_step=args.prompts, group_size=args.group,
                                                                max_sampling_rounds=1),
                                      sampler=name, sampler_kwargs=kwargs, seed=seed, checkpoint_every=args.steps,
                                      output_dir=str(work / f"{name}-{seed}")))
            steps = [m for m in lines if "groups_dropped" in m]
            zero[name].append((sum(m["groups_dropped"] for m in steps), sum(m["groups"] + m["groups_dropped"] for m in steps)))
            end[name].append(sampled(str(work / f"{name}-{seed}" / "checkpoint"), args, partition))

    pooled = {s: sum(z for z, _ in zero[s]) / sum(n for _, n in zero[s]) for s in SAMPLERS}
    ratio = pooled["adaptive"] / pooled["uniform"] if pooled["uniform"] else float("nan")
    print(f"zero_signal_share_adaptive_over_uniform: {ratio:.3f}")
    shares = {s: [z / n for z, n in zero[s]] for s in SAMPLERS}
    print(f"zero_signal_share_adaptive_minus_uniform: "
          f"{across_seeds([a - u for a, u in zip(shares['adaptive'], shares['uniform'])])}")
    gains = {s: [paired_difference([start[t] for t in tasks], [e[t] for t in tasks]) for e in end[s]] for s in SAMPLERS}
    diffs = [paired_difference([u[t] for t in tasks], [a[t] for t in tasks]) for u, a in zip(end["uniform"], end["adaptive"])]
    print(f"heldout_adaptive_minus_uniform: {across_seeds([d.estimate for d in diffs])}")
    print(f"heldout_pass@1_start: {sum(start.values()) / len(start):.3f}")
    for s in SAMPLERS:
        print(f"zero_signal_share_{s}: {pooled[s]:.3f}")
        print(f"heldout_gain_{s}: {across_seeds([g.estimate for g in gains[s]])}")
    for lv in sorted(set(level.values())):
        mine = [t for t in tasks if level[t] == lv]
        print(f"heldout_pass@1_{lv.replace(' ', '')}_start: {sum(start[t] for t in mine) / len(mine):.3f}")
        for s in SAMPLERS:
            print(f"heldout_pass@1_{lv.replace(' ', '')}_{s}: "
                  f"{across_seeds([sum(e[t] for t in mine) / len(mine) for e in end[s]], (0.0, 1.0))}")
    for seed in range(args.seeds):
        for s in SAMPLERS:
            z, n = zero[s][seed]
            print(f"seed{seed}_zero_signal_share_{s}: {wilson(z, n)}")
            print(f"seed{seed}_heldout_gain_{s}: {gains[s][seed]}")
        print(f"seed{seed}_heldout_adaptive_minus_uniform: {diffs[seed]}")
    print(f"settings: levels {args.levels}, sft {args.sft_steps} steps, rlvr {args.steps} steps x {args.prompts} groups x "
          f"{args.group} samples, band [{args.low}, {args.high}], {len(tasks)} held-out tasks x {args.samples} samples")


if __name__ == "__main__":
    main()
