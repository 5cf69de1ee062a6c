"""An environment a random tiny model sometimes solves, so every learner has signal in one step.

``tests/Letter-v0``: name a given letter; an answer is correct when it contains that letter.
Random completions of a few dozen tokens contain it often enough that groups have both
outcomes, self-refinement has successes, and some groups fail entirely (for ``guided``).
Loaded by name (``-p envs_for_learn``) in the command-line tests.
"""

from __future__ import annotations

import string
from collections.abc import Mapping
from typing import Any, ClassVar

import numpy as np

from envgym import EnvSpec, Message, Task, TextEnv, Verdict, hookimpl

LETTER = "tests/Letter-v0"


class Contains:
    name: ClassVar[str] = "contains"
    bound: ClassVar[str] = "linear"

    def verify(self, completion: str, reference: Any) -> Verdict:
        return Verdict.ok() if reference in completion else Verdict.fail(f"no {reference!r} in the answer")


class Letter(TextEnv):
    def __init__(self, render_mode=None, *, verifier=None):
        super().__init__(verifier or Contains(), max_action_chars=10_000, render_mode=render_mode)

    def generate_task(self, rng: np.random.Generator) -> Task:
        letter = string.ascii_lowercase[int(rng.integers(0, 26))]
        return Task(f"letter-{letter}-{int(rng.integers(0, 10**6))}", (Message("user", f"Say the letter {letter}."),), letter)

    def gold_action(self) -> str:
        return f"The letter is {self.task.reference}."

    def hack_actions(self) -> Mapping[str, str]:
        return {"empty": ""}


@hookimpl
def envgym_environments() -> list[EnvSpec]:
    return [EnvSpec(LETTER, "envs_for_learn:Letter", summary="say a letter (learner tests)")]
