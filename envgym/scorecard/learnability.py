"""Learnability: does a short, fixed, seeded run of the tiny model raise held-out pass@1 beyond noise?

The run is envgym's own trainer, small enough for a CPU (about two to four minutes on two cores
with the defaults): the tiny local model (``envgym.models``), SFT on the environment's gold
traces for ``sft_steps`` steps, then ``rl_steps`` steps of RLVR from where SFT ended, every seed
fixed. Greedy pass@1 is measured on the same held-out tasks (``envgym.heldout``) before training,
after SFT and at the end; the change from before to the end is a paired bootstrap interval over
tasks (``envgym.stats.paired_difference``). It is ``significant`` only when that interval excludes
zero on at least ``envgym.stats.MIN_TASKS`` tasks.

A rise says the reward can be learned from at all, by a model with no prior knowledge; no rise
from so short a run is weak evidence against an environment (``learnability within noise`` is a
caution, not a failure), while an environment whose reward is unrelated to anything in the
prompt can never show one. Needs the ``train`` extra (torch); nothing imports this at start-up.
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any

from envgym.stats import MIN_TASKS, Interval, paired_difference


@dataclass(frozen=True)
class LearnConfig:
    """The learnability run; every default is fixed so rows measured apart compare."""

    seed: int = 0
    """Seeds the model's initialisation, the task draws and sampling."""
    sft_steps: int = 100
    """SFT steps on gold traces of training tasks."""
    sft_examples: int = 16
    """Gold traces per SFT step."""
    sft_lr: float = 1e-3
    rl_steps: int = 3
    """RLVR steps after SFT (GRPO groups on fresh training tasks)."""
    rl_prompts: int = 8
    rl_group: int = 4
    rl_lr: float = 3e-4
    max_tokens: int = 32
    """Most new tokens per model turn, in training and evaluation."""
    tasks: int = 100
    """Held-out tasks pass@1 is measured on (fewer in a small space)."""
    progress: bool = True
    """Show a progress bar."""

    def __post_init__(self) -> None:
        for name in ("sft_examples", "rl_prompts", "rl_group", "max_tokens", "tasks"):
            if getattr(self, name) < 1:
                raise ValueError(f"LearnConfig.{name} must be at least 1, got {getattr(self, name)}")
        if self.sft_steps < 0 or self.rl_steps < 0 or self.sft_steps + self.rl_steps < 1:
            raise ValueError(f"LearnConfig: sft_steps and rl_steps must be 0 or more and not both 0, "
                             f"got {self.sft_steps} and {self.rl_steps}")

    def describe(self) -> str:
        return (f"tiny model, seed {self.seed}: {self.sft_steps} SFT steps x {self.sft_examples} gold traces "
                f"(lr {self.sft_lr:g}), then {self.rl_steps} RLVR steps x {self.rl_prompts} tasks x {self.rl_group} "
                f"samples (lr {self.rl_lr:g})")


@dataclass(frozen=True)
class Learnability:
    tasks: int
    before: float
    after_sft: float
    after: float
    change: Interval
    """Held-out greedy pass@1 after the run minus before, per task, paired bootstrap."""
    seconds: float
    settings: str

    @property
    def significant(self) -> bool:
        return self.tasks >= MIN_TASKS and self.change.excludes(0.0)

    @property
    def evidence(self) -> str:
        return (f"held-out pass@1 {self.before:.3f} -> {self.after_sft:.3f} (SFT) -> {self.after:.3f} (RLVR) "
                f"on {self.tasks} tasks, change {self.change}")

    def to_dict(self) -> dict[str, Any]:
        plain = {k: v for k, v in asdict(self).items() if k != "change"}
        return {**plain, "change": self.change.to_dict(), "significant": self.significant, "evidence": self.evidence}


def measure(env_id: str, config: LearnConfig | None = None, *,
            report: Callable[[int, int], None] | None = None) -> Learnability:
    """Run the fixed learnability recipe on ``env_id`` (its default options, from the process-wide
    registry) and measure it.

    report: called with (done, total) after each step and evaluation, instead of this function's own
    progress bar (for a caller that shows one already: rich allows one live display at a time).
    """
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from envgym.learn.learners import RLVRConfig, SFTConfig
    from envgym.learn.trainer import TrainConfig, Trainer

    config = config or LearnConfig()
    start = time.perf_counter()
    common = dict(env=env_id, max_tokens=config.max_tokens, eval_tasks=config.tasks, seed=config.seed, progress=False,
                  steps=10**9, checkpoint_every=10**9)  # stepped here: the trainer neither evaluates nor checkpoints
    progress = Progress(TextColumn(f"learnability {env_id}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                        disable=not config.progress or report is not None, transient=True)
    with tempfile.TemporaryDirectory(prefix="envgym-learnability-") as out, progress:
        total = config.sft_steps + config.rl_steps + 3
        bar = progress.add_task("steps", total=total)

        def tick() -> None:
            progress.advance(bar)
            if report is not None:
                report(int(progress.tasks[bar].completed), total)

        sft = Trainer(TrainConfig(**common, learner="sft", learner_config=SFTConfig(examples_per_step=config.sft_examples),
                                  lr=config.sft_lr, output_dir=f"{out}/sft"))
        try:
            before = _solved(sft)
            tick()
            for _ in range(config.sft_steps):
                sft.train_step()
                tick()
            middle = _solved(sft)
            tick()
            rl = Trainer(TrainConfig(**common, learner="rlvr", lr=config.rl_lr, output_dir=f"{out}/rlvr",
                                     learner_config=RLVRConfig(prompts_per_step=config.rl_prompts, group_size=config.rl_group)),
                         model=sft.model, tokenizer=sft.tokenizer)
        finally:
            sft.close()
        try:
            for _ in range(config.rl_steps):
                rl.train_step()
                tick()
            after = _solved(rl)
            tick()
        finally:
            rl.close()
    n = len(before)
    return Learnability(n, sum(before) / n, sum(middle) / n, sum(after) / n, paired_difference(before, after,
                        seed=config.seed), time.perf_counter() - start, config.describe())


def _solved(trainer: Any) -> list[float]:
    """Greedy correctness per held-out task, in the partition's order."""
    from envgym.evaluate import evaluate

    part = trainer.held_out()
    result = evaluate(trainer.scaffolded, trainer.config.env, max_tokens=trainer.config.max_tokens,
                      max_context_tokens=trainer.config.max_context_tokens, pool=trainer.pool, partition=part)
    outcomes = result.outcomes()
    return [float(outcomes[task][1] > 0) for task in part.task_ids]
