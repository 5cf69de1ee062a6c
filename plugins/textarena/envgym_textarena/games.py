"""The TextArena games exposed as envgym environments, and the ones left out.

A game is exposed when it is single-player, runs offline, starts from a state its seed decides,
and has a scripted gold policy that wins it on every seed (``envgym check`` requires gold probes
to score 1). Each one is TextArena's registered ``-v0`` variant, with TextArena's turn limit.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from envgym_textarena import solvers


@dataclass(frozen=True)
class GameSpec:
    """name: the envgym name (``textarena/<name>-v0``); textarena_id: TextArena's id;
    turn_limit: TextArena's own limit on valid moves for that id; gold: the scripted solver."""

    name: str
    textarena_id: str
    turn_limit: int
    gold: Callable[[Any], str]
    summary: str


GAMES: dict[str, GameSpec] = {spec.name: spec for spec in (
    GameSpec("GuessTheNumber", "GuessTheNumber-v0", 10, solvers.guess_the_number,
             "guess a number in 1-20 from higher/lower hints, 10 guesses"),
    GameSpec("Minesweeper", "Minesweeper-v0", 100, solvers.minesweeper,
             "8x8 Minesweeper with 10 mines: reveal every safe cell"),
    GameSpec("Sudoku", "Sudoku-v0", 100, solvers.sudoku,
             "9x9 Sudoku with 60 clues, one cell per move"),
    GameSpec("LightsOut", "LightsOut-v0", 20, solvers.lights_out,
             "5x5 Lights Out: switch every light off in 20 presses"),
    GameSpec("FrozenLake", "FrozenLake-v0", 100, solvers.frozen_lake,
             "walk a 4x4 frozen lake to the goal around 3 holes"),
    GameSpec("Mastermind", "Mastermind-v0", 20, solvers.mastermind,
             "crack a 4-digit code (digits 1-6, no repeats) from black/white pegs, 20 guesses"),
)}

#: TextArena single-player games not exposed, and why. Two- and many-player games are not
#: exposed at all: their reward depends on an opponent, and a gold policy would have to beat a
#: scripted one (chess, poker, negotiation) on every seed.
LEFT_OUT: dict[str, str] = {
    **dict.fromkeys(("Wordle", "Hangman", "WordLadder", "WordSearch", "SpellingBee"),
                    "needs NLTK corpora (word lists, a POS tagger) that it downloads at run time"),
    "TwentyQuestions": "its game master is an LLM behind OpenRouter, over the network",
    **dict.fromkeys(("TowerOfHanoi", "PegJump", "Countdown", "Cryptarithm"),
                    "its -v0 starts from the same state whatever the seed, so seeds cannot give different tasks"),
    **dict.fromkeys(("Blackjack", "UltimateTexasHoldem"), "dealt cards decide the outcome: no policy wins every seed"),
    **dict.fromkeys(("Bandit", "Crosswords", "FifteenPuzzle", "Game2048", "GuessWho", "Klondike", "LogicPuzzle",
                     "RushHour", "Secretary", "Set", "Slitherlink", "Sokoban", "ThreeCardMonte"),
                    "no scripted gold policy that wins every seed is written yet"),
}
