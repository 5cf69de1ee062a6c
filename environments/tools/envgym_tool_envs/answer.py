"""Short-answer scoring for question answering: exact match and token F1 after normalising.

The answer is what the completion puts in ``<answer>...</answer>``. Every answer tag must hold
the same text (several different ones score 0, as stuffed ``\\boxed{}`` answers do elsewhere),
and a completion without the tag scores 0: naming the right entity somewhere in the reasoning
is not answering.

Normalisation (SQuAD's, plus accents): case folded, accents dropped, punctuation removed, the
articles "a", "an" and "the" removed, white space collapsed.

>>> normalize("The  Harbour-Bank!")
'harbour bank'
>>> token_f1("Halloran & Vey", "Halloran and Vey")
0.8
"""

from __future__ import annotations

import re
import string
import unicodedata
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar, Literal, get_args

from envgym import Verdict

RewardMode = Literal["exact", "f1"]
REWARD_MODES: tuple[str, ...] = get_args(RewardMode)
OPEN, CLOSE = "<answer>", "</answer>"
MAX_ANSWER_CHARS = 500

_PUNCT = re.compile(f"[{re.escape(string.punctuation)}‘’“”–—…]")
_ARTICLES = re.compile(r"\b(a|an|the)\b")


def normalize(text: str) -> str:
    """Case, accents, punctuation, articles and white space folded away (see the module docstring)."""
    text = unicodedata.normalize("NFKD", text.casefold())
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = _ARTICLES.sub(" ", _PUNCT.sub(" ", text))
    return " ".join(text.split())


def exact_match(prediction: str, reference: str) -> bool:
    return normalize(prediction) == normalize(reference)


def token_f1(prediction: str, reference: str) -> float:
    """The harmonic mean of token precision and recall between the normalised texts."""
    pred, ref = normalize(prediction).split(), normalize(reference).split()
    common = sum((Counter(pred) & Counter(ref)).values())
    if not common:
        return 0.0
    precision, recall = common / len(pred), common / len(ref)
    return 2 * precision * recall / (precision + recall)


def extract_answer(completion: str) -> tuple[str | None, str]:
    """The answer in the completion's ``<answer>`` tags, or None and why there is none.

    Linear time: the text is split on the opening tag once, and each piece searched once.
    """
    pieces = completion.split(OPEN)[1:]
    closed = [p[: p.find(CLOSE)] for p in pieces if CLOSE in p]
    if not closed:
        return None, f"no answer: put the final answer in {OPEN}...{CLOSE}"
    answers = {" ".join(a.split()) for a in closed}
    if len(answers) > 1:
        return None, f"{len(answers)} different answers in {OPEN} tags"
    answer = answers.pop()
    if not normalize(answer):
        return None, "empty answer"
    if len(answer) > MAX_ANSWER_CHARS:
        return None, f"the answer is {len(answer)} characters long; answers are short names or phrases"
    return answer, ""


@dataclass(frozen=True)
class AnswerMatch:
    """Scores ``<answer>`` against a reference answer and its accepted aliases.

    reward: "exact" (1 on an exact match after normalising, else 0) or "f1" (the best token F1
        against any accepted answer: partial credit). Either way the verdict is ``correct`` only
        on an exact match.
    """

    name: ClassVar[str] = "answer-match"
    bound: ClassVar[str] = "linear"
    reward: RewardMode = "exact"

    def __post_init__(self) -> None:
        if self.reward not in REWARD_MODES:
            raise ValueError(f"reward must be one of {list(REWARD_MODES)}, got {self.reward!r}")

    def verify(self, completion: str, reference: str | Sequence[str]) -> Verdict:
        accepted = [reference] if isinstance(reference, str) else list(reference)
        answer, problem = extract_answer(completion)
        if answer is None:
            return Verdict.fail(problem)
        if any(exact_match(answer, a) for a in accepted):
            return Verdict(1.0, True, "correct", None, {"answer": answer, "f1": 1.0})
        f1 = max(token_f1(answer, a) for a in accepted)
        reward = f1 if self.reward == "f1" else 0.0
        return Verdict(reward, False, f"wrong answer (token F1 {f1:.2f})", None, {"answer": answer[:100], "f1": f1})
