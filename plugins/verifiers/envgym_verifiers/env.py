"""``verifiers/<module>-v0``: a verifiers environment as an envgym environment, single- or multi-turn.

    option        default   meaning
    taskset       (set)     the verifiers taskset id, e.g. "my-env" (imports ``my_env``)
    taskset_args  None      the taskset config's fields, e.g. {"num_tasks": 50}
    env           ""        a verifiers env id to pair with the taskset; empty: the taskset's own
                            ``Env`` (a multi-turn game), else verifiers' ``SingleAgentEnv``
    max_turns     32        model turns per episode, for envgym and for verifiers alike
    max_tasks     10000     tasks used: the taskset's first ones (an infinite taskset needs a bound)
    solved_at     1.0       the episode reward at which the verdict is correct
    timeout_s     30.0      the hard bound on one move's scoring, a cold worker's start included

``reset(seed)`` draws one of the tasks from the seed; the observation is what verifiers sends the
model first (the task's system prompt and prompt, or the environment's opening turn). Each
``step(reply)`` plays the reply in the verifiers episode (``envgym_verifiers.rubric``): while the
environment answers, the reward is 0 and its answer is the next user message; when the episode
ends, the reward is the episode's, as verifiers' own scoring computed it. The episode is played
through verifiers' machinery, seat harness pinned to ``ChatHarness`` (one chat completion a turn,
no tools) in a local runtime: environments whose seats need tools, a sandbox or a second model
(a simulated user, a model judge) are out of reach of a text policy and are refused.

Probes: verifiers has no gold solutions or known hacks. A task may declare them for envgym:
``envgym_gold(messages) -> str`` (the next gold reply, given the conversation so far) and
``envgym_hacks(messages) -> dict[str, str]``; where it does not, ``envgym check`` reports those
probes as skipped, with the reason.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from envgym import Guarded, Message, Task, TextEnv, Verdict
from envgym.env import Played
from envgym.errors import ProbesUnavailable
from envgym.verify.bounded import default_runner
from envgym_verifiers.catalog import env_id
from envgym_verifiers.replay import Prompt, Replay, RunSpec, load, plain, replay
from envgym_verifiers.rubric import VerifiersRubric


class VerifiersEnv(TextEnv):
    """A verifiers taskset (and its env) played by an envgym policy (see the module docstring)."""

    def __init__(self, taskset: str, taskset_args: Mapping[str, Any] | None = None, env: str = "",
                 max_turns: int = 32, max_tasks: int = 10_000, solved_at: float = 1.0, timeout_s: float = 30.0,
                 render_mode: str | None = None) -> None:
        label = env_id(taskset) if isinstance(taskset, str) and taskset else "verifiers"
        if not isinstance(taskset, str) or not taskset:
            raise ValueError(f"{label}: taskset must name a verifiers taskset (an importable module), got {taskset!r}")
        if taskset_args is not None and not isinstance(taskset_args, Mapping):
            raise ValueError(f"{label}: taskset_args must be a mapping of the taskset config's fields, got {taskset_args!r}")
        for name, value in (("max_turns", max_turns), ("max_tasks", max_tasks)):
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ValueError(f"{label}: {name} must be a positive integer, got {value!r}")
        try:
            args = json.dumps(dict(taskset_args or {}), sort_keys=True)
        except TypeError as exc:
            raise ValueError(f"{label}: taskset_args must hold plain JSON values: {exc}") from None
        self.run_spec = RunSpec(taskset, args, env, max_turns, max_tasks, tuple(sys.path))
        try:
            _, self.tasks = load(self.run_spec)
        except Exception as exc:  # noqa: BLE001 - a taskset that will not load: said once, with its name
            raise ValueError(f"{label}: verifiers could not load taskset {taskset!r}: {type(exc).__name__}: {exc}") from None
        super().__init__(Guarded(VerifiersRubric(solved_at), timeout_s=timeout_s), max_turns=max_turns,
                         render_mode=render_mode)
        self.label = label
        self.timeout_s = timeout_s
        self._openings: dict[int, Prompt] = {}
        self._moves: list[str] = []
        self._prompts: list[Prompt] = []

    def generate_task(self, rng: np.random.Generator) -> Task:
        index = int(rng.integers(len(self.tasks)))
        opening = self._opening(index)
        self._moves, self._prompts = [], [opening]
        prompt = tuple(Message(role, text) for role, text in opening)  # type: ignore[arg-type]
        return Task(f"{module_label(self.run_spec)}-{index}", prompt, index, {"index": index, "key": self.tasks[index].key})

    def task_count(self) -> int:
        return len(self.tasks)

    def score(self, action: str) -> Verdict:
        """Judge ``action`` as the next move, without playing it."""
        return self.verifier.verify(action, self.episode())

    def episode(self) -> Replay:
        """The episode so far, as the verifier replays it."""
        return Replay(self.run_spec, self.task.reference, tuple(self._moves), tuple(self._prompts))

    def _play(self, action: str) -> Played:
        verdict = self.score(action)
        prompt = verdict.details.get("prompt")
        if prompt is None:  # the episode ended (or failed, or ran out of time)
            return Played(verdict, terminated=True)
        known = plain(self._dicts) + (("assistant", action),)
        if tuple(prompt[:len(known)]) != known:
            return Played(Verdict.fail("the environment's next model call does not continue the conversation "
                                       "(it rewrote earlier messages); envgym's observations only grow"), terminated=True)
        self._moves.append(action)
        self._prompts.append(prompt)
        return Played(verdict, replies=tuple(Message(role, text) for role, text in prompt[len(known):]),  # type: ignore[arg-type]
                      terminated=False)

    def _opening(self, index: int) -> Prompt:
        """The first model call's messages for task ``index`` (replayed once, then kept)."""
        if index not in self._openings:
            try:
                outcome = default_runner().call(replay, (Replay(self.run_spec, index),), self.timeout_s)
            except Exception as exc:  # noqa: BLE001 - CallTimeout, a worker that died: the environment is broken
                raise RuntimeError(f"{self.label}: opening task {index} failed: {exc}") from None
            if outcome.prompt is None:
                raise RuntimeError(f"{self.label}: task {index} ended before the model was asked anything: "
                                   f"{outcome.error or 'no model call'}")
            self._openings[index] = outcome.prompt
        return self._openings[index]

    # ---- probes, where the verifiers task declares them --------------------------------------

    def gold_action(self) -> str:
        return str(self._probe("envgym_gold")(self._observation()))

    def hack_actions(self) -> Mapping[str, str]:
        return dict(self._probe("envgym_hacks")(self._observation()))

    def hint(self) -> Sequence[Message]:
        if getattr(self.tasks[self.task.reference], "envgym_gold", None) is None:
            return ()
        return (Message("user", f"Hint: a good reply is {self.gold_action()}"),)

    def _probe(self, name: str) -> Any:
        task = self.tasks[self.task.reference]
        probe = getattr(task, name, None)
        if not callable(probe):
            raise ProbesUnavailable(f"the verifiers task {type(task).__name__} ({self.run_spec.taskset}) declares no "
                                    f"{name}(messages); verifiers environments ship no probes of their own")
        return probe


def module_label(spec: RunSpec) -> str:
    """The task-id prefix of a spec: its taskset, paired env first."""
    return f"{spec.env}+{spec.taskset}" if spec.env else spec.taskset
