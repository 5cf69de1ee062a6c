"""Wordle's marking rule, which the environment and its gold solver share."""

from __future__ import annotations


def marks(guess: str, answer: str) -> str:
    """Wordle's marks for a guess: G right place, Y elsewhere in the word, . absent.

    Greens are marked first; then, left to right, a letter is Y while the answer has copies of
    it that are not already marked, and . after that.

    >>> marks("babes", "abbey"), marks("geese", "speed"), marks("eerie", "crane")
    ('YYGG.', '.YGY.', '..Y.G')
    """
    out = ["."] * len(guess)
    unmatched: dict[str, int] = {}
    for i, (g, a) in enumerate(zip(guess, answer)):
        if g == a:
            out[i] = "G"
        else:
            unmatched[a] = unmatched.get(a, 0) + 1
    for i, g in enumerate(guess):
        if out[i] == "." and unmatched.get(g, 0) > 0:
            out[i] = "Y"
            unmatched[g] -= 1
    return "".join(out)
