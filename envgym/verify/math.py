r"""``make_verifier("math")``: is the final answer of a completion equal to the reference?

1. Read the gold as carefully as the answer (``gold_answer``): math delimiters (``$``, ``$$``,
   ``\(``, ``\)``, ``\[``, ``\]``), ``\boxed{}``, GSM8K's ``####`` and trailing punctuation go; a gold
   that still does not parse is a dataset problem, reported once per gold (a ``DatasetWarning``)
   and named in every verdict's reason, then compared as normalised text.
2. Find the completion's final answer by the verifier's extraction mode (``envgym.verify.final``):
   ``final-answer`` (boxes, then answer phrases, then the closing sentence's math, then a lone
   last number; never a number out of an interval, set, tuple or equation) or ``boxed`` (boxes
   only, for RL format pressure).
3. Parse both with ``envgym.verify.latex`` (no eval; bounded), compare the structures
   (``mathcompare.equivalent``) with the fast numeric judge, and only when it cannot decide run
   sympy in a worker process killed at the time bound. An undecided answer (or gold) holding a
   number too large for exact arithmetic (``10^{10^{10}}``, ``9^{9^{9^9}}``, ``((10!)!)!``:
   ``envgym.verify.bignum``) never reaches sympy: it scores 0 at once, "too large to compare".

A decimal comma is read as one where it cannot be anything else ("3,5" against a gold that is one
number; "1,250" is one thousand two hundred and fifty). The verdict's reason says what was
compared: "gold '$[0,1)$' read as interval [0, 1); answer '1' (last number) read as number 1".

The fast path is ``quick_verify`` (run inline by ``Guarded``), the full one ``verify``.
"""

from __future__ import annotations

import re
import threading
import warnings
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, ClassVar

from envgym.types import Verdict
from envgym.verify.bignum import too_large
from envgym.verify.extract import boxed_contents
from envgym.verify.final import MODES, choice_letter, closing_words, final_answer, number_words
from envgym.verify.latex import ParseError, describe, parse
from envgym.verify.mathcompare import Options, equivalent, numeric_judge

MAX_ANSWER_CHARS = 2_000
_GSM8K = re.compile(r"####\s*(.+)$", re.S)
_DELIMITED = re.compile(r"\s*(?:\$\$(.*)\$\$|\$(.*)\$|\\\((.*)\\\)|\\\[(.*)\\\])\s*[.,;]?\s*", re.S)
_WORDS = re.compile(r"[\sA-Za-z().,:'\\-]*")
_DECIMAL_COMMA = re.compile(r"[-−]?\d+,(?:\d{1,2}|\d{4,})")


class DatasetWarning(UserWarning):
    """A gold answer the math verifier cannot read: a problem of the dataset, not of the policy."""


_reported: set[str] = set()
_reported_lock = threading.Lock()


def _report_gold(gold: str, why: str) -> None:
    """Warn once per gold (per process) that it is not math the verifier reads."""
    with _reported_lock:
        if gold in _reported or len(_reported) > 100_000:
            return
        _reported.add(gold)
    warnings.warn(f"math verifier: the gold {gold[:120]!r} is not math it can read ({why}); "
                  "it is compared as text: check the dataset", DatasetWarning, stacklevel=3)


def gold_answer(reference: str) -> str:
    r"""The answer inside a gold as datasets store it: delimiters, ``\boxed{}``, ``####`` and end punctuation gone.

    >>> gold_answer(r"$\frac{1}{2}$."), gold_answer(r"\(x=3\)"), gold_answer(r"\boxed{5}"), gold_answer("#### 1,200")
    ('\\frac{1}{2}', 'x=3', '5', '1,200')
    """
    text = reference.strip()
    found = _GSM8K.search(text)
    if found:
        text = found.group(1).strip()
    boxes = list(dict.fromkeys(b.strip() for b in boxed_contents(text)))
    if len(boxes) == 1:
        text = boxes[0]
    for _ in range(3):
        whole = _DELIMITED.fullmatch(text)
        if whole is None:
            break
        text = next(g for g in whole.groups() if g is not None).strip()
    return text.rstrip(" .;,").strip()


@lru_cache(maxsize=8192)
def _parsed(text: str, strict: bool) -> tuple | str:
    """The tree of an answer, or the reason it does not parse (cached: references repeat)."""
    try:
        return parse(text, strict)
    except ParseError as exc:
        return str(exc)


_TEXT_WRAPPER = re.compile(r"\\(?:text|textbf|textrm|mathrm|mbox)\s*\{([^{}]*)\}")


def _text_key(text: str) -> str:
    """A textual answer's comparison key: wrappers, dollars, spaces and case dropped."""
    key = _TEXT_WRAPPER.sub(r"\1", text).replace("$", "").replace("\\left", "").replace("\\right", "")
    key = re.sub(r"\s+", "", key).casefold().rstrip(".")
    if len(key) > 2 and key[0] == "(" and key[-1] == ")":
        key = key[1:-1]
    return key


_CHOICE_GOLD = re.compile(r"\s*(?:\(\s*([A-E])\s*\)|([A-E]))(?:\s+(.*)|\s*)", re.S)


def _gold_choice(gold: str) -> tuple[str | None, str]:
    r"""A multiple-choice gold's letter and the value after it: "(B)", "B", "$\textbf{(B)}\ 12$" -> ("B", "12").

    >>> _gold_choice(r"\textbf{(B)}\ 12"), _gold_choice("(C)"), _gold_choice("12")
    (('B', '12'), ('C', ''), (None, ''))
    """
    text = re.sub(r"\\(?:text\w*|math\w*)\s*\{([^{}]*)\}", r"\1", gold).replace("\\ ", " ").replace("~", " ")
    found = _CHOICE_GOLD.fullmatch(text)
    if found is None:
        return None, ""
    return found.group(1) or found.group(2), (found.group(3) or "").strip()


def _items(tree: tuple | str) -> int:
    return len(tree[1]) if isinstance(tree, tuple) and tree[0] in ("list", "set") else 1


@dataclass(frozen=True)
class MathVerifier:
    r"""Mathematical equivalence of the final answer and the reference.

    rel_tol: relative tolerance used when either side is a decimal or irrational.
    strict: no unit or prose stripping, no percent conversion, no equation-to-value.
    mode: how the final answer is found (``envgym.verify.final``): ``final-answer`` (boxed or
        not, by a stated priority) or ``boxed`` (only boxes count).

    >>> v = MathVerifier()
    >>> v.verify(r"so the answer is \boxed{\dfrac{1}{2}}", "0.5").correct
    True
    >>> v.verify(r"\boxed{x = 3}", "3").correct, v.verify(r"\boxed{(2, 1)}", "(1,2)").correct
    (True, False)
    """

    name: ClassVar[str] = "math"
    bound: ClassVar[str] = "process"
    rel_tol: float = 1e-6
    strict: bool = False
    mode: str = "final-answer"

    def __post_init__(self) -> None:
        if self.mode not in MODES:
            raise ValueError(f"math verifier: mode must be one of {MODES}, got {self.mode!r}")

    def quick_verify(self, completion: str, reference: Any) -> Verdict | None:
        """The bounded fast path; None when only sympy can decide."""
        return self._judge(completion, reference, symbolic=False)

    def verify(self, completion: str, reference: Any) -> Verdict:
        return self._judge(completion, reference, symbolic=True)

    def _judge(self, completion: str, reference: Any, symbolic: bool) -> Verdict | None:
        gold = str(reference)
        gold_text = gold_answer(gold)
        ref = _parsed(gold_text, self.strict)
        if isinstance(ref, str) and not _WORDS.fullmatch(_TEXT_WRAPPER.sub(r"\1", gold_text)):
            _report_gold(gold, ref)  # words ("even", "(C)") are answers compared as text, not a problem
        answer, how = final_answer(completion, self.mode, _items(ref))
        letter, value = _gold_choice(gold_text) if not self.strict else (None, "")
        if letter is not None:  # a multiple-choice gold: the letters are compared, or the value when no letter is given
            said = choice_letter(answer) if answer is not None else None
            if said is None and answer is None and self.mode != "boxed":
                said = choice_letter(closing_words(completion) or "")
            if said is not None or not value:
                same = said == letter
                reason = f"gold {gold[:80]!r} read as choice {letter}; answer read as " + (f"choice {said}" if said else "no choice")
                return Verdict(float(same), same, ("correct: " if same else "not equivalent: ") + reason, None,
                               {"answer": said or (answer or "")[:200], "extracted_by": how})
            gold_text, ref = value, _parsed(value, self.strict)
        elif answer is None and self.mode != "boxed" and isinstance(ref, str) and _WORDS.fullmatch(_TEXT_WRAPPER.sub(r"\1", gold_text)):
            answer, how = closing_words(completion), "closing words"  # an answer in words ("Devon", "even")
        if answer is None:
            return Verdict.fail(how or "no answer found")
        if len(answer) > MAX_ANSWER_CHARS:
            return Verdict.fail(f"answer longer than {MAX_ANSWER_CHARS} characters")
        if not self.strict and _WORDS.fullmatch(answer) and (digits := number_words(answer)) is not None:
            answer, how = digits, f"{how}, number words"
        got = _parsed(answer, self.strict)
        if (not self.strict and isinstance(got, tuple) and got[0] == "list" and isinstance(ref, tuple)
                and ref[0] not in ("list", "set", "tuple", "interval") and _DECIMAL_COMMA.search(answer)):
            comma = _DECIMAL_COMMA.search(answer)
            decimal = _parsed(answer[: comma.start()] + comma.group(0).replace(",", ".") + answer[comma.end():], self.strict)
            if isinstance(decimal, tuple):  # "3,5" read as 3.5: the gold is one number, so it is no list
                got, how = decimal, f"{how}, decimal comma"
        details = {"answer": answer[:200], "extracted_by": how}
        read_gold = f"gold {gold[:80]!r}"
        read_answer = f"answer {answer[:80]!r} ({how})"
        if isinstance(ref, str):
            same = _text_key(answer) == _text_key(gold_text)
            reason = (f"{read_gold} is not math this verifier reads ({ref}): a dataset problem; compared as text "
                      f"with {read_answer}: {'the same' if same else 'different'}")
            return Verdict(float(same), same, ("correct: " if same else "not equivalent: ") + reason, None, details)
        if isinstance(got, str):
            return Verdict(0.0, False, f"not equivalent: {read_answer} is not math this verifier reads ({got}); "
                                       f"{read_gold} read as {describe(ref)}", None, details)
        opts = Options(self.rel_tol, self.strict)
        result = equivalent(got, ref, opts, numeric_judge)
        compared = f"{read_gold} read as {describe(ref)}; {read_answer} read as {describe(got)}"
        if result is None:
            huge = too_large(answer) or too_large(gold_text)
            if huge is not None:  # exact arithmetic would run until killed: decided here, at once
                return Verdict(0.0, False, f"could not decide equivalence: {huge} is too large to compare exactly; "
                                           f"{compared}", None, details)
            if not symbolic:
                return None
            from envgym.verify.mathsympy import sympy_judge

            result = equivalent(got, ref, opts, sympy_judge)
        if result is None:
            return Verdict(0.0, False, f"could not decide equivalence: {compared}", None, details)
        return Verdict(1.0, True, f"correct: {compared}", None, details) if result else \
            Verdict(0.0, False, f"not equivalent: {compared}", None, details)

    def extract_answer(self, completion: str, reference: Any = "") -> str | Verdict:
        """The final answer's text under this verifier's mode, or a failing Verdict saying why there is none."""
        ref = _parsed(gold_answer(str(reference)), self.strict) if reference != "" else ""
        answer, how = final_answer(completion, self.mode, _items(ref))
        return answer if answer is not None else Verdict.fail(how or "no answer found")
