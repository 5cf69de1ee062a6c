"""A multi-turn environment registered by a plugin module, for Ray workers to load by name.

``RayEnvPool(..., plugins=("envs_for_ray",))`` imports this module in every worker (tests/ is on
the driver's sys.path under pytest, so it is on the workers' too).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from envgym import EnvSpec, Message, Task, TextEnv, Verdict, hookimpl
from envgym.verify.extract import parse_number
from envgym.verify.match import NumberMatch

HIGHER_LOWER = "tests/HigherLower-v0"


class HigherLower(TextEnv):
    """Guess a number in up to three tries; a wrong guess is told to go higher or lower."""

    def __init__(self, render_mode=None):
        super().__init__(NumberMatch(), max_turns=3, render_mode=render_mode)

    def generate_task(self, rng: np.random.Generator) -> Task:
        n = int(rng.integers(10, 99))
        return Task(f"hl-{n}", (Message("user", "Guess my number between 10 and 99."),), n)

    def feedback(self, verdict: Verdict):
        guess = parse_number(verdict.details.get("answer", ""))
        hint = "" if guess is None else (" Higher." if guess < self.task.reference else " Lower.")
        return [Message("user", f"No ({verdict.reason}).{hint} Guess again.")]

    def gold_action(self) -> str:
        return str(self.task.reference)

    def hack_actions(self) -> Mapping[str, str]:
        return {"spray": " ".join(str(i) for i in range(10, 100))}


@hookimpl
def envgym_environments() -> list[EnvSpec]:
    return [EnvSpec(HIGHER_LOWER, "envs_for_ray:HigherLower", summary="multi-turn number guessing (tests)")]
