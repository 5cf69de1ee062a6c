"""The training loop every learner shares: collect, weight, optimise, push, evaluate, checkpoint.

    trainer = Trainer(TrainConfig(env="envgym/Arithmetic-v0", learner="sft", steps=300))
    trainer.train()            # resumes from output_dir/checkpoint when one is there

A learner (``envgym.learn.learners``) turns a step number into weighted ``Sample``s, collecting
on-policy rollouts through the trainer (``rollout``) or reading off-policy traces. Its training
tasks (``task_seeds``) are chosen by the run's task sampler (``envgym.learn.samplers``; ``uniform``
by default), which the trainer tells the rewards of each scored group of its own rollouts. The
trainer does the rest, the same way for all of them:

- optimise the shared loss (``policy_loss``) with AdamW, gradients accumulated over micro-batches
  (exactly: each micro-batch's loss is scaled by its share of the batch's normaliser), clipped;
- push the weights to the rollout engine (the ``hf`` policy shares the training model; ``vllm``
  gets ``update_weights(state_dict)``) and bump the policy version;
- evaluate greedy pass@1 on held-out tasks (seeds no training step draws, and whose task ids
  training never sees);
- checkpoint atomically: a plain Hugging Face model directory (config, safetensors, tokenizer)
  plus ``trainer.pt`` (optimizer, step, RNG states, learner state); ``envgym.learn.checkpoint`` writes and reads them.

Resume is exact. Every random choice of step ``k`` derives from ``(seed, k)``, and a step's
rollouts are written to ``rollouts/step-k-*.jsonl`` (in the background while it trains, and
always before its checkpoint), so a run killed at any moment (SIGKILL included) resumes at the
last checkpoint and replays the interrupted step from its stored rollouts: a complete file as it
is; a file the kill cut short is sampled again whole from the same weights and seeds (an
episode's noise depends on its batch), or, with ``episode_seeds``, only its missing episodes. It
trains on exactly the trajectories an uninterrupted run would have. ``trained.jsonl`` records them, step by step.

Data parallel: launched by ``torchrun --nproc-per-node N`` (or ``envgym train --nproc N``), the
same code runs on N ranks (``envgym.learn.distributed``): each rank collects its share of a step's
episodes, the update's samples are split over the ranks and the gradients summed, the model is
sharded with FSDP2 (``parallel="fsdp"``) or replicated with DDP, and rank 0 alone writes metrics,
checkpoints and the trajectory store. Episodes are then seeded by their own task, sample and
turn, so a run on N ranks trains on the trajectories one process would, and gives its weights
within floating-point tolerance.
"""

from __future__ import annotations

import copy
import dataclasses
import json
import math
import random
import time
from collections.abc import Iterator, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import numpy as np
import torch

from envgym.learn import checkpoint, distributed
from envgym.learn.checkpoint import export_model  # noqa: F401 - part of this module's interface
from envgym.heldout import EVAL_SEED_BASE, HeldOut, held_out  # training seeds are drawn below the base
from envgym.learn.loss import LossConfig, LossInputs, policy_loss
from envgym.learn.runlog import RunLog
from envgym.learn.sequences import Sample, pad
from envgym.policy.base import SamplingParams
from envgym.rollout.collector import RolloutConfig, collect
from envgym.rollout.pool import LocalEnvPool
from envgym.rollout.store import TrajectoryStore, trajectory_key
from envgym.types import Trajectory



@dataclass
class TrainConfig:
    """Everything about a run except the learner's own settings (``learner_config``)."""

    env: str
    """Environment id the learner trains on, e.g. ``envgym/Arithmetic-v0``."""
    learner: str = "rlvr"
    """Learner name: sft, rlvr, process, refine, distill, guided (plugins add more)."""
    learner_config: Any = None
    """The learner's typed config (e.g. ``RLVRConfig``); None takes its defaults."""
    model: str = "tiny"
    """A Hugging Face model directory, or ``tiny`` for envgym's local tiny model (no download)."""
    output_dir: str = "runs/train"
    """Where checkpoints, metrics, rollouts and the trained-on record go."""
    env_kwargs: dict[str, Any] = field(default_factory=dict)
    """Keyword arguments for ``envgym.make``."""
    policy: Literal["hf", "vllm"] = "hf"
    """Rollout engine: ``hf`` shares the training model; ``vllm`` gets weights pushed each step."""
    steps: int = 100
    """Optimizer steps."""
    lr: float = 1e-3
    """AdamW learning rate (after warm-up)."""
    weight_decay: float = 0.0
    """AdamW weight decay."""
    warmup_steps: int = 0
    """Linear learning-rate warm-up."""
    lr_schedule: Literal["constant", "cosine"] = "constant"
    """After warm-up: ``constant``, or ``cosine`` decay to ``min_lr_ratio`` of ``lr`` at the last step
    (a small model that has just learned a skill at a high rate can lose it again at that rate)."""
    min_lr_ratio: float = 0.1
    """The cosine schedule's final learning rate, as a share of ``lr``."""
    max_grad_norm: float = 1.0
    """Gradient clipping by global norm (0 turns it off)."""
    micro_batch: int = 64
    """Sequences per forward/backward; gradients accumulate over the step's whole batch."""
    micro_batch_tokens: int = 0
    """Above 0, micro-batches are formed by tokens instead: sequences sorted by length and packed
    so that each micro-batch's padded size (rows x longest row) stays within this budget (and
    ``micro_batch`` rows), so short sequences are not padded to the longest of the step."""
    parallel: Literal["fsdp", "ddp"] = "fsdp"
    """Under torchrun: ``fsdp`` shards weights, gradients and optimizer state (FSDP2); ``ddp`` keeps
    a whole copy per rank and all-reduces gradients."""
    episode_seeds: bool | None = None
    """Seed each episode's sampling by its task, sample and turn (``RolloutConfig.episode_seeds``),
    not by its batch; None: on when the run is data parallel (then N ranks sample what one would)."""
    precision: Literal["fp32", "bf16"] = "fp32"
    """bf16 runs the forward pass under autocast; log-probs and the loss stay fp32."""
    generation_dtype: str = "auto"
    """The ``hf`` engine generates with a copy of the weights in this dtype (``bfloat16``,
    ``float32``), refreshed at every push; ``auto``: bfloat16 when training in bf16 on a GPU, else
    the training weights themselves."""
    lora_rank: int = 0
    """Above 0, train LoRA adapters of this rank (needs ``peft``) instead of every weight."""
    lora_alpha: int = 16
    """LoRA scaling numerator."""
    temperature: float = 1.0
    """Sampling temperature for on-policy rollouts."""
    top_p: float = 1.0
    """Nucleus sampling mass for on-policy rollouts."""
    max_tokens: int = 64
    """Most new tokens per model turn."""
    max_context_tokens: int = 1024
    """Most tokens per episode."""
    eval_every: int = 0
    """Evaluate every N steps (0: only before the first and after the last step)."""
    eval_tasks: int = 100
    """Held-out tasks for evaluation (greedy pass@1)."""
    checkpoint_every: int = 1
    """Checkpoint every N steps (and always at the end)."""
    seed: int = 0
    """Seeds data order, sampling and initialisation."""
    loss: LossConfig = field(default_factory=LossConfig)
    """The shared loss's settings (clipping, KL, normalisation, IS correction)."""
    ray_address: str | None = None
    """Run environments in Ray actors: ``local`` starts a local instance, or a cluster address."""
    env_threads: int = 1
    """Environments stepped at once in this process (for sandboxed environments)."""
    overlap: bool = False
    """Step one half of the episodes while the model generates for the other (for slow environments)."""
    scaffold: str = "none"
    """The scaffold the policy is trained to run under (``tool_loop``, ``best_of_n``, ...): on-policy
    rollouts and held-out evaluation go through it, and ``sft``'s gold traces take its form."""
    scaffold_kwargs: dict[str, Any] = field(default_factory=dict)
    """Keyword arguments for the scaffold, e.g. ``{"max_calls": 2}``."""
    sampler: str = "uniform"
    """How training tasks are drawn (``envgym.learn.samplers``): ``uniform``, or ``adaptive`` (a
    curriculum of tasks whose recent pass rate is inside a band); plugins add more."""
    sampler_kwargs: dict[str, Any] = field(default_factory=dict)
    """The sampler's settings, e.g. ``{"low": 0.2, "high": 0.8}`` for ``adaptive``."""
    second_verifier: str | None = None
    """A registered verifier (e.g. ``math``) that re-scores every rollout's final answer; the share
    where it and the environment disagree is logged as ``verifier_disagreement`` (a reward-hacking monitor)."""
    progress: bool = True
    """Show a progress bar."""
    tensorboard: bool = False
    """Also write metrics for TensorBoard (needs ``tensorboard``)."""
    wandb_project: str | None = None
    """Also log metrics to this Weights & Biases project (needs ``wandb``)."""
    device: str = "auto"
    """``cpu``, ``cuda`` or ``auto``."""

    def __post_init__(self) -> None:
        for name in ("steps", "micro_batch", "max_tokens", "max_context_tokens", "eval_tasks", "checkpoint_every",
                     "env_threads"):
            if getattr(self, name) < 1:
                raise ValueError(f"TrainConfig.{name} must be at least 1, got {getattr(self, name)}")
        for name in ("seed", "warmup_steps", "eval_every", "lora_rank", "weight_decay", "max_grad_norm", "temperature"):
            if getattr(self, name) < 0:
                raise ValueError(f"TrainConfig.{name} must be 0 or more, got {getattr(self, name)}")
        if not self.lr > 0:
            raise ValueError(f"TrainConfig.lr must be above 0, got {self.lr}")
        if not 0 < self.top_p <= 1:
            raise ValueError(f"TrainConfig.top_p must be in (0, 1], got {self.top_p}")
        if self.precision not in ("fp32", "bf16"):
            raise ValueError(f"TrainConfig.precision must be 'fp32' or 'bf16', got {self.precision!r}")
        if self.lr_schedule not in ("constant", "cosine"):
            raise ValueError(f"TrainConfig.lr_schedule must be 'constant' or 'cosine', got {self.lr_schedule!r}")
        if self.policy not in ("hf", "vllm"):
            raise ValueError(f"TrainConfig.policy must be 'hf' or 'vllm', got {self.policy!r}")
        if self.parallel not in ("fsdp", "ddp"):
            raise ValueError(f"TrainConfig.parallel must be 'fsdp' or 'ddp', got {self.parallel!r}")
        if self.micro_batch_tokens < 0:
            raise ValueError(f"TrainConfig.micro_batch_tokens must be 0 (off) or positive, got {self.micro_batch_tokens}")


class Trainer:
    """One run: the model, its rollout engine, the learner and the loop."""

    def __init__(self, config: TrainConfig, *, model: Any = None, tokenizer: Any = None) -> None:
        from envgym.learn.learners import make_learner
        from envgym.learn.samplers import make_sampler

        self.config = config
        self.out = Path(config.output_dir)
        device = ("cuda" if torch.cuda.is_available() else "cpu") if config.device == "auto" else config.device
        self.group = distributed.init(device)
        self.device = distributed.device_for(device, self.group)
        self.episode_seeds = self.group.distributed if config.episode_seeds is None else config.episode_seeds
        _seed_everything(config.seed)
        from transformers.utils import logging as hf_logging

        hf_logging.disable_progress_bar()  # a bar per checkpoint save/load; the run has its own
        self.model, self.tokenizer = _load(config, model, tokenizer)
        self.model.to(self.device)
        if config.lora_rank > 0:
            if self.group.distributed and config.parallel == "fsdp":
                raise ValueError("TrainConfig.lora_rank: LoRA is not sharded with FSDP; use parallel='ddp'")
            self.model = _with_lora(self.model, config)
        distributed.sync_parameters(self.model, self.group)
        self.sharded = self.group.distributed and config.parallel == "fsdp"
        # FSDP shards the training model, so the rollout engine generates with a whole copy of it,
        # refreshed at every push; DDP and a single process generate with the training model itself.
        self._full = copy.deepcopy(self.model) if self.sharded else self.model
        self.learner = make_learner(config.learner, config.learner_config)
        self.sampler = make_sampler(config.sampler, config.sampler_kwargs)
        self.policy = self._rollout_engine()
        self.scaffolded = self._scaffolded()
        self.pool = self._pool()
        wrapped = distributed.wrap(self.model, self.group, config.parallel, self.device)
        self._forward = wrapped  # DDP: the wrapper, whose backward all-reduces; otherwise the model itself
        self.optimizer = _adamw([p for p in self.model.parameters() if p.requires_grad], config)
        self.scheduler = torch.optim.lr_scheduler.LambdaLR(self.optimizer, lambda s: lr_factor(s, config))
        self.step = 0
        self._probe = None
        self._held_out: HeldOut | None = None
        self._rollout_calls = 0
        self._first_length: float | None = None
        self._second = None
        if config.second_verifier:
            from envgym.learn.monitors import SecondVerifier

            self._second = SecondVerifier(config.env, config.env_kwargs, config.second_verifier)
        self._disagreements: list[bool] = []
        self._writer = ThreadPoolExecutor(1, thread_name_prefix="envgym-rollouts")
        self._writes: list[Future] = []
        self._logger = RunLog(self.out, config, enabled=self.group.main)
        self.learner.setup(self)

    @property
    def full_model(self) -> Any:
        """The whole model, unsharded, as of the last push (the training model itself unless FSDP shards it)."""
        return self._full

    # ---- what learners use ---------------------------------------------------------------------

    def rng(self, step: int, stream: int = 0) -> np.random.Generator:
        """The random generator of step ``step`` (and a learner's stream): the same on resume."""
        return np.random.default_rng([self.config.seed, step, stream])

    def task_seeds(self, step: int, n: int, stream: int = 0) -> list[int]:
        """``n`` training task seeds for a step, chosen by the run's sampler: reproducible, and never a held-out task."""
        return self.sampler.seeds(self, step, n, stream)

    def candidates(self, step: int, stream: int = 0) -> Iterator[int]:
        """The step's training seeds in the order ``uniform`` takes them, held-out tasks skipped (endless)."""
        rng, held = self.rng(step, 1000 + stream), self.held_out_tasks()
        while True:
            seed = int(rng.integers(0, EVAL_SEED_BASE))
            if self._task_id(seed) not in held:
                yield seed

    def task_key(self, seed: int) -> str:
        """The curriculum key of a seed's task (``envgym.learn.samplers.task_key``)."""
        from envgym.learn.samplers import task_key

        self._task_id(seed)
        return task_key(self._probe.unwrapped.task)

    def held_out(self) -> HeldOut:
        """The held-out partition (``envgym.heldout``): ``eval_tasks`` distinct tasks training never draws."""
        if self._held_out is None:
            self._task_id(EVAL_SEED_BASE)  # makes the probe environment
            part = held_out(self.config.env, self.config.env_kwargs, self.config.eval_tasks, env=self._probe)
            if part.whole_space:
                raise ValueError(f"{self.config.env}: eval_tasks={self.config.eval_tasks} holds out the whole task space "
                                 f"({part.space} tasks), leaving nothing to train on; lower eval_tasks")
            self._held_out = part
        return self._held_out

    def environment(self) -> Any:
        """An instance of the run's environment (made once), for reading tasks: gold traces, hints, task ids."""
        self._task_id(EVAL_SEED_BASE)
        return self._probe

    def held_out_tasks(self) -> set[str]:
        return set(self.held_out().task_ids)

    def eval_seeds(self) -> list[int]:
        return list(self.held_out().seeds)

    def sampling(self, **overrides: Any) -> SamplingParams:
        c = self.config
        params = SamplingParams(temperature=c.temperature, top_p=c.top_p, max_tokens=c.max_tokens,
                                seed=hash((c.seed, self.step, self._rollout_calls)) % 2**31)
        return dataclasses.replace(params, **overrides)

    def rollout(self, seeds: Sequence[int], group_size: int = 1, *, policy: Any = None, tag: str = "rollout",
                sampling: SamplingParams | None = None) -> list[Trajectory]:
        """Collect episodes for the current step (on-policy, under the run's scaffold, unless ``policy``
        is another), stored under ``rollouts/`` before they are returned, so a resumed step trains on the same ones."""
        self._rollout_calls += 1
        params = sampling or self.sampling()
        config = RolloutConfig(group_size=group_size, sampling=params, max_context_tokens=self.config.max_context_tokens,
                               env_threads=self.config.env_threads, overlap=self.config.overlap,
                               episode_seeds=self.episode_seeds and params.seed is not None,
                               # on a GPU, the whole step's episodes in one batch (the CPU keeps its chunks of 256)
                               chunk_episodes=max(256, len(seeds) * group_size) if self.device.startswith("cuda") else 256)
        store = TrajectoryStore(self.out / "rollouts" / f"step-{self.step:06d}-{self._rollout_calls:02d}-{tag}.jsonl")
        if self.group.distributed:
            found = self._rollout_shared(seeds, policy or self.scaffolded, config, store)
        elif store.path.exists() and (config.episode_seeds or _complete(store, seeds, group_size)):
            # A resumed step: what is stored stands. With episode seeds the missing episodes sample
            # what they would have; without them an episode's noise depends on its batch, so only a
            # complete file is replayed (a file cut short by a kill is sampled again, whole, below).
            collect(self.pool, policy or self.scaffolded, seeds, config, store=store)
            found = list(store)
        else:  # written in the background while the step trains; joined before the checkpoint
            store.path.unlink(missing_ok=True)
            found = collect(self.pool, policy or self.scaffolded, seeds, config)
            self._writes.append(self._writer.submit(store.append, found))
        order = {seed: i for i, seed in reversed(list(enumerate(seeds)))}
        wanted = [t for t in found if t.seed in order and t.sample < group_size]
        if self._second is not None:
            self._disagreements += self._second.disagreements(wanted)
        wanted.sort(key=lambda t: (order[t.seed], t.sample))
        if policy is None:  # the run's own policy: tell the sampler how each group did
            self._report_outcomes(wanted)
        return wanted

    def _report_outcomes(self, trajectories: Sequence[Trajectory]) -> None:
        groups: dict[Any, list[Trajectory]] = {}
        for t in trajectories:
            groups.setdefault(t.group_id or (t.seed, t.task_id), []).append(t)
        for group in groups.values():
            self.sampler.update(self.task_key(group[0].seed), [t.reward for t in group])

    def _rollout_shared(self, seeds: Sequence[int], policy: Any, config: RolloutConfig,
                        store: TrajectoryStore) -> list[Trajectory]:
        """Data parallel: each rank plays its share of the seeds; all get every trajectory; rank 0 stores them."""
        stored = distributed.broadcast(list(store) if self.group.main and store.path.exists() else [], self.group)
        skip = {trajectory_key(t) for t in stored}
        mine = collect(self.pool, policy, distributed.shard(list(dict.fromkeys(seeds)), self.group), config, skip=skip)
        new = [t for part in distributed.gather(mine, self.group) for t in part]
        if self.group.main and new:
            self._writes.append(self._writer.submit(store.append, new))
        return stored + new

    # ---- the loop ------------------------------------------------------------------------------

    def train(self) -> dict[str, Any]:
        """Run to ``config.steps`` (resuming from a checkpoint if there is one); return the last metrics."""
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        self._resume()
        c = self.config
        if self.group.main:
            (self.out / "config.json").write_text(json.dumps(dataclasses.asdict(c), indent=2, default=repr))
        if self.step == 0:
            self._logger.log({"step": 0, **self.evaluate()})
        progress = Progress(TextColumn(f"train {c.learner}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                            TextColumn("{task.fields[info]}"), disable=not (c.progress and self.group.main), transient=True)
        last: dict[str, Any] = {}
        with progress:
            bar = progress.add_task("steps", total=c.steps, completed=self.step, info="")
            while self.step < c.steps:
                last = self.train_step()
                progress.update(bar, completed=self.step, info=_brief(last))
        self._logger.close()
        return last or {"step": self.step, **self.evaluate()}  # resumed a finished run

    def train_step(self) -> dict[str, Any]:
        """One step: samples from the learner, one optimizer update, push, maybe evaluate/checkpoint."""
        start = time.perf_counter()
        self._rollout_calls, self._disagreements = 0, []
        samples, metrics = self.learner.batch(self, self.step)
        metrics.update(self.sampler.metrics())
        collected = time.perf_counter()
        metrics.update(self.update(samples))
        self.push_weights()
        self.step += 1
        metrics.update(step=self.step, seconds=time.perf_counter() - start, rollout_seconds=collected - start,
                       lr=self.scheduler.get_last_lr()[0], policy_version=self.policy.version)
        if "completion_tokens" in metrics:  # length drift: a monitor for reward hacking by verbosity
            self._first_length = self._first_length or metrics["completion_tokens"] or None
            if self._first_length:
                metrics["length_drift"] = metrics["completion_tokens"] / self._first_length
        if self._disagreements:  # a second verifier's opinion on the same answers
            metrics["verifier_disagreement"] = sum(self._disagreements) / len(self._disagreements)
        c = self.config
        if (c.eval_every and self.step % c.eval_every == 0) or self.step == c.steps:
            metrics.update(self.evaluate())
        self._logger.log(metrics, trained=[s.key for s in samples], tasks=sorted({s.task_id for s in samples}))
        if self.step % c.checkpoint_every == 0 or self.step == c.steps:
            self.save_checkpoint()
        return metrics

    def update(self, samples: Sequence[Sample]) -> dict[str, float]:
        """One optimizer step on the samples (gradients accumulated over micro-batches).

        Each micro-batch's loss is scaled by its share of the whole batch's normaliser, so the
        accumulated gradient is the whole batch's. Data parallel, each rank takes its share of the
        samples and the ranks' gradients are summed: the same step, split.
        """
        counted = [s for s in samples if any(s.mask)]
        if not counted:  # nothing to learn from (every group dropped): no update, no schedule step
            return {"loss": 0.0, "samples": 0, "tokens": 0}
        self.model.train()
        norm = self.config.loss.normalization
        total = sum(sum(s.mask) for s in counted) if norm == "token" else len(counted)
        mine = distributed.shard(sorted(counted, key=lambda s: -len(s.ids)), self.group) if self.group.distributed else counted
        rounds = micro_batches(mine, self.config.micro_batch, self.config.micro_batch_tokens)
        # Every rank runs as many forward/backward passes (their collectives must pair up): a rank
        # with fewer pads its rounds with passes weighted zero.
        count = distributed.most(len(rounds), self.group, self.device)
        scale = self.group.world  # DDP and FSDP average the ranks' gradients; the shares already sum to one
        sums: dict[str, float] = {}
        for i in range(count):
            micro = rounds[i] if i < len(rounds) else (rounds[0] if rounds else counted[:1])
            weight = 0.0 if i >= len(rounds) else None
            with self._gradient_sync(last=i == count - 1):
                parts, share = self._backward(micro, norm, total, scale, weight)
            for k, v in parts.items():
                sums[k] = sums.get(k, 0.0) + v * (share if k != "tokens" else 1.0)
        if self.group.distributed:
            sums = {k: sum(part.get(k, 0.0) for part in distributed.gather(sums, self.group)) for k in sums}
        params = [p for p in self.model.parameters() if p.requires_grad]
        grad_norm = torch.nn.utils.clip_grad_norm_(params, self.config.max_grad_norm or math.inf)
        if hasattr(grad_norm, "full_tensor"):  # FSDP: a DTensor
            grad_norm = grad_norm.full_tensor()
        self.optimizer.step()
        self.optimizer.zero_grad(set_to_none=True)
        self.scheduler.step()
        return {**{k: float(v) for k, v in sums.items()}, "loss": float(sum(sums.get(k, 0.0) for k in ("pg_loss", "ce_loss"))
                                                                         + self.config.loss.kl_coef * sums.get("kl", 0.0)),
                "grad_norm": float(grad_norm), "samples": len(counted)}

    def _backward(self, micro: Sequence[Sample], norm: str, total: float, scale: float,
                  weight: float | None) -> tuple[dict[str, float], float]:
        """Forward and backward one micro-batch, its loss weighted by its share of ``total`` (or ``weight``)."""
        batch = pad(micro, self.tokenizer.pad_token_id, self.device)
        with torch.autocast("cuda" if self.device.startswith("cuda") else self.device, dtype=torch.bfloat16,
                            enabled=self.config.precision == "bf16"):
            logprobs = batch.logprobs(self._forward)
        rollout = batch.rollout_logprobs
        if rollout is not None:  # tokens the engine did not sample get importance weight 1
            rollout = torch.where(torch.isnan(rollout), logprobs.detach().float(), rollout)
        inputs = LossInputs(logprobs=logprobs.float(), mask=batch.mask, advantages=batch.advantages,
                            ce_weights=batch.ce_weights, rollout_logprobs=rollout,
                            ref_logprobs=self.learner.ref_logprobs(self, batch))
        loss, parts = policy_loss(inputs, self.config.loss)
        share = (batch.tokens if norm == "token" else len(micro)) / total if weight is None else weight
        (loss * (share * scale)).backward()
        return (parts, share) if weight is None else ({}, 0.0)

    def _gradient_sync(self, last: bool) -> Any:
        """DDP all-reduces gradients at the step's last backward only (``no_sync`` before it)."""
        import contextlib

        if self._forward is not self.model and not last:
            return self._forward.no_sync()
        return contextlib.nullcontext()

    def push_weights(self) -> None:
        """Make the rollout engine sample from the new weights; its version goes up by one."""
        if self.sharded:  # gather the shards into the rollout engine's whole copy (every rank takes part)
            with torch.no_grad():
                self._full.load_state_dict(distributed.full_state_dict(self.model))
        if getattr(self.policy, "model", None) is self._full:
            self.policy.refresh()  # the same weights, changed in place (and copied to a bf16 engine copy)
        else:
            self.policy.update_weights(checkpoint.plain_state_dict(self._full))

    def evaluate(self) -> dict[str, float]:
        """Greedy pass@1 and mean reward on the held-out tasks, under the run's scaffold (``envgym.evaluate``)."""
        from envgym.evaluate import evaluate

        if self.group.distributed:  # rank 0 evaluates; the others wait for its numbers
            return distributed.broadcast(self._evaluate() if self.group.main else None, self.group)
        return self._evaluate()

    def _evaluate(self) -> dict[str, float]:
        from envgym.evaluate import evaluate

        result = evaluate(self.scaffolded, self.config.env, tasks=self.config.eval_tasks, max_tokens=self.config.max_tokens,
                          max_context_tokens=self.config.max_context_tokens, pool=self.pool, partition=self.held_out())
        return {"eval_pass@1": result.pass_at[1], "eval_reward": result.mean_reward}

    # ---- checkpoints -----------------------------------------------------------------------------

    def save_checkpoint(self) -> Path:
        """Write ``checkpoint/`` atomically (``envgym.learn.checkpoint``)."""
        return checkpoint.save(self)

    def _resume(self) -> None:
        checkpoint.resume(self)

    # ---- helpers ---------------------------------------------------------------------------------

    def _task_id(self, seed: int) -> str:
        if self._probe is None:
            import envgym

            self._probe = envgym.make(self.config.env, **self.config.env_kwargs)
        return self._probe.reset(seed=seed)[1]["task_id"]

    def _rollout_engine(self) -> Any:
        import envgym

        if self.config.policy == "hf":  # generates with the training model itself (or FSDP's whole copy)
            c = self.config
            dtype = c.generation_dtype
            if dtype == "auto":
                dtype = "bfloat16" if c.precision == "bf16" and self.device.startswith("cuda") else None
            return envgym.make_policy("hf", self._full, self.tokenizer, name=Path(c.model).name, device=self.device,
                                      batch_size="auto", generation_dtype=dtype)
        tmp = self.out / ("engine-init" if not self.group.distributed else f"engine-init-{self.group.rank}")
        checkpoint.export_model(self._full, self.tokenizer, tmp)
        # colocated with training on a GPU: a share of its memory, not vLLM's default 0.9
        share = 0.3 if self.device.startswith("cuda") else None
        return envgym.make_policy("vllm", str(tmp), name=Path(self.config.model).name, gpu_memory_utilization=share)

    def _scaffolded(self) -> Any:
        """The rollout engine under the run's scaffold (the bare policy for ``none``)."""
        import envgym

        if self.config.scaffold == "none" and not self.config.scaffold_kwargs:
            return self.policy
        return envgym.make_scaffold(self.config.scaffold, self.policy, **self.config.scaffold_kwargs)

    def _pool(self) -> Any:
        c = self.config
        if c.ray_address is None:
            return LocalEnvPool(c.env, dict(c.env_kwargs), threads=c.env_threads)
        from envgym.rollout.ray_pool import RayEnvPool

        return RayEnvPool(c.env, dict(c.env_kwargs), address=None if c.ray_address == "local" else c.ray_address)

    def _flush_rollouts(self) -> None:
        writes, self._writes = self._writes, []
        for write in writes:
            write.result()

    def close(self) -> None:
        """Close the environments, the logs and the rollout engine (a vLLM engine frees its memory)."""
        self._flush_rollouts()
        self._writer.shutdown()
        self.pool.close()
        self._logger.close()
        if hasattr(self.policy, "close"):
            self.policy.close()
        distributed.close(self.group)


# ---- module helpers ----------------------------------------------------------------------------


def _load(config: TrainConfig, model: Any, tokenizer: Any) -> tuple[Any, Any]:
    if model is not None:
        if tokenizer is None:
            raise ValueError("Trainer: pass the tokenizer with a loaded model")
        return model, tokenizer
    if config.model == "tiny":
        from envgym.models import build_model, build_tokenizer

        tokenizer = build_tokenizer()
        return build_model(tokenizer, seed=config.seed), tokenizer
    from transformers import AutoModelForCausalLM, AutoTokenizer

    path = Path(config.model)
    if not path.is_dir():
        raise FileNotFoundError(f"TrainConfig.model: {path} is not a model directory; pass a Hugging Face directory or 'tiny'")
    return AutoModelForCausalLM.from_pretrained(path, dtype=torch.float32), AutoTokenizer.from_pretrained(path)


def _with_lora(model: Any, config: TrainConfig) -> Any:
    try:
        import peft
    except ImportError as exc:
        raise ImportError("TrainConfig.lora_rank needs peft: pip install 'envgym[train]'") from exc
    lora = peft.LoraConfig(r=config.lora_rank, lora_alpha=config.lora_alpha, target_modules="all-linear",
                           task_type="CAUSAL_LM")
    return peft.get_peft_model(model, lora)


def _adamw(params: list[Any], config: TrainConfig) -> torch.optim.Optimizer:
    """AdamW, fused (one kernel for every tensor: 4x faster on small models) where torch supports it."""
    try:
        return torch.optim.AdamW(params, lr=config.lr, weight_decay=config.weight_decay, fused=True)
    except (RuntimeError, TypeError):
        return torch.optim.AdamW(params, lr=config.lr, weight_decay=config.weight_decay)


def _complete(store: TrajectoryStore, seeds: Sequence[int], group_size: int) -> bool:
    """Whether the store holds every (seed, sample) episode of the call."""
    have = {(t.seed, t.sample) for t in store}
    return all((seed, sample) in have for seed in seeds for sample in range(group_size))


def micro_batches(samples: Sequence[Sample], rows: int, tokens: int = 0) -> list[list[Sample]]:
    """The samples in micro-batches: ``rows`` at a time in their order, or, with a ``tokens``
    budget, sorted longest first and packed so rows x longest row stays within it.

    >>> from envgym.learn.sequences import Sample
    >>> s = [Sample((1,) * n, (1,) * n, None, None, (None,) * n, key=str(n)) for n in (3, 9, 2, 8)]
    >>> [[len(x.ids) for x in m] for m in micro_batches(s, 2)]
    [[3, 9], [2, 8]]
    >>> [[len(x.ids) for x in m] for m in micro_batches(s, 4, tokens=18)]
    [[9, 8], [3, 2]]
    """
    if tokens <= 0:
        return [list(samples[i : i + rows]) for i in range(0, len(samples), rows)]
    out: list[list[Sample]] = []
    for sample in sorted(samples, key=lambda s: -len(s.ids)):
        current = out[-1] if out else None
        if current is None or len(current) >= rows or (len(current) + 1) * len(current[0].ids) > tokens:
            out.append([sample])
        else:
            current.append(sample)
    return out


def lr_factor(step: int, config: TrainConfig) -> float:
    """The learning rate at optimizer step ``step`` as a share of ``config.lr``.

    >>> c = TrainConfig(env="x", steps=11, lr_schedule="cosine", min_lr_ratio=0.0)
    >>> [round(lr_factor(s, c), 3) for s in (0, 5, 10)]
    [1.0, 0.5, 0.0]
    >>> lr_factor(0, TrainConfig(env="x", warmup_steps=3))   # warm-up: a quarter of lr at the first step
    0.25
    """
    warmup = max(config.warmup_steps, 0)
    if step < warmup:
        return (step + 1) / (warmup + 1)
    if config.lr_schedule == "constant":
        return 1.0
    progress = min(1.0, (step - warmup) / max(config.steps - 1 - warmup, 1))
    return config.min_lr_ratio + (1 - config.min_lr_ratio) * 0.5 * (1 + math.cos(math.pi * progress))


def _seed_everything(seed: int) -> None:
    random.seed(seed)
    np.random.seed(seed % 2**32)
    torch.manual_seed(seed)


def _brief(metrics: Mapping[str, Any]) -> str:
    keys = ("loss", "reward", "eval_pass@1")
    return "  ".join(f"{k} {metrics[k]:.3f}" for k in keys if isinstance(metrics.get(k), float))
