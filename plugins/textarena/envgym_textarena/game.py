"""A TextArena game in progress: play a move on a copy, read what the game says back.

TextArena games draw from Python's global ``random`` (its ``State`` calls ``random.seed(seed)``
at reset; Minesweeper lays its mines at the first move). A ``Game`` keeps its own random state
and swaps it in for the length of each TextArena call, under one lock: a seeded game replays
exactly, games in other threads do not disturb it, and the caller's global random state is
left as it was. (The lock serialises TextArena calls across threads; each takes well under a
millisecond for the games exposed here.)

``Game.play(move)`` never changes the game it is called on and never raises: it plays on a
deep copy and returns the copy in its ``Outcome``, so a scaffold can judge candidate moves and
the environment commits the one it steps with. A move TextArena raises on is reported as an
invalid move that was not played.
"""

from __future__ import annotations

import copy
import random
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

T = TypeVar("T")
_RANDOM_LOCK = threading.Lock()
_ANY_STATE = random.Random(0).getstate()  # where a reset starts: TextArena reseeds at once


def _with_own_random(state: Any, call: Callable[[], T]) -> tuple[T, Any]:
    """``call()`` with Python's global random state set to ``state``; its result and the state after."""
    with _RANDOM_LOCK:
        saved = random.getstate()
        random.setstate(state)
        try:
            return call(), random.getstate()
        finally:
            random.setstate(saved)


def _text(messages: Sequence[tuple[int, str, Any]]) -> str:
    """What the game said, without the echo of the player's own move."""
    from textarena import ObservationType

    return "\n\n".join(m for _, m, kind in messages if kind != ObservationType.PLAYER_ACTION).strip()


@dataclass(frozen=True)
class Outcome:
    """One move's result.

    game: the game after the move (this game itself when the move was not played).
    observation: what the game says back (its reason for ending, when it ended).
    over: whether the game has ended.
    invalid: whether TextArena rejected the move (a second invalid move in a row ends the game).
    reward: TextArena's reward for player 0 when the game is over, else None.
    """

    game: Game
    observation: str
    over: bool
    invalid: bool
    reward: float | None


class Game:
    """A TextArena environment (created from its ``-raw`` id, without observation wrappers) and its
    random state. ``env`` is for reading only: solvers look at its state to choose a move."""

    def __init__(self, env: Any, random_state: Any) -> None:
        self.env = env
        self._random = random_state

    @classmethod
    def start(cls, textarena_id: str, seed: int) -> tuple[Game, str]:
        """A new game of ``textarena_id`` (e.g. ``"Sudoku-v0"``) from ``seed``, and its opening text."""
        import textarena

        env = textarena.make(f"{textarena_id}-raw")

        def reset() -> str:
            env.reset(num_players=1, seed=seed)
            return _text(env.get_observation()[1])

        opening, state = _with_own_random(_ANY_STATE, reset)
        return cls(env, state), opening

    def play(self, move: str) -> Outcome:
        env = copy.deepcopy(self.env)
        try:
            (over, _), state = _with_own_random(self._random, lambda: env.step(move))
            said = _text(env.get_observation()[1])
            if not over:
                return Outcome(Game(env, state), said, False, env.state.error_count > 0, None)
            rewards, info = env.close()
            reward, reason, invalid = float(rewards[0]), str(info[0].get("reason", "")), bool(info[0].get("invalid_move"))
        except Exception as exc:  # noqa: BLE001 - a move must never raise out of the environment
            return Outcome(self, f"Your move could not be played ({type(exc).__name__}: {exc}). Try another move.",
                           False, True, None)
        return Outcome(Game(env, state), "\n\n".join(s for s in (said, reason) if s), True, invalid, reward)
