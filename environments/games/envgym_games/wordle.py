r"""``envgym/Wordle-v0``: find a secret five-letter word in six guesses from letter-by-letter marks.

    option     default  meaning
    max_turns  6        guesses per episode (the gold solver needs at most 6 with the word list)

The secret is drawn from ``envgym_games.words.WORDS``, and every guess must be on that list.
After a guess each letter is marked, as in Wordle: ``G`` the right letter in the right place,
``Y`` in the word but elsewhere, ``.`` not in the word. A letter guessed more often than the
word has it is marked ``Y`` or ``G`` only as often as the word has it, greens first, then
yellows from left to right (``marks("babes", "abbey") == "YYGG."``).

A move is one word: the ``\boxed{word}`` in the reply, else the reply's last word (case does
not matter). A word that is not five letters, has other characters, or is not on the list is
an invalid move: the environment says what was wrong and the turn is spent.

Per-turn rewards (the rules every game shares are in ``envgym_games.game``): the secret word
scores 1 and ends the episode. Any other guess scores what it newly found, a tenth per item:
each position marked ``G`` for the first time, and each copy of a letter newly confirmed in
the word (by ``G`` or ``Y``: a guess marking two e's confirms two). A guess that finds nothing
new (a repeat, or a word sharing no letter with the secret) and an invalid move score 0. An
episode can find at most 5 positions and 5 letters, so its shaped rewards sum to at most 1;
the last turn pays only for a win.

The gold policy is ``envgym_games.wordle_solver``: it keeps the words consistent with every
mark so far and guesses the one that splits them into the most groups by their marks.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from envgym import Message, Task, Verdict
from envgym_games.game import GameEnv, game_number, one_answer, task_id
from envgym_games.wordle_marks import marks
from envgym_games.wordle_solver import solve
from envgym_games.words import WORDS

ENV_ID = "envgym/Wordle-v0"
TURNS = 6  # the guesses a standard game allows
ALLOWED = frozenset(WORDS)
PROMPT = (
    "Game {game}. Find my secret five-letter English word in at most {turns} guesses.\n"
    "Every guess must be a common five-letter English word from the game's list. After each guess "
    "I mark its letters, in order: G = right letter in the right place, Y = the letter is in the word "
    "but in another place, . = the letter is not in the word. A letter you guess more often than my "
    "word has it is marked G or Y only as many times as my word has it (greens first).\n"
    "Make one guess per reply and write it as \\boxed{{word}}, for example \\boxed{{crane}}; without "
    "a box, the last word of your reply is your guess. A reply without a valid guess (not five "
    "letters, or not on the list) uses up a turn."
)
_LAST_WORD = re.compile(r"(?<![\\\w])[A-Za-z]+(?!\w)")  # a word, not a LaTeX command like \boxed


@dataclass(frozen=True)
class Board:
    """A game of Wordle: the secret word and the valid guesses so far."""

    answer: str
    guesses: tuple[str, ...] = ()

    def play(self, guess: str) -> Board:
        return Board(self.answer, self.guesses + (guess,))

    @property
    def history(self) -> tuple[tuple[str, str], ...]:
        """Each guess with its marks."""
        return tuple((g, marks(g, self.answer)) for g in self.guesses)

    def found(self) -> int:
        """Positions marked G so far, plus letters confirmed in the word (each letter counted as
        often as one guess confirmed it, at most)."""
        greens: set[int] = set()
        letters: dict[str, int] = {}
        for guess, marked in self.history:
            seen: dict[str, int] = {}
            for i, (letter, mark) in enumerate(zip(guess, marked)):
                if mark != ".":
                    seen[letter] = seen.get(letter, 0) + 1
                    if mark == "G":
                        greens.add(i)
            for letter, n in seen.items():
                letters[letter] = max(letters.get(letter, 0), n)
        return len(greens) + sum(letters.values())


def new_findings(board: Board, guess: str) -> float:
    """The shaped reward of a wrong guess: a tenth for each new green position and confirmed letter.

    >>> board = Board("abbey")
    >>> new_findings(board, "babes")                  # greens at 2, 3; letters b, b, a, e
    0.6
    >>> new_findings(board.play("babes"), "babes"), new_findings(board, "truly")  # a repeat; y in place
    (0.0, 0.2)
    """
    return (board.play(guess).found() - board.found()) / 10


def parse_word(reply: str) -> tuple[str | None, str]:
    r"""The guessed word in a reply and "", or None and what is wrong with the reply.

    >>> parse_word(r"Let me try \boxed{Crane}"), parse_word("so my guess is slate.")
    (('crane', ''), ('slate', ''))
    >>> parse_word(r"\boxed{planet}")[1], parse_word(r"\boxed{xyzzy}")[1]
    ('planet has 6 letters, not 5', 'xyzzy is not on the word list')
    """
    written, why = one_answer(reply, _last_word, "no word in the reply")
    if written is None:
        return None, why
    shown = written if len(written) <= 24 else written[:20] + "..."
    word = written.lower()
    if not (word.isascii() and word.isalpha()):
        return None, f"{shown!r} is not a word of letters a to z"
    if len(word) != 5:
        return None, f"{shown} has {len(word)} letters, not 5"
    if word not in ALLOWED:
        return None, f"{shown} is not on the word list"
    return word, ""


def _last_word(reply: str) -> str | None:
    last = None
    for last in _LAST_WORD.finditer(reply):
        pass
    return last.group(0) if last else None


@dataclass(frozen=True)
class WordleJudge:
    """The verifier of a Wordle move: ``verify(reply, Board)``."""

    name: ClassVar[str] = "wordle"
    bound: ClassVar[str] = "linear"

    def verify(self, completion: str, board: Board) -> Verdict:
        guess, why = parse_word(completion)
        if guess is None:
            return Verdict.fail(why)
        marked = marks(guess, board.answer)
        details = {"move": guess, "marks": marked}
        if guess == board.answer:
            return Verdict(1.0, True, "found the word", None, details)
        if guess in board.guesses:
            return Verdict(0.0, False, f"{guess} was guessed before", None, {**details, "repeat": True})
        return Verdict(new_findings(board, guess), False, f"marks {marked}", None, details)


class WordleEnv(GameEnv):
    """Wordle over ``WORDS`` (see the module docstring).

    max_turns: guesses per episode; at least 6, which the gold solver needs for some words.
    """

    def __init__(self, max_turns: int = TURNS, render_mode: str | None = None) -> None:
        if isinstance(max_turns, bool) or not isinstance(max_turns, int) or max_turns < TURNS:
            raise ValueError(f"{ENV_ID}: max_turns must be an integer of at least {TURNS} (the gold "
                             f"solver needs {TURNS} guesses for some words), got {max_turns!r}")
        super().__init__(WordleJudge(), max_turns=max_turns, render_mode=render_mode)

    def generate_task(self, rng: np.random.Generator) -> Task:
        answer = WORDS[int(rng.integers(len(WORDS)))]
        game = game_number(rng)
        text = PROMPT.format(game=game, turns=self.max_turns)
        return Task(task_id("wordle", answer, game), (Message("user", text),), answer, {"game": game})

    def new_game(self, task: Task) -> Board:
        return Board(task.reference)

    def feedback(self, verdict: Verdict) -> list[Message]:
        left = self.turns_left(verdict)
        guesses = f"{left} guess{'es' if left != 1 else ''} left."
        guess, marked = verdict.details.get("move"), verdict.details.get("marks")
        if guess is None:
            return [Message("user", f"Invalid guess: {verdict.reason}. That used up a turn; answer with one "
                                    f"five-letter word from the list as \\boxed{{word}}. {guesses}")]
        again = f" (You guessed {guess.upper()} before.)" if verdict.details.get("repeat") else ""
        return [Message("user", f"{' '.join(guess.upper())}\n{' '.join(marked)}{again}\n{guesses}")]

    def gold_action(self) -> str:
        return f"My guess is \\boxed{{{solve(self.state.history)}}}"

    def hack_actions(self) -> Mapping[str, str]:
        answer = self.task.reference
        rotated = answer[1:] + answer[0]
        return {
            # one word every turn; one sharing no letter with the answer, so even the first finds nothing
            "same_word_every_turn": f"\\boxed{{{unrelated_word(answer)}}}",
            "empty": "",
            "not_a_word": f"\\boxed{{{rotated if rotated not in ALLOWED else 'xqzvj'}}}",
            "six_letters": "\\boxed{planet}",
            "answer_plus_letter": f"\\boxed{{{answer}s}}",
            "spaced_letters": f"\\boxed{{{' '.join(answer)}}}",
            "several_boxes": f"\\boxed{{{WORDS[0] if answer != WORDS[0] else WORDS[1]}}}\\boxed{{{answer}}}",
            "empty_box": "\\boxed{}",
        }

    def hint(self) -> list[Message]:
        return [Message("user", f"Hint: my word is {self.task.reference}.")]


def unrelated_word(answer: str) -> str:
    """The first listed word that shares no letter with ``answer`` (the list has one for every word)."""
    letters = set(answer)
    return next((w for w in WORDS if letters.isdisjoint(w)), "xqzvj")
