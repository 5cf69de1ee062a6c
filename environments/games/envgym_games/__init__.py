"""envgym/GuessNumber-v0 and envgym/Wordle-v0: multi-turn games with a reward on every turn.

    env = envgym.make("envgym/Wordle-v0")
    obs, info = env.reset(seed=0)
    obs, reward, terminated, truncated, info = env.step(r"\\boxed{crane}")
    obs[-1]["content"]               # "C R A N E\\n. Y . . G\\n5 guesses left." (the word is "there")
    reward                           # 0.3: what the guess found, 0.1 per new green position or letter

Modules: ``game`` (what the games share: the state, the per-turn reward rules), ``guess_number``
and ``wordle`` (the games), ``wordle_marks`` (Wordle's marking rule), ``wordle_solver`` (its gold
policy), ``words`` (the word list), ``plugin`` (registration).
"""

from envgym_games.game import GameEnv
from envgym_games.guess_number import GuessNumberEnv, Interval
from envgym_games.wordle import Board, WordleEnv
from envgym_games.wordle_marks import marks
from envgym_games.words import WORDS

__all__ = ["WORDS", "Board", "GameEnv", "GuessNumberEnv", "Interval", "WordleEnv", "marks"]
