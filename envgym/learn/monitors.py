"""Reward-hacking monitors that need more than the rollout itself.

``unearned_reward`` (rewarded without being correct) and ``length_drift`` (completion length
against the first step's) come from the trajectories alone. A second verifier is an independent
opinion: every episode's final answer is scored again, by another registered verifier, against
the task's reference, and the share of episodes where the two disagree on correctness is logged.
A policy that learns the environment verifier's blind spots (a lenient parser, an answer format
it misreads) shows up as disagreement rising while reward rises.

The reference never travels with the trajectory: it is recovered by resetting a private copy of
the environment with the episode's seed (a seeded reset is reproducible by contract).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from envgym.types import Trajectory


class SecondVerifier:
    """Scores finished episodes again with the registered verifier ``name``."""

    def __init__(self, env_id: str, env_kwargs: Mapping[str, Any], name: str, *, timeout_s: float = 5.0) -> None:
        import envgym

        self.name = name
        self.verifier = envgym.make_verifier(name, timeout_s=timeout_s)  # unknown names fail here, at start-up
        self._env = envgym.make(env_id, **dict(env_kwargs))
        self._references: dict[int, Any] = {}

    def reference(self, seed: int) -> Any:
        if seed not in self._references:
            if len(self._references) >= 100_000:  # training seeds rarely repeat: bound the cache
                self._references.clear()
            self._env.reset(seed=seed)
            self._references[seed] = self._env.unwrapped.task.reference
        return self._references[seed]

    def disagreements(self, trajectories: Sequence[Trajectory]) -> list[bool]:
        """Per episode: does the second verifier's ``correct`` differ from the environment's?
        Episodes without a seed or without an answer are skipped."""
        out = []
        for t in trajectories:
            answer = final_answer(t)
            if t.seed is None or answer is None:
                continue
            out.append(self.verifier.verify(answer, self.reference(t.seed)).correct != t.correct)
        return out


def final_answer(trajectory: Trajectory) -> str | None:
    """The last assistant message of an episode (its final attempt)."""
    for message in reversed(trajectory.messages):
        if message.role == "assistant":
            return message.content
    return None
