"""The rollout collector: many environments times G samples per prompt, generation batched.

Each (seed, sample) pair is a slot with its own environment and token conversation. Every
round, the prompts of all unfinished slots go to the policy as one batch; each completion is
appended to its conversation token for token, the environment is stepped with the same text,
and its reply is appended as new tokens (``TokenConversation``). Slots finish when their
environment terminates or their context budget runs out (then the episode is truncated).

Trajectories carry provenance (policy id and version) and cost (tokens, model calls, seconds).

Environments live in an ``EnvPool`` (this process by default) and are reset and stepped in
batches. Not yet: verification overlapping with generation (a round's environments are
stepped after its batch is generated).
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from envgym.policy.base import Policy, SamplingParams
from envgym.rollout.chat import TokenConversation
from envgym.rollout.pool import EnvPool, LocalEnvPool
from envgym.rollout.store import TrajectoryStore
from envgym.types import Cost, Message, Provenance, Trajectory, Turn


@dataclass(frozen=True)
class RolloutConfig:
    """How to collect.

    group_size: samples per task (a GRPO group); the slots of one seed share a ``group_id``.
    sampling: sampling parameters for every turn (``n`` is ignored: groups are slots).
    max_context_tokens: the most tokens an episode may hold (prompt and all turns); an episode
        that cannot fit another ``sampling.max_tokens`` is truncated.
    chunk_episodes: episodes played together; each finished chunk is written to the store, so a
        killed run loses at most the chunk in flight.
    progress: show a progress bar.
    """

    group_size: int = 1
    sampling: SamplingParams = field(default_factory=SamplingParams)
    max_context_tokens: int = 1024
    chunk_episodes: int = 256
    progress: bool = False


@dataclass
class _Slot:
    index: int
    env_id: str
    seed: int
    sample: int
    conv: TokenConversation
    task_id: str
    turns: list[Turn] = field(default_factory=list)
    seconds: float = 0.0
    truncated: bool = False
    done: bool = False

    @property
    def key(self) -> str:
        return f"{self.env_id}:{self.seed}#{self.sample}"


def collect(
    envs: str | EnvPool,
    policy: Policy,
    seeds: Sequence[int],
    config: RolloutConfig = RolloutConfig(),
    store: TrajectoryStore | None = None,
    env_kwargs: Mapping[str, Any] | None = None,
) -> list[Trajectory]:
    """Play one episode per (seed, sample) with ``policy`` and return the new trajectories.

    envs: an environment id (played in this process) or an ``EnvPool`` (e.g. Ray actors).
    With a ``store``, episodes already in it are skipped (resume) and every finished chunk is
    appended to it before the next starts.
    """
    pool = LocalEnvPool(envs, dict(env_kwargs or {})) if isinstance(envs, str) else envs
    done_keys = store.keys() if store is not None else set()
    pending = [(seed, sample) for seed in seeds for sample in range(config.group_size)]
    provenance = Provenance("on_policy", policy_id=policy.name, policy_version=policy.version)
    progress = Progress(TextColumn("rollout"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                        disable=not config.progress, transient=True)
    out: list[Trajectory] = []
    with progress:
        bar = progress.add_task("episodes", total=len(pending))
        for start in range(0, len(pending), config.chunk_episodes):
            chunk = pending[start:start + config.chunk_episodes]
            slots = _new_slots(pool, policy, chunk, done_keys)
            round_index = 0
            while active := [s for s in slots if not s.done]:
                _round(active, pool, policy, config, round_index)
                round_index += 1
            trajectories = [_trajectory(s, provenance) for s in slots]
            if store is not None:
                store.append(trajectories)
            out.extend(trajectories)
            progress.update(bar, completed=start + len(chunk))
    if isinstance(envs, str):
        pool.close()
    return out


def _new_slots(pool: EnvPool, policy: Policy, chunk: Sequence[tuple[int, int]], done_keys: set[str]) -> list[_Slot]:
    """Reset one environment per (seed, sample) of the chunk that is not stored yet."""
    requests = list(enumerate(chunk))
    results = pool.reset([(index, seed) for index, (seed, _) in requests])
    slots = []
    for (index, (seed, sample)), reset in zip(requests, results):
        slot = _Slot(index, reset.env_id, seed, sample, TokenConversation(policy.tokenizer, reset.observation),
                     reset.info["task_id"])
        if slot.key not in done_keys:
            slots.append(slot)
    return slots


def _round(active: list[_Slot], pool: EnvPool, policy: Policy, config: RolloutConfig, round_index: int) -> None:
    budget = config.sampling.max_tokens
    for slot in active:
        if len(slot.conv) + budget > config.max_context_tokens:
            slot.truncated = slot.done = True
    active = [s for s in active if not s.done]
    if not active:
        return
    seed = None if config.sampling.seed is None else config.sampling.seed + round_index
    params = dataclasses.replace(config.sampling, n=1, seed=seed)
    prompts = [list(s.conv.ids) for s in active]
    start = time.perf_counter()
    completions = policy.generate(prompts, params)
    share = (time.perf_counter() - start) / len(active)
    texts = [slot.conv.add_completion(completion) for slot, (completion,) in zip(active, completions)]
    start = time.perf_counter()
    results = pool.step([(slot.index, text) for slot, text in zip(active, texts)])
    share += (time.perf_counter() - start) / len(active)
    for slot, prompt, (completion,), text, result in zip(active, prompts, completions, texts, results):
        obs, reward, terminated, truncated, info = result
        new = obs[len(slot.conv.messages):]
        if not (terminated or truncated):
            slot.conv.add_messages(new)
        slot.turns.append(Turn(
            prompt_ids=tuple(prompt), completion_ids=completion.token_ids, logprobs=completion.logprobs,
            text=text, reward=float(reward), verdict=info.get("verdict"),
            env_messages=tuple(Message.from_dict(m) for m in new), finish_reason=completion.finish_reason,
        ))
        slot.done = terminated or truncated
        slot.truncated = truncated
        slot.seconds += share


def _trajectory(slot: _Slot, provenance: Provenance) -> Trajectory:
    turns = tuple(slot.turns)
    last = turns[-1] if turns else None
    cost = Cost(
        prompt_tokens=sum(len(t.prompt_ids) for t in turns),
        completion_tokens=sum(len(t.completion_ids) for t in turns),
        model_calls=len(turns), seconds=slot.seconds,
    )
    return Trajectory(
        env_id=slot.env_id, task_id=slot.task_id, seed=slot.seed,
        messages=tuple(Message.from_dict(m) for m in slot.conv.messages), turns=turns,
        reward=last.reward if last else 0.0, correct=bool(last and last.verdict and last.verdict.correct),
        provenance=provenance, cost=cost, group_id=f"{slot.env_id}:{slot.seed}",
        metadata={"sample": slot.sample, "truncated": slot.truncated},
    )


def training_sequence(trajectory: Trajectory) -> tuple[list[int], list[int], list[float | None]]:
    """The token ids a learner trains on, the mask of policy tokens, and their sampling log-probs.

    Every turn's prompt is a prefix of the final sequence (nothing is re-tokenized), so the
    sequence is the last prompt plus the last completion, and each turn's completion sits at
    the end of its own prompt.
    """
    if not trajectory.turns:
        return [], [], []
    last = trajectory.turns[-1]
    ids = list(last.prompt_ids) + list(last.completion_ids)
    mask = [0] * len(ids)
    logprobs: list[float | None] = [None] * len(ids)
    for turn in trajectory.turns:
        start = len(turn.prompt_ids)
        if ids[:start] != list(turn.prompt_ids) or ids[start:start + len(turn.completion_ids)] != list(turn.completion_ids):
            raise ValueError(f"trajectory {trajectory.task_id}: turn tokens are not a prefix of the final sequence")
        for i, token_logprob in enumerate(turn.logprobs or [None] * len(turn.completion_ids)):
            mask[start + i] = 1
            logprobs[start + i] = token_logprob
    return ids, mask, logprobs
