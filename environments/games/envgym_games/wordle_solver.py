"""The gold policy of ``envgym/Wordle-v0``: keep the words consistent with every mark so far, and
guess the one of them that splits them into the most groups by the marks it would get.

Candidates are the listed words that would have drawn exactly the marks seen, so every guess
could be the answer (Wordle's "hard mode"). The best guess makes the most distinct mark
patterns over the candidates, then leaves the smallest largest group, then comes first in the
list. ``tests/test_games.py`` plays every word of the list with it: none takes more than 6
guesses. (Also guessing words already ruled out, as probes, would need at most 5; a gold trace
whose every guess could win is the better demonstration.)

Nothing is computed at import. Candidates and choices are cached by the history that led to them,
so the choices shared by many games (the first guess, above all) are worked out once.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

from envgym_games.wordle_marks import marks
from envgym_games.words import WORDS

History = tuple[tuple[str, str], ...]  # (guess, marks) pairs, in order


def solve(history: Sequence[tuple[str, str]]) -> str:
    """The solver's guess after ``history``."""
    return best_guess(candidates(tuple(history)))


@lru_cache(maxsize=4096)
def candidates(history: History) -> tuple[str, ...]:
    """The listed words that would have drawn every mark in ``history``, in list order."""
    if not history:
        return WORDS
    *earlier, (guess, marked) = history
    return tuple(w for w in candidates(tuple(earlier)) if marks(guess, w) == marked)


@lru_cache(maxsize=4096)
def best_guess(remaining: tuple[str, ...]) -> str:
    """The guess that splits ``remaining`` best (see the module docstring)."""
    if not remaining:
        raise ValueError("no listed word fits the marks so far")
    if len(remaining) <= 2:
        return remaining[0]
    best, best_key = remaining[0], None
    for guess in remaining:
        groups: dict[str, int] = {}
        for word in remaining:
            pattern = marks(guess, word)
            groups[pattern] = groups.get(pattern, 0) + 1
        key = (len(groups), -max(groups.values()))
        if best_key is None or key > best_key:
            best, best_key = guess, key
    return best
