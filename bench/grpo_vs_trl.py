"""envgym ``rlvr`` against TRL's ``GRPOTrainer``, side by side on the CPU.

Both start from the same checkpoint (the tiny model after a short SFT on envgym/Arithmetic-v0
gold traces, so rewards are not all zero), and train with the same reward (envgym's ``math``
verifier), batch (prompts per step x group size), generation length, learning rate, clipping
(0.2 / 0.28), token-level loss normalisation, GRPO advantages and no KL term. envgym's dynamic
sampling and overlong masking are turned off so both see the same kind of batch.

Printed, ratios first:
- ``step_seconds_envgym_over_trl``: median wall time of an optimizer step, generation included
  (target: at most 0.5);
- ``heldout_pass@1_*``: greedy pass@1 on the same held-out tasks after the same number of steps
  (target: envgym at least TRL's), evaluated by the same envgym code for both models.

    python bench/grpo_vs_trl.py [--steps 40] [--prompts 16] [--group 8] [--tokens 32]

Needs ``pip install 'envgym[bench]'`` (TRL).
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
from pathlib import Path

import envgym
from envgym.learn.learners import RLVRConfig, SFTConfig
from envgym.learn.loss import LossConfig
from envgym.learn.trainer import TrainConfig, Trainer

ENV, KWARGS = "envgym/Arithmetic-v0", {"difficulty": 1}


def warm_start(out: Path, steps: int) -> Path:
    trainer = Trainer(TrainConfig(env=ENV, env_kwargs=KWARGS, learner="sft", learner_config=SFTConfig(), steps=steps,
                                  lr=1e-3, eval_tasks=8, checkpoint_every=steps, progress=False, output_dir=str(out)))
    trainer.train()
    trainer.close()
    return out / "checkpoint"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=40)
    parser.add_argument("--prompts", type=int, default=16, help="prompts per step")
    parser.add_argument("--group", type=int, default=8, help="samples per prompt")
    parser.add_argument("--tokens", type=int, default=32, help="most generated tokens")
    parser.add_argument("--lr", type=float, default=1e-4)
    parser.add_argument("--sft-steps", type=int, default=600)
    parser.add_argument("--eval-tasks", type=int, default=200)
    args = parser.parse_args()

    from trl_side import run_trl_grpo  # imports TRL (and so vLLM): slow, and only needed here

    work = Path(tempfile.mkdtemp(prefix="grpo-vs-trl-"))
    start = warm_start(work / "sft", args.sft_steps)

    config = TrainConfig(
        env=ENV, env_kwargs=KWARGS, learner="rlvr", model=str(start), steps=args.steps, lr=args.lr,
        learner_config=RLVRConfig(prompts_per_step=args.prompts, group_size=args.group, dynamic_sampling=False,
                                  overlong="none"),
        loss=LossConfig(clip_low=0.2, clip_high=0.28, normalization="token"), max_tokens=args.tokens,
        micro_batch=args.prompts * args.group, eval_tasks=args.eval_tasks, checkpoint_every=args.steps,
        progress=False, output_dir=str(work / "envgym"),
    )
    trainer = Trainer(config)
    trainer.train()
    metrics = [json.loads(line) for line in (work / "envgym" / "metrics.jsonl").read_text().splitlines()]
    envgym_steps = [m["seconds"] for m in metrics[2:] if "seconds" in m]  # the first step warms up
    start_pass, envgym_pass = metrics[0]["eval_pass@1"], metrics[-1]["eval_pass@1"]

    # TRL gets the prompts envgym's steps would draw: training tasks, never held-out ones.
    env = envgym.make(ENV, **KWARGS)
    prompts, references = [], []
    for step in range(args.steps):
        for seed in trainer.task_seeds(step, args.prompts):
            obs, _ = env.reset(seed=seed)
            prompts.append(obs)
            references.append(env.task.reference)
    verifier = envgym.make_verifier("math")
    trl = run_trl_grpo(str(start), prompts, references, verifier,
                       steps=args.steps, prompts_per_step=args.prompts, group_size=args.group, max_tokens=args.tokens,
                       lr=args.lr, seed=0, output_dir=str(work / "trl"))
    trl_policy = envgym.make_policy("hf", trl["model"], trainer.tokenizer, name="trl")
    trainer.policy = trl_policy  # evaluate TRL's model with the same code, tasks and settings
    trl_pass = trainer.evaluate()["eval_pass@1"]
    trainer.close()

    ours, theirs = statistics.median(envgym_steps), statistics.median(trl["step_seconds"][1:] or trl["step_seconds"])
    print(f"step_seconds_envgym_over_trl: {ours / theirs:.3f}")
    print(f"heldout_pass@1_envgym_minus_trl: {envgym_pass - trl_pass:+.3f}")
    print(f"step_seconds_envgym: {ours:.3f}")
    print(f"step_seconds_trl: {theirs:.3f}")
    print(f"heldout_pass@1_start: {start_pass:.3f}")
    print(f"heldout_pass@1_envgym: {envgym_pass:.3f}")
    print(f"heldout_pass@1_trl: {trl_pass:.3f}")
    print(f"steps: {args.steps}")


if __name__ == "__main__":
    main()
