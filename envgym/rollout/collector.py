"""The rollout collector: many environments times G samples per prompt, generation batched.

Each (seed, sample) pair is a slot with its own environment and token conversation. Every
round, the prompts of all unfinished slots go to the policy as one batch; each completion is
appended to its conversation token for token, the environment is stepped with the same text,
and its reply is appended as new tokens (``TokenConversation``). Slots finish when their
environment terminates or their context budget runs out (then the episode is truncated).

Trajectories carry provenance (policy id and version, the fingerprints of the environment and
verifier that scored them) and cost (tokens, model calls, seconds).

Environments live in an ``EnvPool`` (this process by default) and are reset and stepped in
batches. Stepping (verification, sandbox runs) overlaps with generation: the episodes form two
halves, and one half's environments are stepped while the model generates for the other.

A scaffold (``envgym.rollout.scaffold``) may stand in for the policy: it plays each turn its
own way (best-of-n, self-refine, tool calls), and its model calls and costs join the turns.

Branching (``RolloutConfig.branch_at=t``): each group's first sample plays its first ``t`` turns
alone; then its environment is snapshot and restored into the other samples' (``EnvPool.snapshot``,
``restore``; ``envgym.snapshot``), which take its conversation tokens and turns and play on from
there. A GRPO group then compares continuations of one mid-episode state: a tree whose trunk is
shared and whose ``group_size`` branches split at turn ``t``.
"""

from __future__ import annotations

import dataclasses
import itertools
import time
from concurrent.futures import Future, ThreadPoolExecutor
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from envgym.policy.base import Policy, SamplingParams, mix_seed
from envgym.rollout.scaffold import Action, Bare, Judge, Scaffold, Segment
from envgym.rollout.chat import TokenConversation
from envgym.rollout.pool import EnvPool, LocalEnvPool
from envgym.rollout.store import TrajectoryStore
from envgym.types import Cost, Message, Provenance, Trajectory, Turn


OVERLAP_WORTH = 0.1  # auto overlap: stepping time, as a share of generation time, that pays for halves


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
    overlap: step (verify) one half of the episodes while the model generates for the other;
        None (auto) does so when the first round's steps took over a tenth of its generation.
        Halves are batched apart, so samples differ from an unsplit run's; auto depends on the
        clock, so use True or False where runs must repeat exactly.
    env_threads: environments stepped at once when ``collect`` builds the pool from an id
        (``LocalEnvPool.threads``); raise it for sandboxed or otherwise waiting environments.
    episode_seeds: seed each episode's sampling by its own (``sampling.seed``, task seed, sample,
        turn) rather than by its batch (``SamplingParams.row_seeds``): an episode then samples the
        same tokens whichever episodes it is batched with, so a step's episodes can be split over
        processes (data-parallel training) or chunked differently and still give the same run.
        Needs ``sampling.seed``.
    branch_at: play each group's first ``branch_at`` turns once (its first sample) and fork the
        group from there (the module docstring); None (the default) plays every sample from the
        reset. Every trajectory of a branched group holds the shared turns; their cost is counted
        once, on sample 0, and ``metadata["branched_at"]`` says how many turns are shared. With GRPO's
        group-centred advantages and "token" or "constant" loss normalisation the shared turns'
        policy-gradient terms cancel (the same tokens, advantages summing to 0); a learner that
        keeps token targets (SFT on the successes) sees them once per kept sample. A group
        whose trunk ends before turn ``branch_at`` is not branched: its other samples play from
        the reset. The environment must support snapshots (``SnapshotUnsupported`` otherwise).
    """

    group_size: int = 1
    sampling: SamplingParams = field(default_factory=SamplingParams)
    max_context_tokens: int = 1024
    chunk_episodes: int = 256
    progress: bool = False
    overlap: bool | None = False
    env_threads: int = 1
    episode_seeds: bool = False
    branch_at: int | None = None

    def __post_init__(self) -> None:
        if self.episode_seeds and self.sampling.seed is None:
            raise ValueError("RolloutConfig.episode_seeds needs a sampling seed (SamplingParams.seed)")
        if self.branch_at is not None and (isinstance(self.branch_at, bool) or not isinstance(self.branch_at, int)
                                           or self.branch_at < 1):
            raise ValueError(f"RolloutConfig.branch_at must be a positive number of turns or None, got {self.branch_at!r}")


@dataclass
class _Slot:
    index: int
    env_id: str
    seed: int
    sample: int
    conv: TokenConversation
    task_id: str
    fingerprints: Mapping[str, Any] = field(default_factory=dict)
    turns: list[Turn] = field(default_factory=list)
    attempts: list[list] = field(default_factory=list)
    seconds: float = 0.0
    truncated: bool = False
    done: bool = False
    pause_at: int | None = None  # a branching trunk waits after this many steps (``_branch``)
    branched_at: int | None = None

    @property
    def key(self) -> str:
        return f"{self.env_id}:{self.seed}#{self.sample}"


def collect(
    envs: str | EnvPool,
    policy: Policy | Scaffold,
    seeds: Sequence[int],
    config: RolloutConfig = RolloutConfig(),
    store: TrajectoryStore | None = None,
    env_kwargs: Mapping[str, Any] | None = None,
    skip: set[str] | frozenset[str] = frozenset(),
) -> list[Trajectory]:
    """Play one episode per (seed, sample) with ``policy`` and return the new trajectories.

    envs: an environment id (played in this process) or an ``EnvPool`` (e.g. Ray actors).
    policy: a policy, or a scaffold around one (``envgym.rollout.scaffold``).
    With a ``store``, episodes already in it are skipped (resume) and every finished chunk is
    appended to it before the next starts. Episodes whose keys (``env:seed#sample``) are in
    ``skip`` are not played either.
    """
    scaffold = policy if isinstance(policy, Scaffold) else Bare(policy)
    pool = LocalEnvPool(envs, dict(env_kwargs or {}), config.env_threads) if isinstance(envs, str) else envs
    done_keys = (store.keys() if store is not None else set()) | set(skip)
    pending = [(seed, sample) for seed in seeds for sample in range(config.group_size)]
    provenance = Provenance("on_policy", policy_id=scaffold.policy.name, policy_version=scaffold.version,
                            scaffold=scaffold.name)
    progress = Progress(TextColumn("rollout"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                        disable=not config.progress, transient=True)
    out: list[Trajectory] = []
    try:
        with progress, ThreadPoolExecutor(1, thread_name_prefix="envgym-step") as stepper:
            bar = progress.add_task("episodes", total=len(pending))
            size = config.chunk_episodes
            if config.branch_at is not None:  # a group's samples share a trunk: never split over chunks
                size = max(config.group_size, size - size % config.group_size)
            for start in range(0, len(pending), size):
                chunk = pending[start:start + size]
                if config.branch_at is None:
                    slots = _new_slots(pool, scaffold, chunk, done_keys)
                else:  # stored samples are played again (each group needs its trunk), then left out
                    slots = _new_slots(pool, scaffold, chunk, set())
                    _branch(slots, pool, scaffold, config, stepper)
                _play(slots, pool, scaffold, config, stepper)
                trajectories = [_trajectory(s, provenance) for s in slots]
                if config.branch_at is not None:
                    trajectories = [t for t, s in zip(trajectories, slots) if s.key not in done_keys]
                if store is not None:
                    store.append(trajectories)
                out.extend(trajectories)
                progress.update(bar, completed=start + len(chunk))
    finally:
        if isinstance(envs, str):
            pool.close()
    return out


def _new_slots(pool: EnvPool, scaffold: Scaffold, chunk: Sequence[tuple[int, int]], done_keys: set[str]) -> list[_Slot]:
    """Reset one environment per (seed, sample) of the chunk that is not stored yet."""
    requests = list(enumerate(chunk))
    results = pool.reset([(index, seed) for index, (seed, _) in requests])
    slots, opening = [], {}  # the samples of a group open alike: render and encode once
    for (index, (seed, sample)), reset in zip(requests, results):
        messages = scaffold.prepare(reset.observation)
        key = tuple(tuple(sorted(m.items())) for m in messages)
        if key not in opening:
            opening[key] = TokenConversation(scaffold.tokenizer, messages)
        conv = opening[key].fork()
        slot = _Slot(index, reset.env_id, seed, sample, conv, reset.info["task_id"], reset.fingerprints)
        if slot.key not in done_keys:
            slots.append(slot)
    return slots


def _branch(slots: list[_Slot], pool: EnvPool, scaffold: Scaffold, config: RolloutConfig,
            stepper: ThreadPoolExecutor) -> None:
    """Play each group's first slot (its trunk) ``config.branch_at`` turns, then put the group's other
    slots in the trunk's state: its environment (snapshot and restore), tokens and turns so far."""
    groups: dict[int, list[_Slot]] = {}
    for slot in slots:
        groups.setdefault(slot.seed, []).append(slot)
    trunks = [group[0] for group in groups.values()]
    for trunk in trunks:
        trunk.pause_at = config.branch_at
    _play(trunks, pool, scaffold, config, stepper)
    live = [group for group in groups.values() if not group[0].done and len(group) > 1]
    snaps = pool.snapshot([group[0].index for group in live])
    pool.restore([(slot.index, snap) for group, snap in zip(live, snaps) for slot in group[1:]])
    for group in live:
        trunk = group[0]
        trunk.branched_at = len(trunk.attempts)
        shared = [dataclasses.replace(t, cost=Cost()) for t in trunk.turns]  # paid once, by the trunk
        for slot in group[1:]:
            slot.conv, slot.turns, slot.branched_at = trunk.conv.fork(), list(shared), trunk.branched_at
            slot.attempts = [list(a) for a in trunk.attempts]
    for trunk in trunks:
        trunk.pause_at = None


def _play(slots: list[_Slot], pool: EnvPool, scaffold: Scaffold, config: RolloutConfig, stepper: ThreadPoolExecutor) -> None:
    """Play the slots' episodes to the end, in rounds of one turn each.

    With overlap the slots form two halves: while the environments of one half are stepped
    (verified, run in sandboxes) in a background thread, the model generates for the other. A
    half is never generated for before its own step has been applied. Halves double the
    generation calls, so ``overlap=None`` (auto) plays the first round whole and splits only if
    stepping took more than ``OVERLAP_WORTH`` of the generation time.
    """
    halves = _halves(slots) if config.overlap and len(slots) > 1 else [slots]
    decide = config.overlap is None and len(slots) > 1
    stepping: tuple[int, Future] | None = None
    generated = 0.0
    for call in itertools.count():
        h = call % len(halves)
        if stepping is not None and stepping[0] == h:
            stepped = stepping[1].result()
            stepping = None
            if decide:
                decide = False
                if stepped > OVERLAP_WORTH * generated:
                    halves, h = _halves(slots), 0
        active = _ready(halves[h], scaffold, config)
        if not active:
            if stepping is None and not any(_ready(half, scaffold, config) for half in halves):
                return
            continue
        actions, generated = _act(active, pool, scaffold, config, call)
        if stepping is not None:
            stepping[1].result()
        stepping = (h, stepper.submit(_step, active, actions, generated, pool))


def _halves(slots: list[_Slot]) -> list[list[_Slot]]:
    return [slots[0::2], slots[1::2]]


def _ready(slots: list[_Slot], scaffold: Scaffold, config: RolloutConfig) -> list[_Slot]:
    """The unfinished slots, after truncating those that cannot fit another completion."""
    for slot in slots:
        if not slot.done and len(slot.conv) + config.sampling.max_tokens > config.max_context_tokens:
            slot.truncated = slot.done = True
    return [s for s in slots if not s.done and (s.pause_at is None or len(s.attempts) < s.pause_at)]


def _act(active: list[_Slot], pool: EnvPool, scaffold: Scaffold, config: RolloutConfig, call: int) -> tuple[list[Action], float]:
    seed = None if config.sampling.seed is None else config.sampling.seed + call
    params = dataclasses.replace(config.sampling, n=1, seed=seed)
    if config.episode_seeds:
        params = dataclasses.replace(params, row_seeds=tuple(
            mix_seed(config.sampling.seed, slot.seed, slot.sample, len(slot.turns)) for slot in active))
    start = time.perf_counter()
    actions = scaffold.act([s.conv for s in active], params, Judge(pool, [s.index for s in active]),
                           config.max_context_tokens)
    return actions, time.perf_counter() - start


def _step(active: list[_Slot], actions: list[Action], seconds: float, pool: EnvPool) -> float:
    """Step the environments with the answers; record the turns; append their replies. Returns
    the seconds the environments took."""
    start = time.perf_counter()
    results = pool.step([(slot.index, action.text) for slot, action in zip(active, actions)])
    stepped = time.perf_counter() - start
    share = (seconds + stepped) / len(active)
    for slot, action, result in zip(active, actions, results):
        ended = result.terminated or result.truncated
        if not ended:
            slot.conv.add_messages(result.replies)
        *calls, answer = action.segments
        slot.turns.extend(_turn(segment, 0.0, None, segment.tool_messages) for segment in calls)
        slot.turns.append(_turn(answer, result.reward, result.verdict, tuple(Message.from_dict(m) for m in result.replies),
                                share))
        slot.attempts.append(list(action.attempts))
        slot.done = ended
        slot.truncated = result.truncated
        slot.seconds += share
    return stepped


def _turn(segment: Segment, reward: float, verdict: Any, replies: tuple[Message, ...], seconds: float = 0.0) -> Turn:
    completion = segment.completion
    return Turn(
        prompt_ids=segment.prompt_ids, completion_ids=completion.token_ids, logprobs=completion.logprobs,
        text=segment.text, reward=reward, verdict=verdict, env_messages=replies,
        finish_reason=completion.finish_reason, cost=dataclasses.replace(segment.cost, seconds=seconds),
    )


def _trajectory(slot: _Slot, provenance: Provenance) -> Trajectory:
    turns = tuple(slot.turns)
    last = turns[-1] if turns else None
    cost = dataclasses.replace(sum((t.cost for t in turns), Cost()), seconds=slot.seconds)
    if slot.fingerprints:  # which environment and verifier code scored it (envgym.versions)
        provenance = dataclasses.replace(provenance, env=slot.fingerprints.get("env"),
                                         verifier=slot.fingerprints.get("verifier"))
    metadata: dict[str, Any] = {"truncated": slot.truncated}
    if any(slot.attempts):
        metadata["attempts"] = slot.attempts
    if slot.branched_at is not None:
        metadata["branched_at"] = slot.branched_at
    return Trajectory(
        env_id=slot.env_id, task_id=slot.task_id, seed=slot.seed,
        messages=tuple(Message.from_dict(m) for m in slot.conv.messages), turns=turns,
        reward=last.reward if last else 0.0, correct=bool(last and last.verdict and last.verdict.correct),
        provenance=provenance, cost=cost, group_id=f"{slot.env_id}:{slot.seed}", metadata=metadata, sample=slot.sample,
    )
