"""Playing an environment with a scripted policy: a function from the env's state to an action.

Used by ``envgym run`` and by the probes in ``envgym check``; model policies use the rollout
engine instead.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from envgym.env import TextEnv
from envgym.types import Verdict

ScriptedPolicy = Callable[[TextEnv], str]
PolicyName = Literal["scripted", "random"]


def gold_policy(env: TextEnv) -> str:
    return env.gold_action()


def random_policy(env: TextEnv) -> str:
    return env.action_space.sample()


SCRIPTED_POLICIES: dict[str, ScriptedPolicy] = {"scripted": gold_policy, "random": random_policy}


@dataclass(frozen=True)
class EpisodeResult:
    seed: int | None
    task_id: str
    rewards: tuple[float, ...]
    verdicts: tuple[Verdict, ...]
    transcript: str

    @property
    def final(self) -> Verdict:
        return self.verdicts[-1]

    @property
    def total_reward(self) -> float:
        return sum(self.rewards)


def play_episode(env: TextEnv, policy: ScriptedPolicy, seed: int | None) -> EpisodeResult:
    """Reset with ``seed`` and step ``policy`` until the episode ends (at most ``max_turns`` steps).

    The action space is seeded too (Gymnasium's ``reset`` leaves it alone), so the random policy
    plays the same episode for the same seed.
    """
    _, info = env.reset(seed=seed)
    if seed is not None:
        env.action_space.seed(seed)
    rewards, verdicts = [], []
    for _ in range(env.max_turns):
        _, reward, terminated, truncated, step_info = env.step(policy(env))
        rewards.append(float(reward))
        verdicts.append(step_info["verdict"])
        if terminated or truncated:
            break
    return EpisodeResult(seed, info["task_id"], tuple(rewards), tuple(verdicts), env.transcript())
