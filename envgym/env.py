"""``TextEnv``: a Gymnasium environment whose observation is a conversation and action is text.

An environment author writes three things: how to draw a task from a random generator
(``generate_task``), a gold policy (``gold_action``) and the known reward hacks
(``hack_actions``). Scoring defaults to the environment's verifier against the task's
reference; multi-turn environments add ``feedback`` (what the environment says after a failed
attempt) and ``max_turns``; games override ``score`` to judge a move against their state.

    env = envgym.make("envgym/Arithmetic-v0")
    obs, info = env.reset(seed=0)   # obs: [{"role": "system", ...}, {"role": "user", ...}]
    obs, reward, terminated, truncated, info = env.step(r"\\boxed{46}")
    info["verdict"]                 # Verdict(reward, correct, reason, step_rewards, details)

The episode terminates when an attempt is correct or ``max_turns`` attempts are used: running
out of attempts is part of the task, so ``truncated`` stays False for Gymnasium's time limits.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar, NamedTuple

import gymnasium
import numpy as np

from envgym.errors import EnvStateError, SnapshotUnsupported
from envgym.snapshot import Snapshot, blocker, check_restorable
from envgym.spaces import ConversationSpace, TextSpace
from envgym.types import Message, Verdict
from envgym.verify.base import DEFAULT_MAX_CHARS, Guarded, Verifier


_SEED_STATES: OrderedDict[int, dict] = OrderedDict()
_SEED_CACHE = 4096
_KEPT_TASKS = 1024  # tasks an environment with ``tasks_from_seed`` keeps, by seed


def _seeded(seed: int, reuse: np.random.Generator | None = None) -> np.random.Generator:
    """``gymnasium.utils.seeding.np_random(seed)``'s generator, from a cached start state.

    Seeding hashes the seed (numpy's ``SeedSequence``), which costs more than a whole step of a small
    environment; the same seeds come back often (a GRPO group resets one task per sample, evaluation
    replays its held-out seeds), so the start states of recent seeds are kept. ``reuse``: a
    generator this function made for the same environment before, rewound in place (making a
    fresh bit generator costs as much as seeding one).
    """
    state = _SEED_STATES.get(seed)
    if state is None:
        generator = np.random.Generator(np.random.PCG64(np.random.SeedSequence(seed)))
        _SEED_STATES[seed] = generator.bit_generator.state
        if len(_SEED_STATES) > _SEED_CACHE:
            try:  # environments reset in threads (envgym serve): another may have just evicted it
                _SEED_STATES.popitem(last=False)
            except KeyError:
                pass
        return generator
    try:
        _SEED_STATES.move_to_end(seed)
    except KeyError:  # evicted by another thread since the lookup; the state read above still holds
        pass
    if reuse is None:
        return np.random.Generator(np.random.PCG64(np.random.SeedSequence(seed)))
    reuse.bit_generator.state = state
    return reuse


def copy_messages(dicts: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Fresh message dicts (tool calls copied too): callers keep observations and must not alias
    an environment's state."""
    return [{**d, "tool_calls": [{**c, "function": dict(c["function"])} for c in d["tool_calls"]]}
            if "tool_calls" in d else dict(d) for d in dicts]


class Played(NamedTuple):
    """What one turn did, as ``TextEnv._play`` reports it to ``step``.

    verdict: the turn's judgement (its reward is the step's reward).
    said: the assistant message to record (default: the action as its content).
    replies: the environment's answer (default: ``feedback(verdict)``); only used if the episode goes on.
    terminated: whether the episode ends (default: the verdict is correct); it also ends when turns run out.
    info: extra entries for the step's info dict.

    A named tuple, not a dataclass: one is built every step, and a frozen dataclass costs several
    times more to build.
    """

    verdict: Verdict
    said: dict[str, Any] | None = None
    replies: Sequence[Message] | None = None
    terminated: bool | None = None
    info: Mapping[str, Any] | None = None


@dataclass(frozen=True, slots=True, init=False)
class Task:
    """One problem: the opening messages the policy sees and the reference it never sees."""

    id: str
    prompt: tuple[Message, ...]
    reference: Any
    metadata: Mapping[str, Any] = field(default_factory=dict)

    def __init__(self, id: str, prompt: tuple[Message, ...], reference: Any, metadata: Mapping[str, Any] | None = None) -> None:
        # Slots set directly, as envgym.types does for Verdict: every reset builds a task.
        _task_id(self, id)
        _task_prompt(self, prompt)
        _task_reference(self, reference)
        _task_metadata(self, {} if metadata is None else metadata)


_task_id, _task_prompt, _task_reference, _task_metadata = (
    Task.__dict__[name].__set__ for name in ("id", "prompt", "reference", "metadata"))


class TextEnv(gymnasium.Env[list, str]):
    """Base class of envgym environments. Subclasses implement ``generate_task``,
    ``gold_action`` and ``hack_actions``; see the module docstring. ``snapshot`` and ``restore``
    copy a running episode (``envgym.snapshot``)."""

    _own_play = False  # whether the class overrides _play (set for each subclass)

    # Whether ``generate_task`` depends on nothing but its generator and the constructor's arguments.
    # Such an environment keeps the task of each recent seed (and the generator's state after drawing
    # it) and hands it out again on ``reset(seed=...)`` without drawing: a GRPO group resets one seed
    # once per sample and evaluation replays its held-out seeds, and drawing can cost more than a
    # step. Off by default: an environment whose tasks change over its life (a curriculum, a dataset
    # it reloads) must not keep them. ``reset`` with ``options`` always draws.
    tasks_from_seed: ClassVar[bool] = False
    _kept: dict[int, tuple[Task, dict]] = {}  # the instance's own dict once it keeps a task
    # A registered verifier (``envgym.list_verifiers()``) that can judge this environment's final
    # answers against ``task.reference`` on its own: an independent opinion for ``envgym scorecard``'s
    # agreement measure and for training's ``second_verifier`` monitor. None: there is none.
    second_verifier: ClassVar[str | None] = None

    # Why this class cannot be snapshot (``envgym.snapshot``): state no copy can take, such as an
    # upstream engine or a tool server's session. None: it can, if it declares what it keeps.
    snapshot_unsupported: ClassVar[str | None] = None
    _snapshot_blocker: ClassVar[str] = ""  # set for each subclass: why it cannot be snapshot, "" if it can

    metadata = {"render_modes": ["ansi"], "render_fps": 1}  # fps: unused by text, quiets the checker

    def __init__(
        self,
        verifier: Verifier,
        *,
        max_turns: int = 1,
        max_action_chars: int = DEFAULT_MAX_CHARS,
        render_mode: str | None = None,
    ) -> None:
        if max_turns < 1:
            raise ValueError(f"max_turns must be at least 1, got {max_turns}")
        if render_mode is not None and render_mode not in self.metadata["render_modes"]:
            raise ValueError(f"render_mode must be one of {self.metadata['render_modes']}, got {render_mode!r}")
        self.verifier = verifier if isinstance(verifier, Guarded) else Guarded(verifier, max_chars=max_action_chars)
        self.max_turns = max_turns
        self.render_mode = render_mode
        self.observation_space = ConversationSpace()
        self.action_space = TextSpace(max_length=max_action_chars)
        self.task: Task | None = None
        self.turn = 0
        self.done = False
        self._dicts: list[dict[str, str]] = []
        self._nested = False  # whether a message in _dicts holds tool calls (copied deeper)

    # ---- what an environment defines -------------------------------------------------------

    def generate_task(self, rng: np.random.Generator) -> Task:
        """Draw a task. All randomness must come from ``rng`` so a seeded reset is reproducible."""
        raise NotImplementedError(f"{type(self).__name__} must implement generate_task(rng)")

    def gold_action(self) -> str:
        """The scripted gold policy: a correct action for the current state (a probe that must score 1)."""
        raise NotImplementedError(f"{type(self).__name__} must implement gold_action()")

    def hack_actions(self) -> Mapping[str, Any]:
        """Known reward hacks for the current state, by name: an action, or a policy (a function from
        the environment to an action). ``envgym check`` plays each through a whole episode, taking
        the hack named at every turn; each must earn a return of 0 (docs/environments.md)."""
        raise NotImplementedError(f"{type(self).__name__} must implement hack_actions()")

    def score(self, action: str) -> Verdict:
        """Judge one action. The default asks the verifier about the task's reference."""
        return self.verifier.verify(action, self.task.reference)

    def feedback(self, verdict: Verdict) -> Sequence[Message]:
        """Messages the environment answers a failed attempt with, when attempts remain."""
        return ()

    def task_count(self) -> int | None:
        """How many distinct tasks ``generate_task`` can draw, when the space is small enough to count
        (a dataset's records, a bounded generator); None when it is unbounded or unknown. Reports use
        it to say what share of the space is held out (``envgym.heldout``)."""
        return None

    def hint(self) -> Sequence[Message]:
        """Messages that give the answer away, for rationalisation (STaR): the learner sees a hint,
        answers, and is trained on that answer after the bare prompt if it is verified."""
        return (Message("user", f"Hint: the correct final answer is {self.task.reference}."),)

    # ---- the Gymnasium API ----------------------------------------------------------------

    def reset(self, *, seed: int | None = None, options: dict[str, Any] | None = None):
        if type(seed) is int and seed >= 0:  # Gymnasium's generator for this seed, its start state cached
            kept = self._kept.get(seed) if self.tasks_from_seed and options is None else None
            if kept is not None:  # this seed's task again, and the generator as drawing it left it
                self.task, self._own_random.bit_generator.state = kept
                self._np_random, self._np_random_seed = self._own_random, seed
            else:
                self._np_random, self._np_random_seed = _seeded(seed, getattr(self, "_own_random", None)), seed
                self._own_random = self._np_random
                self.task = self.generate_task(self._np_random)
                if self.tasks_from_seed and options is None:
                    self._keep(seed)
        else:
            super().reset(seed=seed)
            self.task = self.generate_task(self.np_random)
        self.turn = 0
        self.done = False
        self._dicts = [m.to_dict() for m in self.task.prompt]
        self._nested = False
        return list(map(dict.copy, self._dicts)), {"task_id": self.task.id, "turn": 0}

    def _keep(self, seed: int) -> None:
        kept = self.__dict__.setdefault("_kept", {})
        if len(kept) >= _KEPT_TASKS:
            del kept[next(iter(kept))]
        kept[seed] = (self.task, self._own_random.bit_generator.state)

    def step(self, action: str):
        task = self.task
        if task is None or self.done or (type(action) is not str and not self._accepts(action)):
            self._refuse(action)
        if self._own_play:  # a tool environment or game adapter: its turn says what it did
            played = self._play(action)
            verdict, terminated, replies, extra = played.verdict, played.terminated, played.replies, played.info
            said = played.said if played.said is not None else {"role": "assistant", "content": action}
            self._nested = self._nested or "tool_calls" in said
        else:  # the usual turn, without building a Played (this is every environment's hot path)
            verdict, terminated, replies, extra = self.score(action), None, None, None
            said = {"role": "assistant", "content": action}
        dicts = self._dicts
        dicts.append(said)
        self.turn = turn = self.turn + 1
        terminated = (verdict.correct if terminated is None else terminated) or turn >= self.max_turns
        answered: list[dict[str, Any]] = []
        if not terminated:
            answered = [m.to_dict() for m in (self.feedback(verdict) if replies is None else replies)]
            dicts.extend(answered)
        self.done = terminated
        # Fresh dicts every call: callers keep observations and must not alias the env's state.
        obs = copy_messages(dicts) if self._nested else list(map(dict.copy, dicts))
        info = {"verdict": verdict, "turn": turn, "task_id": task.id,
                "replies": list(map(dict.copy, answered)) if answered else []}
        if extra:
            info.update(extra)
        return obs, verdict.reward, terminated, False, info

    # ---- the one hook for environments whose turns are not "score, then feedback" -----------

    def _play(self, action: Any) -> Played:
        """Play one turn: judge ``action`` and say what it did (``Played``); ``step`` keeps the books
        (the conversation, ``turn``, ``done``, the observation). The default is ``score`` alone, with
        ``feedback`` as the reply; tool environments and game adapters override this, not ``step``."""
        return Played(self.score(action))

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls._own_play = cls._play is not TextEnv._play
        cls._snapshot_blocker = blocker(cls, TextEnv)

    # ---- snapshots and forks (envgym.snapshot) ----------------------------------------------

    def snapshot(self) -> Snapshot:
        """The episode's state now, copied (``envgym.snapshot`` says what it keeps and what not).

        Raises ``SnapshotUnsupported`` when the environment keeps state envgym cannot copy."""
        if self._snapshot_blocker:
            raise SnapshotUnsupported(f"{self._label()} cannot be snapshot or forked: {self._snapshot_blocker}")
        if self.task is None:
            raise EnvStateError(f"{self._label()}: snapshot() called before reset(); call env.reset(seed=...) first")
        options = dict(self.spec.kwargs) if self.spec is not None else None
        return Snapshot(type(self), self._label(), options, self.turn, self._save_episode())

    def restore(self, snap: Snapshot) -> None:
        """Put the environment back in the state ``snap`` holds (taken from this environment or from
        another of the same class and options); ``snap`` itself stays as it was."""
        if self._snapshot_blocker:
            raise SnapshotUnsupported(f"{self._label()} cannot be restored: {self._snapshot_blocker}")
        check_restorable(self, snap, dict(self.spec.kwargs) if self.spec is not None else None)
        self._load_episode(snap.state)

    def _save_episode(self) -> dict[str, Any]:
        """This episode's state as a dict of copies that nothing else holds. A subclass that keeps
        state of its own returns ``{**super()._save_episode(), ...}`` with copies of it."""
        rng = self._np_random
        return {"task": self.task, "turn": self.turn, "done": self.done, "nested": self._nested,
                "messages": copy_messages(self._dicts), "seed": self._np_random_seed,
                "rng": None if rng is None else rng.bit_generator.state}

    def _load_episode(self, state: Mapping[str, Any]) -> None:
        """Set the episode's state from what ``_save_episode`` returned, copying anything mutable
        (the same snapshot may be restored again)."""
        self.task, self.turn, self.done, self._nested = state["task"], state["turn"], state["done"], state["nested"]
        self._dicts = copy_messages(state["messages"])
        saved = state["rng"]
        if saved is not None:
            rng = self._np_random
            if rng is None or type(rng.bit_generator).__name__ != saved["bit_generator"]:
                rng = np.random.Generator(getattr(np.random, saved["bit_generator"])())
            rng.bit_generator.state = saved
            self._np_random = rng
        self._np_random_seed = state["seed"]

    def _accepts(self, action: Any) -> bool:
        """Whether ``step`` takes this kind of action (the model's text; tool environments also take messages)."""
        return type(action) is str

    def _refuse(self, action: object) -> None:
        if self.task is None:
            raise EnvStateError(f"{self._label()}: step() called before reset(); call env.reset(seed=...) first")
        if self.done:
            raise EnvStateError(f"{self._label()}: the episode is over; call env.reset() to start a new one")
        raise TypeError(
            f"{self._label()}: the action must be the model's text as a str, "
            f"got {type(action).__name__}; decode token ids before stepping"
        )

    def render(self) -> str | None:
        return self.transcript() if self.render_mode == "ansi" else None

    def transcript(self) -> str:
        """The conversation so far as text, one ``[role]`` block per message."""
        return "\n\n".join(f"[{d['role']}]\n{d['content']}" + "".join(
            f"\n-> {c['function']['name']}({c['function']['arguments']}) [{c['id']}]" for c in d.get("tool_calls", ()))
            for d in self._dicts)

    # ---- helpers --------------------------------------------------------------------------

    @property
    def messages(self) -> tuple[Message, ...]:
        """The conversation so far, as typed messages."""
        return tuple(Message.from_dict(d) for d in self._dicts)

    def _observation(self) -> list[dict[str, Any]]:
        return copy_messages(self._dicts) if self._nested else list(map(dict.copy, self._dicts))

    def _label(self) -> str:
        return self.spec.id if self.spec is not None else type(self).__name__
