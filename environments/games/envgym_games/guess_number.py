r"""``envgym/GuessNumber-v0``: find a secret whole number by guessing; each wrong guess hears "higher" or "lower".

    option     default  meaning
    low, high  1, 100   the secret is drawn uniformly from low..high
    max_turns  8        guesses per episode; at least what binary search needs at worst,
                        (high - low + 1).bit_length() (7 for 1..100)

A move is one guess: the ``\boxed{n}`` in the reply, else the last whole number written in it.
A reply with no number, a number that is not whole, or one outside low..high is an invalid
move: the environment says what was wrong and the turn is spent.

Per-turn rewards (the rules every game shares are in ``envgym_games.game``): the right number
scores 1 and ends the episode. A wrong guess scores the information in the reply, as a share
of what the whole game needs::

    log2((n - 1) / m) / log2(high - low + 1)

where n is how many numbers were still possible before the guess and m how many the reply
leaves. Being wrong rules out the guess itself whatever the reply, so the reply's own news is
(n - 1) -> m. Its expected value is the entropy of the reply, largest for a guess in the
middle of the possible numbers (about 1 / log2(N) whatever the reply); a guess at either end of
them, where the reply can be foretold, scores 0, as does a guess already ruled out (a repeat,
or one that ignores an earlier reply) and an invalid move. Over an episode the ratios
(n - 1) / m multiply to at most N - 1 (N = high - low + 1), so its shaped rewards sum to less
than 1; the last turn pays only for a win.

The gold policy is binary search over the numbers still possible.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import ClassVar, NamedTuple

import numpy as np

from envgym import Message, Task, Verdict
from envgym.verify.extract import final_number, parse_number
from envgym_games.game import GameEnv, game_number, one_answer, task_id

ENV_ID = "envgym/GuessNumber-v0"
LIMIT = 10**12  # |low|, |high| at most this: numbers a prompt can show and numpy can draw
PROMPT = (
    "Game {game}. I am thinking of a whole number from {low} to {high}. Find it in at most {turns} "
    "guesses.\n"
    "After each wrong guess I answer \"higher\" (my number is greater than your guess) or \"lower\" "
    "(it is smaller).\n"
    "Make one guess per reply and write it as \\boxed{{n}}, for example \\boxed{{{example}}}; without a "
    "box, the last whole number in your reply is your guess. A reply without a valid guess (no "
    "number, not a whole number, or outside {low} to {high}) uses up a turn."
)
_DIGITS = re.compile(r"[-−]?\d+")
_BOXED_WHOLE = re.compile(r"\\boxed\{\s*(-?\d{1,15})\s*\}")  # the usual move: one box, a whole number


class Interval(NamedTuple):
    """A game of GuessNumber: the secret, the game's range ``low..high`` and the numbers still
    possible after the replies so far, ``lo..hi``. A named tuple: a new one is built every turn."""

    secret: int
    low: int
    high: int
    lo: int
    hi: int

    @property
    def size(self) -> int:
        """How many numbers are still possible."""
        return self.hi - self.lo + 1

    def left_after(self, guess: int) -> int:
        """How many numbers are still possible after a wrong guess's reply."""
        if guess == self.secret or not self.lo <= guess <= self.hi:
            return self.hi - self.lo + 1
        return self.hi - guess if self.secret > guess else guess - self.lo

    def play(self, guess: int) -> Interval:
        """The state after a wrong guess's reply (unchanged by a guess already ruled out)."""
        if guess == self.secret or not self.lo <= guess <= self.hi:
            return self
        if self.secret > guess:
            return Interval(self.secret, self.low, self.high, guess + 1, self.hi)
        return Interval(self.secret, self.low, self.high, self.lo, guess - 1)


def reply_information(state: Interval, guess: int) -> float:
    """The shaped reward of a wrong guess: the reply's information over the game's (module docstring).

    >>> game = Interval(secret=71, low=1, high=100, lo=1, hi=100)
    >>> round(reply_information(game, 50), 4)   # 99 numbers left by "wrong", 50 by "higher"
    0.1483
    >>> reply_information(game, 1), reply_information(game.play(50), 40)   # foretold; ruled out
    (0.0, 0.0)
    """
    if not state.lo <= guess <= state.hi:
        return 0.0
    return math.log2((state.hi - state.lo) / state.left_after(guess)) / math.log2(state.high - state.low + 1)


def parse_guess(reply: str, low: int, high: int) -> tuple[int | None, str]:
    r"""The guess in a reply and "", or None and what is wrong with the reply.

    >>> parse_guess(r"between 1 and 100, so \boxed{50}", 1, 100)
    (50, '')
    >>> parse_guess("I'll say 37.", 1, 100)
    (37, '')
    >>> parse_guess("maybe 12.5", 1, 100)[1], parse_guess("101", 1, 100)[1]
    ('12.5 is not a whole number', '101 is outside 1 to 100')
    """
    if reply.count("\\boxed") == 1 and "\\fbox" not in reply:  # one box: no need to compare several
        usual = _BOXED_WHOLE.search(reply)
        if usual is not None:
            value = int(usual.group(1))
            return (value, "") if low <= value <= high else (None, f"{usual.group(1)} is outside {low} to {high}")
    written, why = one_answer(reply, final_number, "no number in the reply")
    if written is None:
        return None, why
    value = parse_number(written)
    shown = written if len(written) <= 24 else written[:20] + "..."
    if value is None and _DIGITS.fullmatch(written):  # too many digits to parse: far out of range
        return None, f"{shown} is outside {low} to {high}"
    if value is None or value != int(value):
        return None, f"{shown} is not a whole number"
    if not low <= value <= high:
        return None, f"{shown} is outside {low} to {high}"
    return int(value), ""


@dataclass(frozen=True)
class GuessJudge:
    """The verifier of a GuessNumber move: ``verify(reply, Interval)``."""

    name: ClassVar[str] = "guess-number"
    bound: ClassVar[str] = "linear"

    def verify(self, completion: str, state: Interval) -> Verdict:
        guess, why = parse_guess(completion, state.low, state.high)
        if guess is None:
            return Verdict.fail(why)
        if guess == state.secret:
            return Verdict(1.0, True, "found the number", None, {"move": guess, "reply": "correct"})
        reply = "higher" if state.secret > guess else "lower"
        details = {"move": guess, "reply": reply}
        if not state.lo <= guess <= state.hi:
            return Verdict(0.0, False, f"{reply}; {guess} was already ruled out", None, {**details, "ruled_out": True})
        return Verdict(reply_information(state, guess), False, reply, None, details)


class GuessNumberEnv(GameEnv):
    """Guess a secret number from low..high with higher/lower replies (see the module docstring).

    low, high: the range the secret is drawn from (low < high).
    max_turns: guesses per episode; at least ``(high - low + 1).bit_length()``, so binary search wins.
    """

    def __init__(self, low: int = 1, high: int = 100, max_turns: int = 8, render_mode: str | None = None) -> None:
        for name, value in (("low", low), ("high", high), ("max_turns", max_turns)):
            if isinstance(value, bool) or not isinstance(value, int):
                raise ValueError(f"{ENV_ID}: {name} must be an integer, got {value!r}")
        if not -LIMIT <= low < high <= LIMIT:
            raise ValueError(f"{ENV_ID}: need -{LIMIT} <= low < high <= {LIMIT}, got low={low}, high={high}")
        needed = (high - low + 1).bit_length()
        if max_turns < needed:
            raise ValueError(
                f"{ENV_ID}: max_turns={max_turns} is too few for {low} to {high}: binary search needs "
                f"{needed} guesses at worst; raise max_turns or narrow the range"
            )
        super().__init__(GuessJudge(), max_turns=max_turns, render_mode=render_mode)
        self.low, self.high = low, high

    def generate_task(self, rng: np.random.Generator) -> Task:
        secret = int(rng.integers(self.low, self.high + 1))
        game = game_number(rng)
        example = self.low + (self.high - self.low) // 3
        text = PROMPT.format(game=game, low=self.low, high=self.high, turns=self.max_turns, example=example)
        return Task(task_id("guess", secret, game), (Message("user", text),), secret, {"game": game})

    def new_game(self, task: Task) -> Interval:
        return Interval(task.reference, self.low, self.high, self.low, self.high)

    def feedback(self, verdict: Verdict) -> list[Message]:
        left = self.turns_left(verdict)
        guesses = f"{left} guess{'es' if left != 1 else ''} left."
        reply, guess = verdict.details.get("reply"), verdict.details.get("move")
        if reply is None:
            return [Message("user", f"Invalid guess: {verdict.reason}. That used up a turn; answer with one "
                                    f"whole number from {self.low} to {self.high} as \\boxed{{n}}. {guesses}")]
        text = f"Higher: my number is greater than {guess}." if reply == "higher" else \
            f"Lower: my number is less than {guess}."
        if verdict.details.get("ruled_out"):
            s = self.state
            text += f" (You knew that already: my number is from {s.lo} to {s.hi}.)"
        return [Message("user", f"{text} {guesses}")]

    def gold_action(self) -> str:
        s = self.state
        guess = (s.lo + s.hi) // 2
        return f"The number is from {s.lo} to {s.hi}, so I guess the middle: \\boxed{{{guess}}}"

    def hack_actions(self) -> Mapping[str, str]:
        secret, low, high = self.task.reference, self.low, self.high
        return {
            # one number every turn; an end of the range, so even the first reply is foretold
            "same_guess_every_turn": f"\\boxed{{{low if secret != low else high}}}",
            "empty": "",
            "no_number": "Is it higher or lower? Tell me and I will guess.",
            "above_range": f"\\boxed{{{high + 1}}}",
            "below_range": f"\\boxed{{{low - 1}}}",
            "not_whole": f"\\boxed{{{secret}.5}}",
            "several_boxes": "".join(f"\\boxed{{{secret + d}}}" for d in (-1, 0, 1)),
            "empty_box": "\\boxed{}",
        }

    def hint(self) -> list[Message]:
        return [Message("user", f"Hint: my number is {self.task.reference}.")]
