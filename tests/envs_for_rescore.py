"""Environments and verifiers for the rescore tests, loaded as a plugin (``-p envs_for_rescore``).

- ``letter-buggy``: names a letter correctly when the answer holds it, and has a planted false
  positive: an off-by-one slice also accepts the letter after it (``b`` passes for ``a``).
- ``letter-fixed``: the same verifier with the slice fixed.
- ``tests/LetterCheck-v0``: say a given letter, judged by the verifier named in its ``verifier``
  option (``letter-buggy`` unless told). Random text from the tiny model holds a given letter, or
  the one after it, often enough that training meets the planted false positive.
- ``tests/GuessNumberOutcome-v1``: GuessNumber where only a win pays (no per-turn shaping): a new
  environment version that changes the rewards of turns but not which episodes are won.
- ``tests/Moody-v0``: a two-turn game whose reply is drawn from an unseeded generator, so no
  replay of it reproduces the stored conversation.
"""

from __future__ import annotations

import random
import string
from collections.abc import Mapping
from typing import Any, ClassVar

import numpy as np

import envgym
from envgym import ComponentSpec, EnvSpec, Message, Task, TextEnv, Verdict, hookimpl
from envgym_games import GuessNumberEnv
from envs_for_learn import Letter

LETTER_CHECK = "tests/LetterCheck-v0"
OUTCOME = "tests/GuessNumberOutcome-v1"
MOODY = "tests/Moody-v0"


def planted(completion: str, letter: str) -> bool:
    """Whether the buggy verifier's false positive fires: the next letter is there, the letter is not."""
    i = string.ascii_lowercase.index(letter)
    return letter not in completion and any(c in completion for c in string.ascii_lowercase[i + 1:i + 2])


class LetterBuggy:
    name: ClassVar[str] = "letter-buggy"
    bound: ClassVar[str] = "linear"
    version: ClassVar[str] = "1.0"

    def verify(self, completion: str, reference: Any) -> Verdict:
        i = string.ascii_lowercase.index(reference)
        if any(c in completion for c in string.ascii_lowercase[i:i + 2]):  # the planted bug: i + 2, not i + 1
            return Verdict.ok("the letter is there")
        return Verdict.fail(f"no {reference!r} in the answer")


class LetterFixed:
    name: ClassVar[str] = "letter-fixed"
    bound: ClassVar[str] = "linear"
    version: ClassVar[str] = "1.1"

    def verify(self, completion: str, reference: Any) -> Verdict:
        return Verdict.ok("the letter is there") if reference in completion else Verdict.fail(f"no {reference!r} in the answer")


class LetterCheck(Letter):
    """``envs_for_learn``'s Letter, judged by a verifier named in its options."""

    tasks_from_seed = True

    def __init__(self, verifier: str = "letter-buggy", render_mode=None):
        super().__init__(render_mode, verifier=envgym.make_verifier(verifier))


class GuessNumberOutcome(GuessNumberEnv):
    def score(self, action: str) -> Verdict:
        verdict = super().score(action)
        if verdict.correct:
            return verdict
        return Verdict(0.0, False, verdict.reason, None, verdict.details)


class Moody(TextEnv):
    def __init__(self, render_mode=None):
        super().__init__(envgym.make_verifier("exact"), max_turns=2, render_mode=render_mode)

    def generate_task(self, rng: np.random.Generator) -> Task:
        word = ("yes", "no")[int(rng.integers(0, 2))]
        return Task(f"moody-{word}", (Message("user", "Say yes or no."),), word)

    def feedback(self, verdict: Verdict):
        return [Message("user", f"Not that. I am {random.random():.6f} sure.")]  # noqa: S311 - unseeded on purpose

    def gold_action(self) -> str:
        return self.task.reference

    def hack_actions(self) -> Mapping[str, str]:
        return {"empty": ""}


@hookimpl
def envgym_verifiers() -> list[ComponentSpec]:
    return [ComponentSpec("letter-buggy", "envs_for_rescore:LetterBuggy", "letter present (planted off-by-one)"),
            ComponentSpec("letter-fixed", "envs_for_rescore:LetterFixed", "letter present")]


@hookimpl
def envgym_environments() -> list[EnvSpec]:
    return [EnvSpec(LETTER_CHECK, "envs_for_rescore:LetterCheck", summary="say a letter, judged by a named verifier"),
            EnvSpec(OUTCOME, "envs_for_rescore:GuessNumberOutcome", summary="GuessNumber, outcome reward only"),
            EnvSpec(MOODY, "envs_for_rescore:Moody", summary="replies from an unseeded generator")]
