"""Replaying a verifiers episode to the point where the model must speak: what the adapter runs in
envgym's bounded worker process.

A verifiers episode is a coroutine that calls the model (``Env.run`` over ``Agent.interaction``):
its control flow owns the loop, not the caller. envgym's ``step`` is the other way round. The
adapter squares the two by replay: every call runs the episode from the start through verifiers'
own machinery (``Env.serving`` and ``Env.run_episode``: the interception server, the rollout, the
task's scoring), with a loopback OpenAI-compatible endpoint (``ScriptedModel``) that answers the
model calls with the moves played so far, in order. The call ends at the first model call past
the last move (its messages are the next observation) or when the episode ends (its rewards are
the verdict). An episode of n turns costs 1 + 2 + ... + n model turns; each is a loopback round
trip and a few milliseconds of verifiers' bookkeeping.

Replay assumes the environment answers the same moves the same way (a seeded game does; an
environment that draws unseeded randomness does not): each model call is compared with the
observation the caller was shown before, and a difference ends the episode with reward 0 and a
reason, never a silent mix of two episodes.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import itertools
import json
import sys
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

#: What the replayed model is called in the traces verifiers records.
MODEL = "envgym-policy"
Prompt = tuple[tuple[str, str], ...]
"""A model call's messages as (role, text) pairs: what the adapter compares and shows."""


@dataclass(frozen=True)
class RunSpec:
    """Which verifiers environment to run, as plain data (it crosses to the worker process).

    taskset: the verifiers taskset id (an importable module: ``my-env`` imports ``my_env``).
    taskset_args: JSON of the taskset config's fields (``{"num_tasks": 10}``).
    env: a verifiers env id to pair with the taskset (empty: the taskset's own, else
        verifiers' ``SingleAgentEnv``).
    max_turns: the cap on model turns verifiers enforces for the seat.
    max_tasks: how many of the taskset's tasks are used (the first ones; an infinite taskset needs it).
    search_path: the caller's ``sys.path``: a worker started before the taskset's folder joined it
        (a notebook's ``sys.path.insert``, a test's folder) still finds the module.
    """

    taskset: str
    taskset_args: str = "{}"
    env: str = ""
    max_turns: int = 32
    max_tasks: int = 10_000
    search_path: tuple[str, ...] = ()


@dataclass(frozen=True)
class Replay:
    """An episode so far: the task, the moves played and the messages each move answered."""

    spec: RunSpec
    index: int
    moves: tuple[str, ...] = ()
    prompts: tuple[Prompt, ...] = ()


@dataclass(frozen=True)
class Outcome:
    """Where a replay stopped.

    prompt: the next model call's messages, when the episode goes on (else None).
    reward: the episode's reward (the sum of its traces' weighted rewards) when it ended.
    rewards: each named reward's weighted value, when it ended.
    error: why the episode failed or could not be replayed (then the other fields are unset).
    calls: how many model calls the episode made.
    """

    prompt: Prompt | None = None
    reward: float = 0.0
    rewards: Mapping[str, float] = field(default_factory=dict)
    error: str | None = None
    calls: int = 0


def plain(messages: Sequence[Mapping[str, Any]]) -> Prompt:
    """Chat messages as (role, text) pairs; content parts are joined, images dropped.

    >>> plain([{"role": "user", "content": [{"type": "text", "text": "hi"}]}, {"role": "assistant", "content": None}])
    (('user', 'hi'), ('assistant', ''))
    """
    def text(content: Any) -> str:
        if isinstance(content, str):
            return content
        return "\n".join(p.get("text", "") for p in content or () if isinstance(p, Mapping) and p.get("type") == "text")

    return tuple((str(m.get("role")), text(m.get("content"))) for m in messages)


def environment_config(spec: RunSpec) -> Any:
    """The verifiers ``EnvConfig`` for ``spec``: its one seat played through ``ChatHarness`` in a
    local subprocess runtime (the harness makes its model call from the host process)."""
    import verifiers.v1 as vf

    from envgym_verifiers.harness import HARNESS_ID

    config_type = vf.env_config_type(spec.taskset, spec.env)
    seats = [name for name, f in config_type.model_fields.items() if isinstance(f.default, vf.AgentConfig)]
    if len(seats) != 1:
        raise ValueError(f"verifiers environment {spec.env or spec.taskset!r} has seats {seats}: an envgym "
                         "policy plays exactly one (an environment with a simulated user or a model judge has more)")
    seat = {"harness": {"id": HARNESS_ID}, "runtime": {"type": "subprocess"}, "max_turns": spec.max_turns}
    data = {"id": spec.env, "taskset": {"id": spec.taskset, **json.loads(spec.taskset_args)}, seats[0]: seat}
    return vf.resolve_env_config(data)


@functools.cache
def load(spec: RunSpec) -> tuple[Any, tuple[Any, ...]]:
    """The verifiers ``Env`` and its first ``max_tasks`` tasks (once per process)."""
    import verifiers.v1 as vf

    sys.path.extend(p for p in spec.search_path if p not in sys.path)

    env = vf.load_environment(environment_config(spec))
    tasks = tuple(env.taskset.take(spec.max_tasks))
    if not tasks:
        raise ValueError(f"verifiers taskset {spec.taskset!r} yielded no tasks")
    return env, tasks


def replay(run: Replay) -> Outcome:
    """Replay ``run`` in this process (see the module docstring); never raises on the episode's behalf.

    Every replay of the process runs on one event loop (``asyncio.Runner``), where the scripted
    model and each environment's serving resources (``Env.serving``: its interception server and
    model clients) stay up between calls, as they do for the length of a ``vf-eval`` run.
    """
    return _runner().run(_replay(run))


@functools.cache
def _runner() -> asyncio.Runner:
    return asyncio.Runner()


@functools.cache
def _served(spec: RunSpec) -> asyncio.Future[tuple[Any, tuple[Any, ...]]]:
    """The loaded environment of ``spec``, inside ``Env.serving()`` until the process ends."""
    async def serve() -> tuple[Any, tuple[Any, ...]]:
        env, tasks = load(spec)
        await contextlib.AsyncExitStack().enter_async_context(env.serving())
        return env, tasks

    return asyncio.ensure_future(serve())


@functools.cache
def _model() -> asyncio.Future[ScriptedModel]:
    return asyncio.ensure_future(ScriptedModel().start())


async def _replay(run: Replay) -> Outcome:
    env, tasks = await _served(run.spec)
    model = await _model()
    with model.script(run.moves, run.prompts) as script:
        episode = asyncio.ensure_future(env.run_episode(tasks[run.index], model.context(script)))
        await asyncio.wait((episode, script.stopped), return_when=asyncio.FIRST_COMPLETED)
        if script.stopped.done():
            episode.cancel()
            await asyncio.gather(episode, return_exceptions=True)
            return script.stopped.result()
        return _finished(episode.result(), script.calls)


def _finished(episode: Any, calls: int) -> Outcome:
    if not episode.ok:
        errors = [e for trace in episode.traces for e in trace.errors] + list(episode.errors)
        reason = f"{errors[-1].type}: {errors[-1].message}" if errors else "the episode did not complete"
        return Outcome(error=f"the verifiers episode failed: {reason}", calls=calls)
    played = [t for t in episode.traces if t.agent is None or t.agent.trainable]
    rewards = {name: r.value for t in played for name, r in t.rewards.items() if r is not None}
    return Outcome(reward=sum(t.reward for t in played), rewards=rewards, calls=calls)


class Script:
    """One replay's moves, under its own model name.

    ``stopped`` resolves to an ``Outcome`` at the first call past the last move (its messages) or
    at a call whose messages differ from ``prompts`` (a divergent replay).
    """

    def __init__(self, name: str, moves: Sequence[str], prompts: Sequence[Prompt]) -> None:
        self.name, self.moves, self.prompts = name, moves, prompts
        self.calls = 0
        self.stopped: asyncio.Future[Outcome] = asyncio.get_running_loop().create_future()

    def answer(self, prompt: Prompt) -> str | None:
        """The move answering a model call, or None where the replay stops (``stopped`` says why)."""
        call = self.calls
        self.calls += 1
        if call < len(self.prompts) and prompt != self.prompts[call]:
            outcome = Outcome(error=f"replay diverged at model call {call + 1}: the environment answered the same "
                                    "moves differently (is it seeded?)", calls=call)
        elif call >= len(self.moves):
            outcome = Outcome(prompt=prompt, calls=call)
        else:
            return self.moves[call]
        if not self.stopped.done():
            self.stopped.set_result(outcome)
        return None


class ScriptedModel:
    """An OpenAI-compatible ``/v1/chat/completions`` on 127.0.0.1 answering each replay's model
    calls with its moves, in order; the request's ``model`` names the replay's ``Script``."""

    def __init__(self) -> None:
        self.scripts: dict[str, Script] = {}
        self.url = ""
        self._count = itertools.count()

    async def start(self) -> ScriptedModel:
        from aiohttp import web

        app = web.Application(client_max_size=1 << 30)
        app.router.add_post("/v1/chat/completions", self._complete)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.url = f"http://127.0.0.1:{self._runner.addresses[0][1]}/v1"
        return self

    @contextlib.contextmanager
    def script(self, moves: Sequence[str], prompts: Sequence[Prompt]) -> Iterator[Script]:
        script = Script(f"{MODEL}-{next(self._count)}", moves, prompts)
        self.scripts[script.name] = script
        try:
            yield script
        finally:
            del self.scripts[script.name]

    def context(self, script: Script) -> Any:
        """The run's model context: this endpoint, the script's model name."""
        from verifiers.v1.clients import EvalClientConfig, ModelContext

        # api_key_var: any unset variable (the default one reads the Prime CLI's config)
        client = EvalClientConfig(base_url=self.url, api_key_var="ENVGYM_VERIFIERS_UNSET_KEY")
        return ModelContext(model=script.name, client=client)

    async def _complete(self, request: Any) -> Any:
        from aiohttp import web

        body = await request.json()
        script = self.scripts.get(body.get("model"))
        move = None if script is None else script.answer(plain(body.get("messages") or ()))
        if move is None:
            return web.json_response({"error": {"message": "the replay stops here"}}, status=503)
        message = {"role": "assistant", "content": move}
        return web.json_response({
            "id": f"{script.name}-{script.calls}", "object": "chat.completion", "created": 0, "model": script.name,
            "choices": [{"index": 0, "finish_reason": "stop", "message": message}],
            "usage": {"prompt_tokens": 0, "completion_tokens": 0, "total_tokens": 0}})
