"""Preference learning on the one shared loss: DPO, IPO and SimPO as off-policy reshaping.

A pair is one prompt with a chosen and a rejected answer. The pair loss l (``loss_type``; the
formulas are in ``envgym.learn.loss``) depends on the policy only through the whole-answer
log-probs log pi(chosen) and log pi(rejected), so each answer's tokens get the advantage
A = -dl/dlog pi(answer), taken at the current weights (``preference_advantages``), and one step of
the shared loss has exactly the gradient of the mean pair loss. No importance ratio is applied:
the answers are fixed data, however they were sampled.

Pairs come from one of two places:

- ``source: rollouts`` (the default): the run's own groups, as ``rlvr`` samples them. In every
  group, a verified answer that ended on its own is paired with an unverified one; groups with
  no such pair are dropped and fresh tasks drawn in their place (dynamic sampling).
- a JSON Lines preference file, one pair per line: ``prompt`` (a string, the user's message, or
  a list of chat messages), ``chosen`` and ``rejected`` (the answers' text), and optionally
  ``task_id`` (pairs on held-out tasks are left out) and ``ref_chosen`` / ``ref_rejected``.

The reference pi_ref of DPO and IPO is the policy the run starts from. ``reference: model`` (the
default) computes each pair's reference log-probs once: for a file, all of them before the first
step, with the starting weights (and writes the file back with them, as
``OUTPUT_DIR/preferences-reference.jsonl``); for rollouts, with a frozen copy of the starting
policy kept for the run. ``reference: stored`` reads them from the file's ``ref_chosen`` and
``ref_rejected`` (each the sum of the answer's token log-probs, its end token included, under the
reference, with this tokenizer and chat template), so no reference model is needed at all.
SimPO has no reference.

Departures from the papers: IPO's margin uses whole-answer log-probs, as in the paper (TRL averages
them over tokens); the loss metric the trainer logs (``loss``) is the surrogate's value, and the
pair loss itself is ``preference_loss``.
"""

from __future__ import annotations

import copy
import dataclasses
import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import torch

from envgym.learn.context import LearnerContext
from envgym.learn.learners import Learner, _at_least, _epoch_order, _truncated, fresh_groups
from envgym.learn.loss import REFERENCE_FREE, PairLogprobs, PreferenceLossConfig, preference_advantages, token_weights
from envgym.learn.sequences import Sample, pad, sample
from envgym.learn.traces import from_messages
from envgym.types import Provenance, Trajectory

REF_FIELDS = ("ref_chosen", "ref_rejected")


@dataclass
class DPOConfig:
    source: str = "rollouts"
    """``rollouts`` (verified against unverified answers from the run's own groups) or a JSON Lines
    preference file (``prompt``, ``chosen``, ``rejected`` on every line)."""
    loss_type: str = "dpo"
    """The pair loss: ``dpo`` (-log sigmoid(beta h)), ``ipo`` ((h - 1/(2 beta))^2) or ``simpo``
    (reference-free, length-averaged, with margin ``simpo_gamma``); h is the reward margin over beta."""
    beta: float = 0.1
    """DPO's inverse temperature, IPO's tau, SimPO's reward scale (SimPO's paper uses 2 to 10)."""
    simpo_gamma: float = 0.5
    """SimPO's target margin gamma."""
    label_smoothing: float = 0.0
    """DPO: the assumed share of wrongly ordered pairs (conservative DPO); 0 is plain DPO."""
    reference: Literal["model", "stored"] = "model"
    """``model``: reference log-probs from the starting policy, computed once per pair; ``stored``: the
    file's ``ref_chosen`` / ``ref_rejected`` (no reference model)."""
    prompts_per_step: int = 16
    """Rollouts: groups with a pair per optimizer step."""
    group_size: int = 8
    """Rollouts: samples per task."""
    pairs_per_group: int = 1
    """Rollouts: the most pairs taken from one group (each answer in one pair at most)."""
    keep_truncated: bool = False
    """Rollouts: let a verified answer that ``max_tokens`` cut off be the chosen one (off: a right answer
    that never ends would teach the policy not to stop)."""
    max_sampling_rounds: int = 3
    """Rollouts: the most rounds of fresh tasks per step, replacing groups without a pair."""
    pairs_per_step: int = 32
    """File: pairs per optimizer step (each epoch a fresh order)."""

    def __post_init__(self) -> None:
        _at_least(self, 1, "prompts_per_step", "pairs_per_group", "max_sampling_rounds", "pairs_per_step")
        _at_least(self, 2, "group_size")
        self.loss()
        if self.reference not in ("model", "stored"):
            raise ValueError(f"DPOConfig.reference must be 'model' or 'stored', got {self.reference!r}")
        if self.reference == "stored" and self.source == "rollouts" and self.loss_type not in REFERENCE_FREE:
            raise ValueError("DPOConfig.reference='stored' reads ref_chosen/ref_rejected from a preference file; "
                             "with source='rollouts' use reference='model'")

    def loss(self) -> PreferenceLossConfig:
        return PreferenceLossConfig(self.loss_type, self.beta, self.simpo_gamma, self.label_smoothing)


@dataclass(frozen=True)
class Pair:
    """A prompt's chosen and rejected answers (as single-turn trajectories) and, once known, their reference log-probs."""

    chosen: Trajectory
    rejected: Trajectory
    ref: tuple[float, float] | None = None


class DPO(Learner):
    """Direct preference optimisation (and IPO, SimPO) on pairs from the run's groups or from a file."""

    name, consumes, Config = "dpo", frozenset({"on_policy", "off_policy"}), DPOConfig

    def setup(self, trainer: LearnerContext) -> None:
        super().setup(trainer)
        c = self.config
        self._loss = c.loss()
        self._needs_ref = c.loss_type not in REFERENCE_FREE
        self._frozen: Any = None
        self._pairs: list[Pair] | None = None
        if c.source == "rollouts":
            if self._needs_ref:  # the starting policy, for pairs sampled later by a policy that has moved
                self._frozen = copy.deepcopy(trainer.full_model).eval().requires_grad_(False)
            return
        stored = c.reference == "stored" and self._needs_ref
        rows, pairs = load_pairs(c.source, trainer.tokenizer, trainer.config.env, stored=stored)
        held_out = trainer.held_out_tasks()
        kept = [(row, p) for row, p in zip(rows, pairs) if p.chosen.task_id not in held_out]
        if not kept:
            raise ValueError(f"dpo: every pair in {c.source} is on a held-out task; nothing is left to train on")
        self._pairs = [p for _, p in kept]
        if self._needs_ref and not stored:  # now, while the weights are the starting policy's
            self._pairs = self._with_reference(trainer, trainer.full_model, self._pairs, progress=trainer.config.progress)
            _write_reference(Path(trainer.config.output_dir) / "preferences-reference.jsonl", [r for r, _ in kept],
                             self._pairs)

    def batch(self, trainer, step):
        c = self.config
        if self._pairs is None:
            kept, metrics = fresh_groups(trainer, step, c.prompts_per_step, c.group_size, c.max_sampling_rounds,
                                         keep=lambda group: bool(group_pairs(group, 1, c.keep_truncated)))
            pairs = [p for group in kept for p in group_pairs(group, c.pairs_per_group, c.keep_truncated)]
            if pairs and self._frozen is not None:
                pairs = self._with_reference(trainer, self._frozen, pairs)
        else:
            pairs = [self._pairs[i] for i in _epoch_order(trainer, len(self._pairs), step, c.pairs_per_step)]
            metrics = {}
        if not pairs:
            return [], {**metrics, "pairs": 0}
        samples, stats = self.weighted(trainer, pairs)
        return samples, {**metrics, **stats}

    def weighted(self, trainer: LearnerContext, pairs: Sequence[Pair]) -> tuple[list[Sample], dict[str, float]]:
        """The pairs' answers as samples whose advantages make the shared loss's gradient the mean pair loss's."""
        samples = [_answer(t) for p in pairs for t in (p.chosen, p.rejected)]
        with torch.no_grad():
            logps = answer_logprobs(trainer, trainer.full_model, samples)
        tokens = torch.tensor([sum(s.mask) for s in samples])
        refs = torch.tensor([p.ref for p in pairs]) if self._needs_ref else None
        logprobs = PairLogprobs(logps[0::2], logps[1::2], tokens[0::2], tokens[1::2],
                                None if refs is None else refs[:, 0], None if refs is None else refs[:, 1])
        losses, d_chosen, d_rejected = preference_advantages(logprobs, self._loss)
        derivative = torch.stack([d_chosen, d_rejected], dim=1).flatten()  # in the samples' order
        width = max(len(s.ids) for s in samples)
        mask = torch.tensor([list(s.mask) + [0.0] * (width - len(s.ids)) for s in samples])
        weight = token_weights(mask, trainer.config.loss)
        out = []
        for i, s in enumerate(samples):
            per_token = [-float(derivative[i]) / float(weight[i, t]) if m else 0.0 for t, m in enumerate(s.mask)]
            out.append(dataclasses.replace(s, advantages=tuple(per_token)))
        stats = {"pairs": float(len(pairs)), "preference_loss": float(losses.mean()),
                 "chosen_logprob": float(logprobs.chosen.mean()), "rejected_logprob": float(logprobs.rejected.mean())}
        if refs is not None:
            margin = logprobs.margin()
            stats.update(reward_margin=float(self._loss.beta * margin.mean()), reward_accuracy=float((margin > 0).float().mean()))
        return out, stats

    def _with_reference(self, trainer: LearnerContext, model: Any, pairs: Sequence[Pair], progress: bool = False) -> list[Pair]:
        """The pairs with their reference log-probs under ``model`` (computed once, in micro-batches)."""
        samples = [_answer(t) for p in pairs for t in (p.chosen, p.rejected)]
        with torch.no_grad():
            logps = answer_logprobs(trainer, model, samples, progress=progress).tolist()
        return [dataclasses.replace(p, ref=(logps[2 * i], logps[2 * i + 1])) for i, p in enumerate(pairs)]


def group_pairs(group: Sequence[Trajectory], n: int, keep_truncated: bool = False) -> list[Pair]:
    """Up to ``n`` pairs from one group: distinct verified answers that ended on their own (or any, with
    ``keep_truncated``), each with a distinct unverified one, in sampling order."""
    chosen = _distinct(t for t in group if t.correct and (keep_truncated or not _truncated(t)))
    rejected = _distinct(t for t in group if not t.correct)
    return [Pair(c, r) for c, r in zip(chosen[:n], rejected[:n])]


def _distinct(trajectories: Any) -> list[Trajectory]:
    seen, out = set(), []
    for t in trajectories:
        text = t.turns[-1].text if t.turns else ""
        if text not in seen:
            seen.add(text)
            out.append(t)
    return out


def _answer(t: Trajectory) -> Sample:
    """A trajectory's sequence with its answer tokens masked in and no sampling log-probs (no importance weight)."""
    s = sample(t, advantage=0.0)
    return dataclasses.replace(s, rollout_logprobs=(None,) * len(s.ids))


def answer_logprobs(trainer: LearnerContext, model: Any, samples: Sequence[Sample], progress: bool = False) -> torch.Tensor:
    """Sum of log pi over each sample's masked tokens under ``model`` [N] (float32, on the CPU), in micro-batches;
    ``progress`` shows a bar (a whole preference file's reference log-probs)."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    step = trainer.config.micro_batch
    device = trainer.device
    out = []
    bar = Progress(TextColumn("reference log-probs"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                   disable=not progress, transient=True)
    with bar:
        task = bar.add_task("answers", total=len(samples))
        for start in range(0, len(samples), step):
            batch = pad(samples[start:start + step], trainer.tokenizer.pad_token_id, device)
            with torch.autocast("cuda" if device.startswith("cuda") else device, dtype=torch.bfloat16,
                                enabled=trainer.config.precision == "bf16"):
                logps = batch.logprobs(model)
            out.append((logps.float() * batch.mask).sum(-1).cpu())
            bar.advance(task, len(out[-1]))
    return torch.cat(out)


# ---- preference files --------------------------------------------------------------------------


def load_pairs(path: str, tokenizer: Any, env_id: str, *, stored: bool = False) -> tuple[list[dict], list[Pair]]:
    """The rows of a JSON Lines preference file and their pairs, every line checked first.

    Each line: ``prompt`` (a string or chat messages), ``chosen`` and ``rejected`` (strings), optionally
    ``task_id``; with ``stored``, also ``ref_chosen`` and ``ref_rejected`` (numbers). Errors name the
    file, the line and the field.
    """
    file = Path(path)
    if not file.is_file():
        raise FileNotFoundError(f"dpo: preference file {path} does not exist; set source to 'rollouts' or to a "
                                "JSON Lines file with prompt, chosen and rejected on every line")
    rows: list[tuple[int, dict]] = []
    with file.open(encoding="utf-8") as f:
        for number, line in enumerate(f, 1):
            if line.strip():
                rows.append((number, _check_row(line, f"dpo: {path} line {number}", stored)))
    if not rows:
        raise ValueError(f"dpo: preference file {path} holds no pairs (one JSON object per line: prompt, chosen, rejected)")
    provenance = Provenance("off_policy", source=path)
    pairs = []
    for number, row in rows:
        prompt = [{"role": "user", "content": row["prompt"]}] if isinstance(row["prompt"], str) else list(row["prompt"])
        task_id = str(row.get("task_id") or f"{file.name}:{number}")
        chosen, rejected = (from_messages([*prompt, {"role": "assistant", "content": row[side]}], tokenizer, provenance,
                                          env_id=env_id, task_id=task_id, seed=None, reward=float(side == "chosen"),
                                          correct=side == "chosen", group_id=f"{path}:{number}:{side}")
                            for side in ("chosen", "rejected"))
        ref = (float(row["ref_chosen"]), float(row["ref_rejected"])) if stored else None
        pairs.append(Pair(chosen, rejected, ref))
    return [row for _, row in rows], pairs


def _check_row(line: str, where: str, stored: bool) -> dict:
    try:
        row = json.loads(line)
    except json.JSONDecodeError as exc:
        raise ValueError(f"{where}: not valid JSON ({exc.msg} at column {exc.colno})") from None
    if not isinstance(row, dict):
        raise ValueError(f"{where}: expected a JSON object with prompt, chosen and rejected, got {type(row).__name__}")
    for name in ("prompt", "chosen", "rejected"):
        if name not in row:
            raise ValueError(f"{where}: missing field {name!r} (every line needs prompt, chosen and rejected)")
    for name in ("chosen", "rejected"):
        if not isinstance(row[name], str) or not row[name].strip():
            raise ValueError(f"{where}: field {name!r} must be the answer's text, a non-empty string; got {row[name]!r}")
    _check_prompt(row["prompt"], where)
    if row["chosen"] == row["rejected"]:
        raise ValueError(f"{where}: fields 'chosen' and 'rejected' hold the same text; a pair needs two different answers")
    if "task_id" in row and not isinstance(row["task_id"], (str, int)):
        raise ValueError(f"{where}: field 'task_id' must be a string, got {row['task_id']!r}")
    if stored:
        for name in REF_FIELDS:
            value = row.get(name)
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) or value > 0:
                raise ValueError(f"{where}: field {name!r} must be a log-prob (a finite number <= 0), got {value!r}; "
                                 "reference='stored' reads ref_chosen and ref_rejected from every line "
                                 "(or use reference='model' to compute them)")
    return row


def _check_prompt(prompt: Any, where: str) -> None:
    if isinstance(prompt, str):
        if not prompt.strip():
            raise ValueError(f"{where}: field 'prompt' is empty")
        return
    fix = "a string (the user's message) or a list of chat messages like {\"role\": \"user\", \"content\": \"...\"}"
    if not isinstance(prompt, list) or not prompt:
        raise ValueError(f"{where}: field 'prompt' must be {fix}; got {prompt!r}")
    for i, message in enumerate(prompt):
        if (not isinstance(message, dict) or message.get("role") not in ("system", "user", "assistant", "tool")
                or not isinstance(message.get("content"), str)):
            raise ValueError(f"{where}: field 'prompt', message {i}: expected {{\"role\": ..., \"content\": \"...\"}} with "
                             f"role system, user, assistant or tool; got {message!r}")
    if prompt[-1]["role"] == "assistant":
        raise ValueError(f"{where}: field 'prompt' ends with an assistant message; the answers go in chosen and rejected")


def _write_reference(path: Path, rows: Sequence[dict], pairs: Sequence[Pair]) -> None:
    """The rows with their computed reference log-probs, for a later run with ``reference: stored``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f"{path.name}.{id(rows)}.tmp")
    with tmp.open("w", encoding="utf-8") as f:
        for row, pair in zip(rows, pairs):
            f.write(json.dumps({**row, **dict(zip(REF_FIELDS, pair.ref))}) + "\n")
    tmp.replace(path)

