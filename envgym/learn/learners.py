"""Learners: how each picks trajectories and fills in the weights of the one shared loss.

| learner   | consumes                  | weights                                                                  |
|-----------|---------------------------|--------------------------------------------------------------------------|
| `sft`     | off-policy traces         | c = 1 on the trace's answer tokens                                       |
| `rlvr`    | on-policy groups          | A = group advantage of the verifier reward (GRPO, RLOO, Dr. GRPO)        |
| `process` | on-policy groups          | A = outcome advantage + step rewards (baselined) on each step's tokens   |
| `refine`  | on-policy, scaffolded     | c = 1 on verified self-refined (or hint-rationalised) answers, ReST-EM   |
| `distill` | teacher / on-policy       | c = 1 on teacher traces, or A = log pi_teacher - log pi per token         |
| `guided`  | on-policy + off-policy    | rlvr, with a verified trace joining every group that failed entirely     |
| `dpo`     | on-policy + off-policy    | A = -dl/dlog pi(answer) of a pair loss (DPO, IPO, SimPO): ``preference`` |

Each learner has a typed config (``Learner.Config``) with a docstring on every field, and is
registered through the ``envgym_learners`` hook, so ``--learner NAME`` swaps them.
"""

from __future__ import annotations

import copy
import dataclasses
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar, Literal

import torch

from envgym.learn.advantages import ADVANTAGES, compute_advantages
from envgym.learn.context import LearnerContext
from envgym.learn.sequences import Batch, Sample, pad, sample
from envgym.learn.traces import consolidated, gold_traces, load_traces, retokenize
from envgym.types import Provenance, Trajectory


class Learner:
    """Base class. ``batch(trainer, step)`` returns the step's weighted samples and its metrics."""

    name: ClassVar[str]
    consumes: ClassVar[frozenset[str]]
    Config: ClassVar[type]

    def __init__(self, config: Any = None) -> None:
        if config is None:
            config = self.Config()
        elif isinstance(config, dict):
            names = {f.name for f in dataclasses.fields(self.Config)}
            unknown = sorted(set(config) - names)
            if unknown:
                raise ValueError(f"learner {self.name!r}: unknown settings {unknown}; known: {sorted(names)}")
            config = self.Config(**config)
        elif not isinstance(config, self.Config):
            raise TypeError(f"learner {self.name!r} takes a {self.Config.__name__}, got {type(config).__name__}")
        self.config = config
        self.reference: Any = None

    def setup(self, trainer: LearnerContext) -> None:
        """Called once before training; keeps a frozen reference model when the KL weight is on."""
        if trainer.config.loss.kl_coef > 0:
            self.reference = copy.deepcopy(trainer.full_model).eval().requires_grad_(False)

    def batch(self, trainer: LearnerContext, step: int) -> tuple[list[Sample], dict[str, Any]]:
        raise NotImplementedError

    def ref_logprobs(self, trainer: LearnerContext, batch: Batch) -> torch.Tensor | None:
        if self.reference is None:
            return None
        with torch.no_grad():
            return batch.logprobs(self.reference)

    def state_dict(self) -> dict[str, Any]:
        return {}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        pass


def _outcomes(trajectories: Sequence[Trajectory]) -> dict[str, float]:
    """Rollout metrics, reward-hacking monitors included: ``unearned_reward`` is the share of
    episodes rewarded without being correct (format or partial credit doing the work)."""
    n = max(len(trajectories), 1)
    return {"reward": sum(t.reward for t in trajectories) / n, "correct": sum(t.correct for t in trajectories) / n,
            "unearned_reward": sum(t.reward > 0 and not t.correct for t in trajectories) / n,
            "completion_tokens": sum(t.cost.completion_tokens for t in trajectories) / n}


# ---- sft ---------------------------------------------------------------------------------------


def _at_least(config: Any, minimum: int, *names: str) -> None:
    """Range checks of a learner config: each named field at least ``minimum``."""
    for name in names:
        if getattr(config, name) < minimum:
            raise ValueError(f"{type(config).__name__}.{name} must be at least {minimum}, got {getattr(config, name)}")


@dataclass
class SFTConfig:
    source: str = "gold"
    """``gold`` (the environment's gold policy on training tasks, written in the form of the run's
    scaffold: tool calls for ``tool_loop``), a trajectory store (``.jsonl``), or a dataset (a saved
    ``datasets`` folder, or a JSON Lines / Parquet file with a ``messages`` column)."""
    examples_per_step: int = 32
    """Traces per optimizer step."""
    verified_only: bool = True
    """Train only on traces marked correct (by the verifier in a store, by a ``correct`` column in a dataset)."""

    def __post_init__(self) -> None:
        _at_least(self, 1, "examples_per_step")


class SFT(Learner):
    """Token targets on external traces: demonstrations, teacher outputs, stored verified solutions."""

    name, consumes, Config = "sft", frozenset({"off_policy", "teacher"}), SFTConfig

    def setup(self, trainer: LearnerContext) -> None:
        super().setup(trainer)
        self._stored: list[Trajectory] | None = None
        if self.config.source != "gold":
            traces = load_traces(self.config.source, trainer.tokenizer, trainer.config.env)
            stored = [t for t in traces if t.correct or not self.config.verified_only]
            if not stored:
                raise ValueError(f"sft: no {'verified ' if self.config.verified_only else ''}traces in {self.config.source}")
            held_out = trainer.held_out_tasks()
            self._stored = [t for t in stored if t.task_id not in held_out]

    def batch(self, trainer, step):
        n = self.config.examples_per_step
        if self._stored is None:
            traces = gold_traces(_env(trainer), trainer.task_seeds(step, n), trainer.tokenizer, _scaffold(trainer))
        else:
            traces = [self._stored[i] for i in _epoch_order(trainer, len(self._stored), step, n)]
        return [sample(t, ce_weight=1.0) for t in traces], {"traces": len(traces)}


def _epoch_order(trainer: LearnerContext, size: int, step: int, n: int) -> list[int]:
    """Indices of step ``step``'s examples: each epoch a fresh seeded permutation, no example twice in one."""
    out = []
    for i in range(step * n, (step + 1) * n):
        epoch, position = divmod(i, size)
        out.append(int(trainer.rng(epoch, stream=7).permutation(size)[position]))
    return out


def _scaffold(trainer: LearnerContext) -> Any:
    """The run's scaffold (``TrainConfig.scaffold``), or None when the policy runs bare."""
    from envgym.rollout.scaffold import Scaffold

    return trainer.scaffolded if isinstance(trainer.scaffolded, Scaffold) else None


def _env(trainer: LearnerContext) -> Any:
    return trainer.environment()


# ---- rlvr and its relatives ------------------------------------------------------------------------


@dataclass
class RLVRConfig:
    prompts_per_step: int = 16
    """Tasks per optimizer step."""
    group_size: int = 8
    """Samples per task (a GRPO group)."""
    advantage: str = "grpo"
    """Advantage estimator: ``grpo`` (group-normalised), ``rloo`` (leave-one-out), ``drgrpo`` (mean only)."""
    dynamic_sampling: bool = True
    """Drop groups whose rewards are all equal (no signal) and draw fresh tasks to refill the batch."""
    max_sampling_rounds: int = 3
    """With dynamic sampling, the most rounds of fresh tasks per step."""
    overlong: Literal["mask", "none"] = "mask"
    """``mask``: completions cut off by ``max_tokens`` count in no loss term (overlong masking)."""

    def __post_init__(self) -> None:
        _at_least(self, 1, "prompts_per_step", "group_size", "max_sampling_rounds")
        ADVANTAGES.lookup(self.advantage)


class RLVR(Learner):
    """GRPO-family RL on fresh groups, rewarded by the environment's verifier."""

    name, consumes, Config = "rlvr", frozenset({"on_policy"}), RLVRConfig

    def batch(self, trainer, step):
        groups, metrics = self.groups(trainer, step)
        flat = [t for g in groups for t in g]
        advantages = self.advantages(trainer, groups) if flat else []
        samples = [sample(t, advantage=a, use=self._kept(t)) for t, a in zip(flat, advantages)]
        metrics["overlong"] = sum(not self._kept(t) for t in flat) / max(len(flat), 1)
        return samples, metrics

    def groups(self, trainer: LearnerContext, step: int) -> tuple[list[list[Trajectory]], dict[str, Any]]:
        """Fresh groups; with dynamic sampling, zero-variance groups are dropped and refilled."""
        c = self.config
        if c.dynamic_sampling:
            return fresh_groups(trainer, step, c.prompts_per_step, c.group_size, c.max_sampling_rounds,
                                keep=lambda group: len({t.reward for t in group}) > 1,
                                complete=lambda group: self.complete(trainer, group))
        return fresh_groups(trainer, step, c.prompts_per_step, c.group_size, 1,
                            complete=lambda group: self.complete(trainer, group))

    def complete(self, trainer: LearnerContext, group: list[Trajectory]) -> list[Trajectory]:
        """A hook for ``guided``: change a group before it is judged for variance."""
        return group

    def advantages(self, trainer: LearnerContext, groups: list[list[Trajectory]]) -> list[float | list[float]]:
        flat = [t for g in groups for t in g]
        values = compute_advantages(self.config.advantage, [t.reward for t in flat], [t.group_id for t in flat])
        return [float(v) for v in values]

    def _kept(self, t: Trajectory) -> bool:
        return not (self.config.overlong == "mask" and _truncated(t))


def fresh_groups(trainer: LearnerContext, step: int, prompts: int, group_size: int, rounds: int,
                 keep: Callable[[list[Trajectory]], bool] = lambda group: True,
                 complete: Callable[[list[Trajectory]], list[Trajectory]] = lambda group: group,
                 ) -> tuple[list[list[Trajectory]], dict[str, Any]]:
    """``prompts`` groups of ``group_size`` fresh samples for a step, and the rollout metrics.

    Each group is first ``complete``d, then judged: one that ``keep`` refuses is dropped and a fresh
    task drawn in its place, for at most ``rounds`` rounds (dynamic sampling).
    """
    kept: list[list[Trajectory]] = []
    seen: list[Trajectory] = []
    dropped = 0
    for round_ in range(rounds):
        seeds = trainer.task_seeds(step, prompts - len(kept), stream=round_)
        trajectories = trainer.rollout(seeds, group_size, tag=f"round{round_}")
        seen += trajectories
        for group in _by_group(trajectories):
            group = complete(group)
            if keep(group):
                kept.append(group)
            else:
                dropped += 1
        if len(kept) >= prompts:
            break
    return kept, {**_outcomes(seen), "groups": len(kept), "groups_dropped": dropped}


def _truncated(t: Trajectory) -> bool:
    """Whether the last answer was cut off by ``max_tokens`` rather than ended by the policy."""
    return bool(t.turns) and t.turns[-1].finish_reason == "length"


def _by_group(trajectories: Sequence[Trajectory]) -> list[list[Trajectory]]:
    groups: dict[str, list[Trajectory]] = {}
    for t in trajectories:
        groups.setdefault(t.group_id or t.task_id, []).append(t)
    return list(groups.values())


@dataclass
class ProcessConfig(RLVRConfig):
    outcome_coef: float = 1.0
    """Weight of the outcome (whole-trajectory) advantage on every token."""
    process_coef: float = 1.0
    """Weight of each step's reward, less the group's mean step reward, on that step's tokens."""
    step_verifier: str | None = "math-steps"
    """Verifier that scores the steps of a single-turn answer when the verdict has no step rewards
    (multi-turn episodes use each turn's own reward; None: per-turn rewards only)."""


class Process(RLVR):
    """Step-level rewards spread over each step's tokens, combined with the outcome advantage.

    Step rewards come from the verdict (``step_rewards``), else, in a multi-turn episode, from each
    turn's own reward (games, tool use), else from ``step_verifier`` run on a single-turn answer. A step's
    tokens are found by decoding the completion's token prefixes, so the spans are exact.
    """

    name, consumes, Config = "process", frozenset({"on_policy"}), ProcessConfig

    def setup(self, trainer):
        super().setup(trainer)
        import envgym

        self._steps = envgym.make_verifier(self.config.step_verifier) if self.config.step_verifier else None

    def advantages(self, trainer, groups):
        outcome = super().advantages(trainer, groups)
        out: list[list[float]] = []
        i = 0
        for group in groups:
            steps = [self._step_rewards(trainer.tokenizer, t) for t in group]
            values = [r for s in steps for _, r in s]
            baseline = sum(values) / len(values) if values else 0.0
            for t, spans in zip(group, steps):
                length = len(t.turns[-1].prompt_ids) + len(t.turns[-1].completion_ids)
                per_token = [self.config.outcome_coef * outcome[i]] * length
                for (start, end), r in spans:
                    for k in range(start, end):
                        per_token[k] += self.config.process_coef * (r - baseline)
                out.append(per_token)
                i += 1
        return out

    def _step_rewards(self, tokenizer: Any, t: Trajectory) -> list[tuple[tuple[int, int], float]]:
        """(token span, reward) per step, spans in the trajectory's training sequence."""
        from envgym.verify.steps import split_steps

        out = []
        for turn in t.turns:
            base = len(turn.prompt_ids)
            rewards = turn.verdict.step_rewards if turn.verdict is not None else None
            if rewards is None and self._steps is not None and len(t.turns) == 1:  # multi-turn: each turn's own reward
                rewards = self._steps.verify(turn.text, None).step_rewards
            if rewards:
                steps = split_steps(turn.text)
                for (start, end), r in zip(_token_spans(tokenizer, turn.completion_ids, turn.text, steps), rewards):
                    out.append(((base + start, base + end), float(r)))
            elif len(t.turns) > 1:
                out.append(((base, base + len(turn.completion_ids)), float(turn.reward)))
        return out


def _token_spans(tokenizer: Any, ids: Sequence[int], text: str, steps: Sequence[str]) -> list[tuple[int, int]]:
    """The token range covering each step's text (steps found in order in ``text``)."""
    ends = [len(tokenizer.decode(list(ids[:k + 1]), skip_special_tokens=False)) for k in range(len(ids))]
    spans, at = [], 0
    for step in steps:
        where = text.find(step, at)
        if where < 0:
            spans.append((0, 0))
            continue
        at = where + len(step)
        first = next((k for k, e in enumerate(ends) if e > where), len(ids))
        last = next((k for k, e in enumerate(ends) if e >= at), len(ids) - 1)
        spans.append((first, last + 1))
    return spans


@dataclass
class GuidedConfig(RLVRConfig):
    guide: str = "gold"
    """Where verified off-policy traces come from: ``gold`` (the environment's gold policy) or a trajectory store."""


class Guided(RLVR):
    """Interleaved on- and off-policy: a group whose samples all fail gets a verified trace in
    place of its last sample, so RL can learn what it never samples (the trace's advantage is
    large and positive; it has no sampling log-probs, so no importance weight)."""

    name, consumes, Config = "guided", frozenset({"on_policy", "off_policy"}), GuidedConfig

    def setup(self, trainer):
        super().setup(trainer)
        self._store: dict[str, Trajectory] = {}
        if self.config.guide != "gold":
            from envgym.rollout.store import TrajectoryStore

            self._store = {t.task_id: t for t in TrajectoryStore(self.config.guide) if t.correct}
        self.guided = 0

    def complete(self, trainer, group):
        if any(t.correct for t in group):
            return group
        first = group[0]
        if self.config.guide == "gold":
            trace = gold_traces(_env(trainer), [first.seed], trainer.tokenizer)[0]
        elif first.task_id in self._store:
            trace = retokenize(self._store[first.task_id], trainer.tokenizer, Provenance("off_policy", source=self.config.guide))
        else:
            return group
        if not trace.correct:
            return group
        self.guided += 1
        trace = dataclasses.replace(trace, group_id=first.group_id, metadata={"guide": True}, sample=len(group) - 1)
        return [*group[:-1], trace]

    def batch(self, trainer, step):
        self.guided = 0
        samples, metrics = super().batch(trainer, step)
        return samples, {**metrics, "guided_groups": self.guided}


# ---- refine ------------------------------------------------------------------------------------


@dataclass
class RefineConfig:
    prompts_per_step: int = 16
    """Tasks per optimizer step."""
    group_size: int = 4
    """Self-refined attempts per task."""
    critique: Literal["env", "self"] = "env"
    """Revise after the environment's feedback (``env``) or after the model's own check (``self``)."""
    max_revisions: int = 1
    """Revisions per attempt."""
    rationalize: bool = True
    """For tasks with no verified attempt, try once more with the answer as a hint (STaR) and keep it if verified."""
    keep_truncated: bool = False
    """Keep verified answers that ``max_tokens`` cut off. Off by default: a right answer followed by text
    that never ends teaches the policy not to stop, which lengthens every later sample (a collapse seen
    on the tiny model)."""
    check_steps: str | None = None
    """A verifier (e.g. ``math-steps``) whose step rewards must all be 1 for a verified answer to be kept.
    An outcome verifier keeps right answers reached through wrong steps (``4 + 8 = 11``, boxed 11, for
    3 + 8); trained on, they teach the wrong steps."""
    distinct: bool = True
    """Keep each distinct verified answer to a task once (identical samples would weigh it several times)."""

    def __post_init__(self) -> None:
        _at_least(self, 1, "prompts_per_step", "group_size")
        _at_least(self, 0, "max_revisions")


class Refine(Learner):
    """Self-refinement consolidated into the bare policy (ReST-EM with STaR rationalisation):
    sample under the self-refine scaffold, verify, keep the successes as token targets after the
    bare prompt, and repeat every step with the improved policy."""

    name, consumes, Config = "refine", frozenset({"on_policy"}), RefineConfig

    def setup(self, trainer):
        super().setup(trainer)
        import envgym

        self._steps = envgym.make_verifier(self.config.check_steps) if self.config.check_steps else None

    def batch(self, trainer, step):
        from envgym.rollout.scaffold import Rationalize, SelfRefine

        c = self.config
        seeds = trainer.task_seeds(step, c.prompts_per_step)
        scaffold = SelfRefine(trainer.policy, max_revisions=c.max_revisions, critique=c.critique)
        attempts = trainer.rollout(seeds, c.group_size, policy=scaffold, tag="refine")
        kept = self._keep(attempts)
        rationalised: list[Trajectory] = []
        if c.rationalize:
            solved = {t.seed for t in kept}
            failed = [s for s in seeds if s not in solved]
            if failed:
                rationalised = self._keep(trainer.rollout(failed, 1, policy=Rationalize(trainer.policy), tag="rationalize"))
        kept += rationalised
        return [sample(t, ce_weight=1.0) for t in kept], {**_outcomes(attempts), "kept": len(kept),
                                                           "rationalised": len(rationalised)}

    def _keep(self, trajectories: Sequence[Trajectory]) -> list[Trajectory]:
        """Verified answers that ended on their own, whose steps hold (with ``check_steps``), each once."""
        c, seen, out = self.config, set(), []
        for t in trajectories:
            if not t.correct or (_truncated(t) and not c.keep_truncated):
                continue
            text = t.turns[-1].text if t.turns else ""
            if self._steps is not None and not all(r == 1 for r in self._steps.verify(text, None).step_rewards or ()):
                continue
            if c.distinct and (t.task_id, text) in seen:
                continue
            seen.add((t.task_id, text))
            out.append(t)
        return out


# ---- distill -----------------------------------------------------------------------------------


@dataclass
class DistillConfig:
    teacher: str = ""
    """The teacher: a Hugging Face model directory with the same tokenizer as the student."""
    mode: Literal["on_policy", "off_policy"] = "on_policy"
    """``on_policy``: per-token reverse-KL advantages from teacher log-probs on the student's samples;
    ``off_policy``: token targets on the teacher's own samples."""
    prompts_per_step: int = 16
    """Tasks per optimizer step."""
    samples_per_prompt: int = 1
    """Samples per task (student's on-policy, teacher's off-policy)."""
    verified_only: bool = False
    """Off-policy: keep only teacher samples the verifier judged correct."""
    teacher_scaffold: str = "none"
    """Off-policy: the scaffold the teacher runs under (``tool_loop``, ``self_refine``, ...). Its
    trajectories are consolidated: each becomes one answer after the bare prompt that carries
    what the scaffold worked out (tool results written into the answer; ``Scaffold.bare_answer``)."""
    teacher_scaffold_kwargs: dict = dataclasses.field(default_factory=dict)
    """Keyword arguments for the teacher's scaffold, e.g. ``{"prompt": "brief"}``."""
    teacher_temperature: float | None = None
    """Off-policy: the teacher's sampling temperature (None: the run's ``temperature``; 0: greedy, its best
    answer to each task)."""

    def __post_init__(self) -> None:
        _at_least(self, 1, "prompts_per_step", "samples_per_prompt")


class Distill(Learner):
    """Teacher-guided transfer; teacher and student may differ in size but must share a tokenizer.

    With ``teacher_scaffold``, the transfer is consolidation: the teacher (often the student's own
    earlier checkpoint) solves tasks with a scaffold around it, and the student learns to give the
    same answers bare.
    """

    name, consumes, Config = "distill", frozenset({"on_policy", "teacher"}), DistillConfig

    def setup(self, trainer):
        super().setup(trainer)
        from transformers import AutoModelForCausalLM, AutoTokenizer

        if not self.config.teacher:
            raise ValueError("distill: set the teacher (a model directory), e.g. --set teacher=runs/teacher/checkpoint")
        tokenizer = AutoTokenizer.from_pretrained(self.config.teacher)
        if tokenizer.get_vocab() != trainer.tokenizer.get_vocab() or tokenizer.eos_token_id != trainer.tokenizer.eos_token_id:
            raise ValueError(f"distill: the teacher {self.config.teacher} has a different tokenizer from the student; "
                             "token-level distillation needs the same vocabulary (use sft on teacher traces instead)")
        self.teacher = AutoModelForCausalLM.from_pretrained(self.config.teacher, dtype=torch.float32).to(trainer.device)
        self.teacher.eval().requires_grad_(False)
        self._teacher_policy = None

    def batch(self, trainer, step):
        c = self.config
        seeds = trainer.task_seeds(step, c.prompts_per_step)
        if c.mode == "off_policy":
            if self._teacher_policy is None:
                import envgym

                teacher = envgym.make_policy("hf", self.teacher, trainer.tokenizer, name=f"teacher:{c.teacher}",
                                             device=trainer.device)
                self._teacher_policy = envgym.make_scaffold(c.teacher_scaffold, teacher, **c.teacher_scaffold_kwargs)
            sampling = None if c.teacher_temperature is None else trainer.sampling(temperature=c.teacher_temperature)
            traces = trainer.rollout(seeds, c.samples_per_prompt, policy=self._teacher_policy, tag="teacher", sampling=sampling)
            traces = [dataclasses.replace(t, provenance=Provenance("teacher", teacher_id=c.teacher, scaffold=c.teacher_scaffold))
                      for t in traces]
            kept = [t for t in traces if t.correct or not c.verified_only]
            if c.teacher_scaffold != "none":
                kept = consolidated(_env(trainer), kept, self._teacher_policy, trainer.tokenizer)
            return [sample(t, ce_weight=1.0) for t in kept], {**_outcomes(traces), "kept": len(kept)}
        trajectories = trainer.rollout(seeds, c.samples_per_prompt, tag="student")
        plain = [sample(t, advantage=0.0) for t in trajectories]
        samples = []
        kl = []
        for start in range(0, len(plain), trainer.config.micro_batch):
            chunk = plain[start:start + trainer.config.micro_batch]
            batch = pad(chunk, trainer.tokenizer.pad_token_id, trainer.device, share_prompts=False)
            with torch.no_grad():
                gap = ((batch.logprobs(self.teacher) - batch.logprobs(trainer.full_model)) * batch.mask).cpu()
            for row, s in enumerate(chunk):
                per_token = gap[row, :len(s.ids)].tolist()
                samples.append(dataclasses.replace(s, advantages=tuple(per_token)))
                kl.append(-sum(per_token) / max(sum(s.mask), 1))
        return samples, {**_outcomes(trajectories), "reverse_kl": sum(kl) / max(len(kl), 1)}


LEARNERS: dict[str, type[Learner]] = {cls.name: cls for cls in (SFT, RLVR, Process, Refine, Distill, Guided)}


def make_learner(name: str, config: Any = None) -> Learner:
    """The learner registered as ``name`` (built-ins and plugins, through ``envgym_learners``)."""
    from envgym.plugins import host
    from envgym.registry import resolve

    cls = resolve(host().component("learner", name).factory)
    return cls(config)


def learner_config(name: str) -> type:
    from envgym.plugins import host
    from envgym.registry import resolve

    return resolve(host().component("learner", name).factory).Config

