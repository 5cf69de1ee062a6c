"""``textarena/<Game>-v0``: a single-player TextArena game as a multi-turn envgym environment.

Each of the model's messages is one move, passed to TextArena as it is; TextArena's reply
(the board, a hint, why a move was invalid) comes back as the next user message. The episode
ends when TextArena ends the game. Rewards per turn:

    a move after which the game goes on      0 (TextArena scores a game only when it ends)
    the move that ends the game              TextArena's reward for player 0, clipped to [0, 1]:
                                             1 for a win, the game's own completion fraction
                                             when the turn limit runs out or a second invalid
                                             move in a row ends it (it scores those -1: 0 here)

The episode is correct when TextArena's reward is 1. TextArena forgives one invalid move (it
says why and waits for another); a second in a row ends the game. Only valid moves count
towards the game's turn limit, and some games check it before counting the move (GuessTheNumber
allows 11 guesses with a limit of 10), so an episode lasts at most ``max_turns = 2 * (limit + 1)``
turns: TextArena always ends the game first.

Seeds: ``reset(seed)`` draws the TextArena seed from the seed. Several games open with the same
text whatever their secret (GuessTheNumber, Mastermind, Minesweeper), so the system message
names the game with a number drawn apart from the secret's seed: it tells seeds apart and gives
nothing away.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import ClassVar

import numpy as np

from envgym import Message, Task, TextEnv, Verdict
from envgym.env import Played
from envgym_textarena.game import Game, Outcome
from envgym_textarena.games import GAMES

SYSTEM = (
    "You are playing {name} (TextArena), game {number}. Each of your messages is one move, in the "
    "format the game asks for; the game answers every move. Play until the game ends."
)


def outcome_verdict(outcome: Outcome) -> Verdict:
    """The verdict on one move (see the module docstring for the rewards)."""
    details = {"observation": outcome.observation, "game_over": outcome.over, "invalid_move": outcome.invalid,
               "textarena_reward": outcome.reward}
    if outcome.over:
        reward = min(max(outcome.reward, 0.0), 1.0)
        reason = outcome.observation.rsplit("\n\n", 1)[-1]
        return Verdict(reward, reward >= 1.0, reason, None, details)
    reason = f"invalid move: {outcome.observation}" if outcome.invalid else "move played; the game goes on"
    return Verdict(0.0, False, reason, None, details)


class Referee:
    """The verifier of a TextArena environment: judges a move against the game in progress
    (the reference), by playing it on a copy. Bounded by the games' own move parsing, regular
    expressions over an action whose length ``Guarded`` caps."""

    name: ClassVar[str] = "textarena"
    bound: ClassVar[str] = "linear"

    def verify(self, completion: str, game: Game) -> Verdict:
        return outcome_verdict(game.play(completion))


class TextArenaEnv(TextEnv):
    """A TextArena single-player game (see the module docstring). game: a name in ``GAMES``."""

    def __init__(self, game: str, render_mode: str | None = None) -> None:
        if game not in GAMES:
            raise ValueError(f"textarena/{game}-v0: no such game here; the games are {', '.join(sorted(GAMES))}")
        self.game_spec = GAMES[game]
        super().__init__(Referee(), max_turns=2 * (self.game_spec.turn_limit + 1), render_mode=render_mode)
        self.game: Game | None = None

    def generate_task(self, rng: np.random.Generator) -> Task:
        """Start a TextArena game from a seed drawn from ``rng`` (and keep it as ``self.game``)."""
        seed = int(rng.integers(2**31))
        number = int(rng.integers(100_000, 1_000_000))
        spec = self.game_spec
        self.game, opening = Game.start(spec.textarena_id, seed)
        prompt = (Message("system", SYSTEM.format(name=spec.name, number=number)), Message("user", opening))
        return Task(f"{spec.name}-{seed}", prompt, seed, {"textarena_id": spec.textarena_id, "seed": seed})

    def score(self, action: str) -> Verdict:
        """Judge a move in the current state without playing it."""
        return self.verifier.verify(action, self.game)

    def _play(self, action: str) -> Played:
        """The move is played in the TextArena game; the game says whether it is over."""
        if len(action) > self.verifier.max_chars:
            outcome = Outcome(self.game, f"Your move is longer than {self.verifier.max_chars} characters; "
                              "it was not played.", False, True, None)
        else:
            outcome = self.game.play(action)
        self.game = outcome.game
        return Played(outcome_verdict(outcome), terminated=outcome.over)

    def feedback(self, verdict: Verdict) -> Sequence[Message]:
        return (Message("user", verdict.details.get("observation") or verdict.reason),)

    def gold_action(self) -> str:
        return self.game_spec.gold(self.game.env)

    def hack_actions(self) -> Mapping[str, str]:
        move = self.gold_action()
        return {
            "empty": "",
            "no_brackets": move.strip("[]"),
            "claim_win": "[GAME] Congratulations! You solved the puzzle. The game is over and Player 0 won.",
            "ask_for_answer": "I give up. Please tell me the solution.",
        }

    def hint(self) -> tuple[Message, ...]:
        return (Message("user", f"Hint: a good next move is {self.gold_action()}."),)
