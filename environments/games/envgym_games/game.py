r"""What the games share: a state that every valid move advances, and rewards per turn.

A game keeps a state (``GameEnv.state``: what the player has found out so far) beside the
conversation. Its verifier judges one move against that state, ``verify(reply, state)``, and
changes nothing, so a scaffold may score candidate moves without playing them; ``step`` then
plays the move the verdict names (``verdict.details["move"]``; an invalid move names none and
only costs its turn). Each turn's reward, which the rollout collector records as that turn's
``Turn.reward``:

    a winning move                       1, and the episode ends (correct)
    any other move, turns left           the game's shaped reward for it: what the move found out
                                         (0 for an invalid move, a repeat, or one that tells nothing)
    the last turn, when it does not win  0

So the last turn's reward, which envgym takes as the trajectory's reward (``Trajectory.reward``,
what ``rlvr`` and pass@k use), is the episode's outcome: 1 when solved within ``max_turns``,
else 0. The shaped rewards of the earlier turns are a process signal for the ``process``
learner; each game bounds their sum over an episode by 1, so for a Gymnasium agent summing
rewards, stretching a game out for shaping can never be worth more than winning it.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Callable, Mapping
from typing import Any, Protocol

import numpy as np

from envgym import Task, TextEnv, Verdict
from envgym.verify.extract import boxed_contents


class GameState(Protocol):
    """A game's state: immutable; ``play`` returns the state after a valid move."""

    def play(self, move: Any) -> GameState: ...


class GameEnv(TextEnv):
    """A ``TextEnv`` whose verifier judges moves against ``self.state`` (see the module docstring).

    Subclasses implement ``new_game(task)`` (the state a task starts in), besides
    ``generate_task``, ``gold_action``, ``hack_actions`` and ``feedback``.
    """

    state: Any = None
    tasks_from_seed = True  # a game's task is drawn from its constructor's arguments alone (TextEnv)

    def new_game(self, task: Task) -> GameState:
        raise NotImplementedError(f"{type(self).__name__} must implement new_game(task)")

    def reset(self, *, seed: int | None = None, options: dict[str, Any] | None = None):
        obs, info = super().reset(seed=seed, options=options)
        self.state = self.new_game(self.task)
        return obs, info

    def score(self, action: str) -> Verdict:
        """Judge a move in the current state, without playing it."""
        verdict = self.verifier.verify(action, self.state)
        if self.turn + 1 < self.max_turns or verdict.correct or verdict.reward == 0:
            return verdict
        # The last turn pays the outcome only: what a move finds out is worth nothing once no turn is left.
        return Verdict(0.0, False, f"{verdict.reason}; no turns left", verdict.step_rewards, verdict.details)

    def step(self, action: str):
        obs, reward, terminated, truncated, info = super().step(action)
        move = info["verdict"].details.get("move")
        if move is not None:
            self.state = self.state.play(move)
        return obs, reward, terminated, truncated, info

    def _save_episode(self) -> dict[str, Any]:
        """A game's state is immutable (each move makes a new one): the snapshot holds it as it is."""
        return {**super()._save_episode(), "state": self.state}

    def _load_episode(self, state: Mapping[str, Any]) -> None:
        super()._load_episode(state)
        self.state = state["state"]

    def turns_left(self, verdict: Verdict) -> int:
        """Turns left after the move ``verdict`` judged (``feedback`` asks, once the move is counted)."""
        return self.max_turns - self.turn


def one_answer(reply: str, fallback: Callable[[str], str | None], missing: str) -> tuple[str | None, str]:
    r"""The one answer in a reply and "", or None and why there is none.

    The answer is the ``\boxed{}`` content when the reply has boxes (several must agree, as in
    envgym's ``number`` and ``exact`` verifiers), else ``fallback(reply)``; ``missing`` is the
    reason when that finds nothing.

    >>> one_answer(r"I guess \boxed{ 42 }", lambda s: None, "no number")
    ('42', '')
    >>> one_answer(r"\boxed{41} or \boxed{42}", lambda s: None, "no number")
    (None, 'several different \\boxed{} answers; give one')
    >>> one_answer("no idea", lambda s: None, "no number")
    (None, 'no number')
    """
    boxes = {box.strip() for box in boxed_contents(reply)}
    if len(boxes) > 1:
        return None, r"several different \boxed{} answers; give one"
    if boxes:
        answer = boxes.pop()
        return (answer, "") if answer else (None, r"empty \boxed{}")
    answer = fallback(reply)
    return (answer, "") if answer else (None, missing)


def game_number(rng: np.random.Generator) -> int:
    """A label for the prompt, drawn apart from the secret: it tells seeds apart and gives nothing away."""
    return int(rng.integers(100_000, 1_000_000))


def task_id(game: str, secret: object, number: int) -> str:
    """A task id that does not spell out the secret."""
    return f"{game}-" + hashlib.sha1(f"{secret}:{number}".encode()).hexdigest()[:12]
