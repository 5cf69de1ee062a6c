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


def test_sft_then_rlvr_raise_held_out_pass_at_1(tmp_path):
    sft = run(TrainConfig(**COMMON, learner="sft", learner_config=SFTConfig(examples_per_step=32), steps=600,
                          lr=1e-3, checkpoint_every=600, output_dir=str(tmp_path / "sft")))
    before, after_sft = sft[0]["eval_pass@1"], sft[-1]["eval_pass@1"]
    rl = run(TrainConfig(**COMMON, learner="rlvr", learner_config=RLVRConfig(prompts_per_step=16, group_size=8),
                         model=str(tmp_path / "sft" / "checkpoint"), steps=40, lr=1e-4, checkpoint_every=40,
                         output_dir=str(tmp_path / "rlvr")))
    start_rl, after_rl = rl[0]["eval_pass@1"], rl[-1]["eval_pass@1"]
    print(f"held-out pass@1: untrained {before:.3f}, after sft {after_sft:.3f}, after rlvr {after_rl:.3f}")
    assert before <= 0.05
    assert after_sft >= 0.15
    assert start_rl == pytest.approx(after_sft)  # the checkpoint is the model sft ended with
    assert after_rl >= after_sft + 0.05
