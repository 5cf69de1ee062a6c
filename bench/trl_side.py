"""The TRL half of ``bench/grpo_vs_trl.py``: GRPO with TRL's ``GRPOTrainer`` on the CPU.

``run_trl_grpo`` trains a local Hugging Face model directory on conversational prompts with the
same knobs the envgym side uses, and times each optimizer step. Settings, chosen to match
envgym's ``rlvr`` learner rather than TRL's defaults:

- generation with ``model.generate`` (no vLLM), fp32 (TRL defaults to bf16), no gradient
  checkpointing (TRL defaults to on);
- one generation batch of ``prompts_per_step * group_size`` completions per optimizer step
  (``per_device_train_batch_size`` = that, ``gradient_accumulation_steps=1``, ``num_iterations=1``),
  so the importance ratio is 1 and the clip never bites on that single pass;
- ``loss_type="dapo"``: the token losses are averaged over every completion token of the batch,
  envgym's ``normalization="token"``; clip 0.2 low / 0.28 high; ``beta=0`` (no reference model);
- advantages ``(r - group mean) / group std`` (TRL's ``scale_rewards="group"``, envgym's ``grpo``);
- constant learning rate without warm-up (TRL's default schedule decays linearly to 0).

Left at TRL's defaults, which the envgym side should match or report: AdamW (betas 0.9/0.999,
no weight decay), gradient-norm clipping at 1.0, truncated completions kept in the loss.

A step's time runs from ``on_step_begin`` to ``on_step_end``: generation, reward, the forward
and backward pass and the optimizer step. Fetching the step's prompts from the data loader
comes before ``on_step_begin`` and is left out (it indexes a small in-memory dataset).

    python bench/trl_side.py     # smoke run: 3 steps of the tiny model; prints trl_step_seconds
"""

from __future__ import annotations

import statistics
import tempfile
import time
import warnings
from typing import Any

def run_trl_grpo(model_dir: str, prompts: list[list[dict]], references: list, verifier: Any, *,
                 steps: int, prompts_per_step: int, group_size: int, max_tokens: int, lr: float,
                 seed: int, output_dir: str) -> dict:
    """Train with TRL's GRPOTrainer; return {"step_seconds": [per-step wall times after the first], "model": trained model}

    Each of the ``steps`` optimizer steps samples ``group_size`` completions of at most
    ``max_tokens`` tokens (temperature 1) for ``prompts_per_step`` prompts drawn (shuffled,
    seeded) from ``prompts``. The first step is left out of ``step_seconds`` (warm-up).
    The reward is ``verifier`` (an envgym verifier) against each prompt's reference, through
    ``envgym_trl.verifier_reward`` (plugins/trl). ``output_dir`` is required by TRL; nothing is saved there.
    """
    if len(prompts) != len(references):
        raise ValueError(f"run_trl_grpo: {len(prompts)} prompts but {len(references)} references")
    import torch
    from datasets import Dataset
    from envgym_trl import verifier_reward
    from transformers import AutoModelForCausalLM, AutoTokenizer, PrinterCallback, TrainerCallback

    with warnings.catch_warnings():  # TRL warns on import that it has not been tested with vllm 0.32
        warnings.simplefilter("ignore", UserWarning)
        from trl import GRPOConfig, GRPOTrainer

    class StepTimer(TrainerCallback):
        """Wall time of each optimizer step, generation included."""

        def __init__(self) -> None:
            self.seconds: list[float] = []

        def on_step_begin(self, args: Any, state: Any, control: Any, **kwargs: Any) -> None:
            self._start = time.perf_counter()

        def on_step_end(self, args: Any, state: Any, control: Any, **kwargs: Any) -> None:
            self.seconds.append(time.perf_counter() - self._start)

    config = GRPOConfig(
        output_dir=output_dir, seed=seed, use_cpu=True, bf16=False, fp16=False,
        gradient_checkpointing=False, max_steps=steps, learning_rate=lr,
        lr_scheduler_type="constant", warmup_steps=0,
        per_device_train_batch_size=prompts_per_step * group_size, gradient_accumulation_steps=1,
        num_generations=group_size, num_iterations=1, max_completion_length=max_tokens,
        temperature=1.0, top_p=1.0, top_k=0,
        loss_type="dapo", scale_rewards="group", epsilon=0.2, epsilon_high=0.28, beta=0.0,
        use_vllm=False, eval_strategy="no", save_strategy="no", report_to="none",
        logging_strategy="no", disable_tqdm=True, dataloader_num_workers=0,
    )
    timer = StepTimer()
    trainer = GRPOTrainer(
        model=AutoModelForCausalLM.from_pretrained(model_dir, dtype=torch.float32),
        processing_class=AutoTokenizer.from_pretrained(model_dir),
        reward_funcs=verifier_reward(verifier), args=config, callbacks=[timer],
        train_dataset=Dataset.from_dict({"prompt": prompts, "reference": references}),
    )
    trainer.remove_callback(PrinterCallback)  # it prints the run's summary dict to stdout
    trainer.train()
    return {"step_seconds": timer.seconds[1:], "model": trainer.accelerator.unwrap_model(trainer.model)}


def _smoke() -> None:
    """3 steps of the tiny model on envgym/Arithmetic-v0 (difficulty 1); prints the median step time."""
    import envgym
    from envgym.models import save_tiny

    env = envgym.make("envgym/Arithmetic-v0", difficulty=1)
    prompts, references = [], []
    for seed in range(32):
        observation, _ = env.reset(seed=seed)
        prompts.append(list(observation))  # plain OpenAI-style dicts
        references.append(env.task.reference)
    verifier = envgym.make_verifier("math")
    with tempfile.TemporaryDirectory() as tmp:
        result = run_trl_grpo(
            str(save_tiny(f"{tmp}/tiny")), prompts, references, verifier,
            steps=3, prompts_per_step=4, group_size=4, max_tokens=24, lr=1e-5, seed=0, output_dir=f"{tmp}/trl",
        )
    print(f"trl_step_seconds: {statistics.median(result['step_seconds']):.3f}")


if __name__ == "__main__":
    _smoke()
