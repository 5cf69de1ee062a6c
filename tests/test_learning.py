"""Learning, measured: held-out pass@1 of the tiny model on envgym/Arithmetic-v0, before and after.

SFT on the environment's gold traces takes the model from nothing to a clear accuracy; RLVR
from that checkpoint raises it further. Held-out tasks are ones no training step draws (by task
id, not only by seed). Seeds are fixed; the margins leave room for the small numeric differences
between CPUs.
"""

from __future__ import annotations

import json

import pytest

torch = pytest.importorskip("torch")

from envgym.learn.learners import RLVRConfig, SFTConfig  # noqa: E402
from envgym.learn.trainer import TrainConfig, Trainer  # noqa: E402

COMMON = dict(env="envgym/Arithmetic-v0", env_kwargs={"difficulty": 1}, max_tokens=32, eval_tasks=200,
              progress=False, seed=0)


def run(config: TrainConfig) -> list[dict]:
    trainer = Trainer(config)
    trainer.train()
    trainer.close()
    lines = (trainer.out / "metrics.jsonl").read_text().splitlines()
    return [m for m in map(json.loads, lines) if "eval_pass@1" in m]


def test_sft_then_rlvr_raise_held_out_pass_at_1_beyond_noise(tmp_path):
    """The demo's claims on one seed: sft raises greedy and sampled pass@1 from nothing, rlvr raises sampled
    pass@1 further; each change is paired on the same 200 held-out tasks and its 95% interval is above zero."""
    from envgym.evaluate import evaluate
    from envgym.heldout import held_out
    from envgym.models import hf_policy
    from envgym.stats import paired_difference

    sft = run(TrainConfig(**COMMON, learner="sft", learner_config=SFTConfig(examples_per_step=32), steps=600,
                          lr=1e-3, checkpoint_every=600, output_dir=str(tmp_path / "sft")))
    before, after_sft = sft[0]["eval_pass@1"], sft[-1]["eval_pass@1"]
    rl = run(TrainConfig(**COMMON, learner="rlvr", learner_config=RLVRConfig(prompts_per_step=16, group_size=8),
                         model=str(tmp_path / "sft" / "checkpoint"), steps=150, lr=3e-4, checkpoint_every=150,
                         output_dir=str(tmp_path / "rlvr")))
    assert rl[0]["eval_pass@1"] == pytest.approx(after_sft)  # the checkpoint is the model sft ended with

    partition = held_out("envgym/Arithmetic-v0", {"difficulty": 1}, 200)
    assert len(partition) == 200 and partition.space == 713

    def sampled(model: str) -> list[float]:
        result = evaluate(hf_policy(model), "envgym/Arithmetic-v0", samples=8, max_tokens=32, partition=partition,
                          env_kwargs={"difficulty": 1})
        return [c / n for n, c in (result.outcomes()[task] for task in partition.task_ids)]

    start, mid, end = sampled("tiny"), sampled(str(tmp_path / "sft" / "checkpoint")), sampled(str(tmp_path / "rlvr" / "checkpoint"))
    sft_change, rl_change = paired_difference(start, mid), paired_difference(mid, end)
    print(f"held-out greedy pass@1: untrained {before:.3f}, after sft {after_sft:.3f}, after rlvr {rl[-1]['eval_pass@1']:.3f}; "
          f"sampled pass@1 change: sft {sft_change}, rlvr {rl_change}")
    assert before <= 0.02 and after_sft >= 0.12
    assert sft_change.low > 0.1 and rl_change.low > 0
