"""Any envgym environment as a verifiers taskset, so ``vf-eval`` and prime-rl can use it.

    vf-eval envgym-verifiers --env.taskset.env-id envgym/Arithmetic-v0 -n 20 -m MODEL --client.base-url URL

verifiers imports this package for the taskset id ``envgym-verifiers`` and takes what its
``__all__`` exports: ``EnvgymTaskset`` (the tasks), ``EnvgymEnv`` (how an episode is played) and
``ChatHarness`` (the default harness of the seat: one chat completion a turn, from the host).

- Tasks: one per seed of the envgym environment. ``split="train"`` (the default) gives distinct
  tasks outside envgym's held-out partition, ``split="eval"`` the held-out tasks themselves
  (``envgym.heldout``): a model trained with prime-rl on the first is evaluated by ``envgym eval``
  (or ``vf-eval --env.taskset.split eval``) on tasks it never saw. The prompt is the environment's
  opening conversation (its system message as the task's system prompt).
- Episodes: the seat (``agent``) answers the prompt; each reply is an envgym ``step``; while the
  episode goes on, the environment's reply is the next user turn (``EnvgymEnv.run``).
- Reward: ``envgym``, the episode's return, computed by replaying the trace's replies through a
  fresh environment at the task's seed (envgym environments replay exactly: ``envgym check``
  requires it), so verifiers' own scoring of any trace of these tasks gives it; metrics
  ``envgym_correct`` (the last verdict's ``correct``) and ``envgym_turns``. envgym's verifiers are
  ``Guarded``: the reward never raises and is bounded in time.

Tool environments are played as text: the chat harness has no tools.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any, Literal

import verifiers.v1 as vf
from pydantic import Field
from verifiers.v1.runtimes import SubprocessConfig
from verifiers.v1.types import content_text

import envgym
from envgym.heldout import held_out, training_tasks
from envgym_verifiers.harness import ChatHarness


class EnvgymData(vf.TaskData):
    """One envgym task: the environment and the seed that gives it."""

    env_id: str
    env_kwargs: dict[str, Any] = Field(default_factory=dict)
    seed: int


def play_back(data: EnvgymData, replies: list[str]) -> dict[str, float]:
    """Step ``replies`` through a fresh environment reset at the task's seed: the return, whether
    the last verdict was correct, and the turns played (replies past the episode's end are ignored)."""
    env = envgym.make(data.env_id, **data.env_kwargs)
    try:
        env.reset(seed=data.seed)
        total, correct, turns = 0.0, False, 0
        for reply in replies:
            _, reward, terminated, truncated, info = env.step(reply)
            total, correct, turns = total + float(reward), bool(info["verdict"].correct), turns + 1
            if terminated or truncated:
                break
        return {"return": total, "correct": float(correct), "turns": float(turns)}
    finally:
        env.close()


def reply_text(segment: vf.Segment) -> str:
    """The segment's last assistant message as sent (``Segment.last_reply`` strips it; scoring sees it whole)."""
    said = [m for m in segment.messages if m.role == "assistant"]
    return content_text(said[-1].content) if said else ""


class EnvgymTask(vf.Task[EnvgymData, vf.State, vf.TaskConfig]):
    """An envgym task, scored by envgym (see the module docstring)."""

    @property
    def key(self) -> str:
        return f"{self.data.env_id}:{self.data.seed}"

    async def _played(self, trace: vf.Trace) -> dict[str, float]:
        cached = trace.info.get("envgym")
        if cached is None:
            replies = [content_text(m.content) for m in trace.assistant_messages]
            cached = trace.info["envgym"] = await asyncio.to_thread(play_back, self.data, replies)
        return cached

    @vf.reward
    async def envgym(self, trace: vf.Trace) -> float:
        return (await self._played(trace))["return"]

    @vf.metric
    async def envgym_episode(self, trace: vf.Trace) -> dict[str, float]:
        played = await self._played(trace)
        return {"envgym_correct": played["correct"], "envgym_turns": played["turns"]}


class EnvgymTasksetConfig(vf.TasksetConfig):
    env_id: str = ""
    """The envgym environment, e.g. ``envgym/Arithmetic-v0`` (``--env.taskset.env-id``)."""
    env_kwargs: dict[str, Any] = Field(default_factory=dict)
    """Its options, e.g. ``{"difficulty": 2}``."""
    split: Literal["train", "eval"] = "train"
    """``train``: tasks outside the held-out partition; ``eval``: the held-out tasks."""
    num_tasks: int = Field(100, ge=1)
    """How many distinct tasks."""
    held_out_tasks: int = Field(100, ge=1)
    """The size of the held-out partition (``envgym train``'s ``eval_tasks`` default)."""
    seed: int = 0
    """Draws the training seeds (the same seed gives the same tasks)."""


class EnvgymTaskset(vf.Taskset[EnvgymTask, EnvgymTasksetConfig]):
    """The tasks of an envgym environment (see the module docstring)."""

    def load(self) -> Iterator[EnvgymTask]:
        config = self.config
        if not config.env_id:
            raise ValueError("the envgym-verifiers taskset needs an environment: --env.taskset.env-id envgym/Arithmetic-v0")
        env = envgym.make(config.env_id, **config.env_kwargs)
        try:
            if config.split == "eval":
                part = held_out(config.env_id, config.env_kwargs, config.num_tasks, env=env)
                rows = [(seed, task_id, env.reset(seed=seed)[0]) for seed, task_id in zip(part.seeds, part.task_ids)]
            else:
                part = held_out(config.env_id, config.env_kwargs, config.held_out_tasks, env=env)
                rows = training_tasks(env, config.num_tasks, held=part, seed=config.seed)
        finally:
            env.close()
        for seed, task_id, messages in rows:
            system = messages[0]["content"] if messages and messages[0]["role"] == "system" else None
            rest = messages[1:] if system is not None else messages
            prompt = rest[0]["content"] if len(rest) == 1 and rest[0]["role"] == "user" else rest
            data = EnvgymData(id=task_id, prompt=prompt, system_prompt=system, env_id=config.env_id,
                              env_kwargs=config.env_kwargs, seed=seed)
            yield EnvgymTask(data, config.task)


class EnvgymEnvConfig(vf.EnvConfig):
    agent: vf.AgentConfig = vf.AgentConfig(runtime=SubprocessConfig())
    """The seat the policy plays; a local runtime by default (``ChatHarness`` runs no code)."""


class EnvgymEnv(vf.Env[EnvgymEnvConfig]):
    """An envgym episode: each reply is a ``step``; the environment's replies are the next user turns."""

    async def run(self, task: EnvgymTask, agents: vf.Agents) -> None:
        env = envgym.make(task.data.env_id, **task.data.env_kwargs)
        try:
            env.reset(seed=task.data.seed)
            replies: list[str] = []
            async with agents.agent.interaction(task) as interaction:
                segment = await interaction.turn()
                while not segment.terminated:
                    replies.append(reply_text(segment))
                    _, _, terminated, truncated, info = await asyncio.to_thread(env.step, replies[-1])
                    if terminated or truncated:
                        break
                    segment = await interaction.turn(info["replies"])
        finally:
            env.close()


__all__ = ["ChatHarness", "EnvgymEnv", "EnvgymTaskset"]
