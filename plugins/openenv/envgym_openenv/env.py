"""An OpenEnv environment as an envgym environment: its reward is the verdict.

The environment is a running OpenEnv server (``url``: one WebSocket session per envgym environment,
through OpenEnv's own client) or an OpenEnv ``Environment`` class run in this process (``package``:
an installed OpenEnv package; or ``environment='module:Class'``). Each turn, the model's text goes
into the action's one text field (``action_field``, found in the action's JSON schema when there is
only one); the observation comes back as chat messages: an envgym server's ``messages`` as they are,
otherwise the observation's text fields as one user message (``observation_field`` picks one).

Rewards and ends: a step's reward is OpenEnv's reward (None counts 0); the episode ends when OpenEnv
says ``done`` or after ``max_turns``; the last step is correct when its reward reaches
``success_reward``. An envgym server's own verdict (correct, reason, details) is taken whole.

Seeds: ``reset(seed=s)`` resets the OpenEnv environment with ``seed=s`` (an unseeded reset draws one),
so an environment that honours seeds replays, and an envgym environment served by ``envgym serve``
gives the same tasks for the same seeds as in-process. ``score(action)`` judges an action without
playing it by replaying the episode so far on a second session (exact for such environments).

Probes: OpenEnv environments bring no gold policy or known hacks. ``gold=`` (a function from this
environment to its next action) and ``hacks=`` (name -> action or such a function) supply them;
without them ``envgym check`` reports the gold and hack probes as skipped, with the reason.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Mapping, Sequence
from typing import Any, ClassVar

import numpy as np

from envgym import Message, Task, TextEnv, Verdict
from envgym.env import Played
from envgym.errors import EnvgymError, ProbesUnavailable
from envgym.registry import resolve
from envgym_openenv.sessions import ActionRefused, LocalSession, RemoteSession, Session

Policy = Callable[[TextEnv], str]


class OpenEnvReward:
    """The verifier of an OpenEnv environment: the verdict on a step, read from the step's wire payload
    (the reference). Dict work only; the step itself ran in the session, bounded by its timeout."""

    name: ClassVar[str] = "openenv"
    bound: ClassVar[str] = "linear"

    def __init__(self, success_reward: float) -> None:
        self.success_reward = success_reward

    def verify(self, completion: str, payload: Mapping[str, Any]) -> Verdict:
        observation = payload.get("observation") or {}
        theirs = observation.get("verdict")
        if isinstance(theirs, Mapping) and {"reward", "correct", "reason"} <= theirs.keys():  # an envgym server
            steps = theirs.get("step_rewards")
            return Verdict(float(theirs["reward"]), bool(theirs["correct"]), str(theirs["reason"]),
                           None if steps is None else tuple(float(r) for r in steps), dict(theirs.get("details") or {}))
        reward, done = payload.get("reward"), bool(payload.get("done"))
        value = 0.0 if reward is None else float(reward)
        if not math.isfinite(value):
            return Verdict.fail(f"the environment's reward {reward!r} is not a finite number", observation=observation)
        correct = done and value >= self.success_reward
        reason = "solved" if correct else f"reward {value:g}" + (", episode over" if done else "")
        return Verdict(value, correct, reason, None, {"observation": observation, "done": done})


class OpenEnvEnv(TextEnv):
    """An OpenEnv environment (see the module docstring). Give exactly one of ``url`` (a running
    server), ``package`` (an installed OpenEnv package, run in this process) or ``environment``
    ('module:Class' of an OpenEnv ``Environment``, run in this process).

    action: 'module:Class' of the ``Action`` (found from the package or the class when not given).
    action_field / observation_field: the action's text field; the observation field to show.
    reset_kwargs: sent with every reset (an OpenEnv environment's own options).
    success_reward: the reward at which a step counts as correct.
    max_turns: turns before envgym ends an episode the environment has not ended.
    timeout_s: seconds a server may take to answer one message.
    gold / hacks: probes for ``envgym check`` (a policy or 'module:function'; a mapping of name to
        action or policy, or 'module:attribute' naming one).
    """

    def __init__(self, url: str | None = None, package: str | None = None, *, environment: str | None = None,
                 action: str | None = None, action_field: str | None = None, observation_field: str | None = None,
                 reset_kwargs: Mapping[str, Any] | None = None, success_reward: float = 1.0, max_turns: int = 100,
                 timeout_s: float = 60.0, gold: Policy | str | None = None,
                 hacks: Mapping[str, str | Policy] | str | None = None, render_mode: str | None = None) -> None:
        if sum(x is not None for x in (url, package, environment)) != 1:
            raise ValueError("give exactly one of url= (a running OpenEnv server), package= (an installed OpenEnv "
                             "package) or environment= ('module:Class' of an OpenEnv Environment)")
        super().__init__(OpenEnvReward(success_reward), max_turns=max_turns, render_mode=render_mode)
        self.url, self.package, self.environment, self.action_class = url, package, environment, action
        self.action_field, self.observation_field = action_field, observation_field
        self.reset_kwargs = dict(reset_kwargs or {})
        self.timeout_s = timeout_s
        self._gold = resolve(gold) if isinstance(gold, str) else gold
        self._hacks = resolve(hacks) if isinstance(hacks, str) else hacks
        self._classes: tuple[type, type] | None = None
        self.session: Session | None = None
        self._seed: int | None = None
        self._reset_args: dict[str, Any] = {}
        self._moves: list[str] = []

    # ---- the session ---------------------------------------------------------------------

    def _open(self) -> Session:
        if self.url is not None:
            return RemoteSession(self.url, self.timeout_s)
        if self._classes is None:
            from envgym_openenv.discover import environment_classes

            self._classes = environment_classes(self.package, self.environment, self.action_class)
        return LocalSession(*self._classes)

    def _session(self) -> Session:
        if self.session is None:
            self.session = self._open()
            if self.action_field is None:
                self.action_field = text_field(self.session.action_schema(), self._where())
        return self.session

    def _where(self) -> str:
        return self.url or self.package or self.environment

    # ---- the Gymnasium API and the TextEnv hooks -------------------------------------------

    def reset(self, *, seed: int | None = None, options: dict[str, Any] | None = None):
        self._seed = seed if type(seed) is int and seed >= 0 else None
        return super().reset(seed=seed, options=options)

    def generate_task(self, rng: np.random.Generator) -> Task:
        """Reset the OpenEnv environment (the seed given to ``reset``, or one drawn from ``rng``)."""
        seed = self._seed if self._seed is not None else int(rng.integers(2**31))
        self._reset_args, self._moves = {**self.reset_kwargs, "seed": seed}, []
        try:
            payload = self._session().reset(**self._reset_args)
        except ActionRefused as exc:
            raise EnvgymError(f"{self._label()}: the OpenEnv environment refused reset({self._reset_args}): {exc}") from None
        observation = payload["observation"]
        prompt = observation_messages(observation, self.observation_field) or [Message("user", "(the environment said nothing)")]
        task_id = (observation.get("info") or {}).get("task_id") if isinstance(observation.get("info"), Mapping) else None
        return Task(task_id or f"openenv-{seed}", tuple(prompt), None, {"seed": seed, "observation": observation})

    def _play(self, action: str) -> Played:
        if len(action) > self.verifier.max_chars:
            return Played(Verdict.fail(f"action longer than {self.verifier.max_chars} characters; not sent"),
                          terminated=False)
        try:
            payload = self._session().step({self.action_field: action})
        except ActionRefused as exc:  # the episode cannot go on from a state the environment did not report
            return Played(Verdict.fail(f"the OpenEnv environment refused the action: {exc}"), terminated=True)
        self._moves.append(action)
        replies = observation_messages(payload["observation"], self.observation_field)
        return Played(self.verifier.verify(action, payload), replies=replies, terminated=bool(payload["done"]),
                      info={"openenv_observation": payload["observation"]})

    def score(self, action: str) -> Verdict:
        """Judge ``action`` without playing it: a second session replays the episode so far and plays it there."""
        scratch = self._open()
        try:
            try:
                scratch.reset(**self._reset_args)
                for move in self._moves:
                    scratch.step({self.action_field: move})
            except ActionRefused as exc:
                raise EnvgymError(f"{self._label()}: cannot replay the episode to score an action: {exc}") from None
            try:
                payload = scratch.step({self.action_field: action})
            except ActionRefused as exc:
                return Verdict.fail(f"the OpenEnv environment refused the action: {exc}")
        finally:
            scratch.close()
        return self.verifier.verify(action, payload)

    def gold_action(self) -> str:
        if self._gold is None:
            raise ProbesUnavailable(f"{self._label()}: an OpenEnv environment brings no gold policy; give gold= (a "
                                    "function from the environment to its next action) to run the gold probes")
        return self._gold(self)

    def hack_actions(self) -> Mapping[str, Any]:
        if self._hacks is None:
            raise ProbesUnavailable(f"{self._label()}: an OpenEnv environment brings no known reward hacks; give "
                                    "hacks= (name -> action or policy) to run the hack probes")
        return self._hacks(self) if callable(self._hacks) else self._hacks

    def hint(self) -> Sequence[Message]:
        """No hint: the answer lives in the OpenEnv environment."""
        return ()

    def close(self) -> None:
        session, self.session = self.session, None
        if session is not None:
            session.close()
        super().close()

    def _label(self) -> str:
        return self.spec.id if self.spec is not None else f"OpenEnv environment {self._where()}"


def text_field(schema: Mapping[str, Any], where: str) -> str:
    """The action's one text field, from its JSON schema.

    >>> text_field({"properties": {"metadata": {"type": "object"}, "guess": {"type": "string"}}}, "x")
    'guess'
    """
    properties = schema.get("properties") or {}
    texts = [name for name, prop in properties.items() if name != "metadata" and prop.get("type") == "string"]
    if len(texts) != 1:
        raise EnvgymError(f"{where}: the action has {len(texts)} text fields ({', '.join(texts) or 'none'}; all fields: "
                          f"{', '.join(properties) or 'none'}); name the one for the model's text with action_field=")
    return texts[0]


def observation_messages(observation: Mapping[str, Any], field: str | None = None) -> list[Message]:
    """What an observation says, as chat messages (see the module docstring).

    >>> observation_messages({"prompt": "Guess a number.", "feedback": ""})
    [Message(role='user', content='Guess a number.', name=None, tool_call_id=None)]
    >>> observation_messages({"board": "X.O", "legal": "a1 b2"})[0].content
    'board: X.O\\nlegal: a1 b2'
    """
    if field is not None:
        value = observation.get(field)
        return [Message("user", value if isinstance(value, str) else json.dumps(value, sort_keys=True, default=repr))]
    messages = observation.get("messages")
    if isinstance(messages, list) and all(isinstance(m, Mapping) for m in messages):
        try:
            return [Message.from_dict(m) for m in messages]
        except ValueError:
            pass  # not chat messages: shown as text below
    texts = {k: v for k, v in observation.items() if isinstance(v, str) and v.strip()}
    if len(texts) == 1:
        return [Message("user", next(iter(texts.values())))]
    if texts:
        return [Message("user", "\n".join(f"{k}: {v}" for k, v in texts.items()))]
    shown = {k: v for k, v in observation.items() if v not in (None, "", [], {})}
    return [Message("user", json.dumps(shown, sort_keys=True, default=repr))] if shown else []
