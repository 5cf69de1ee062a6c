r"""``make_verifier("math")``: is the final answer of a completion equal to the reference?

1. Extract the answer with the configured strategies, in order: ``boxed`` (every ``\boxed{}``;
   several different ones score 0 unless the reference is a list of that many answers),
   ``answer_is`` ("the answer is ..."), ``gsm8k`` (``#### 42``), ``last_number``.
2. Parse answer and reference with ``envgym.verify.latex`` (no eval; bounded).
3. Compare the structures (``mathcompare.equivalent``) with the fast numeric judge. Only when it
   cannot decide does the verifier run sympy, in a worker process killed at the time bound.

The fast path is ``quick_verify`` (run inline by ``Guarded``), the full one ``verify``.
An answer or reference that does not parse is compared as normalised text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, ClassVar

from envgym.types import Verdict
from envgym.verify.extract import boxed_contents, final_number
from envgym.verify.latex import ParseError, parse
from envgym.verify.mathcompare import Options, equivalent, numeric_judge

STRATEGIES = ("boxed", "answer_is", "gsm8k", "last_number")
# A lookahead, so overlapping matches count: in "Final Answer: The final answer is 3" the last wins.
_ANSWER_IS = re.compile(r"(?=(?:final answer|answer)\s*(?:is|:|=)\s*:?\s*([^\n]+))", re.I)
_GSM8K = re.compile(r"####\s*([^\n]+)")
MAX_ANSWER_CHARS = 2_000


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


def _first_sentence(text: str) -> str:
    """'$3$. I hope it is correct.' -> '3': the answer ends with its math or its sentence."""
    text = text.strip()
    if text.startswith("$"):
        end = text.find("$", 1 if not text.startswith("$$") else 2)
        if end > 0:
            return text[: end + 1].strip("$ ")
    return re.split(r"\.\s|\.$", text, maxsplit=1)[0].strip()


@dataclass(frozen=True)
class MathVerifier:
    r"""Mathematical equivalence of the final answer and the reference.

    rel_tol: relative tolerance used when either side is a decimal or irrational.
    strict: no unit or prose stripping, no percent conversion, no equation-to-value.
    extract: answer extraction strategies, tried in order.

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
    extract: tuple[str, ...] = STRATEGIES

    def __post_init__(self) -> None:
        unknown = set(self.extract) - set(STRATEGIES)
        if unknown or not self.extract:
            raise ValueError(f"math verifier: extract strategies must be among {STRATEGIES}, got {self.extract}")

    def quick_verify(self, completion: str, reference: Any) -> Verdict | None:
        """The bounded fast path; None when only sympy can decide."""
        return self._judge(completion, reference, symbolic=False)

    def verify(self, completion: str, reference: Any) -> Verdict:
        return self._judge(completion, reference, symbolic=True)

    def _judge(self, completion: str, reference: Any, symbolic: bool) -> Verdict | None:
        ref_text = str(reference)
        ref = _parsed(ref_text, self.strict)
        answer = self.extract_answer(completion, ref)
        if isinstance(answer, Verdict):
            return answer
        if len(answer) > MAX_ANSWER_CHARS:
            return Verdict.fail(f"answer longer than {MAX_ANSWER_CHARS} characters")
        got = _parsed(answer, self.strict)
        details = {"answer": answer[:200]}
        if isinstance(got, str) or isinstance(ref, str):
            same = _text_key(answer) == _text_key(ref_text)
            reason = "correct (text match)" if same else f"not equivalent (compared as text: {got if isinstance(got, str) else ref})"
            return Verdict(float(same), same, reason, None, details)
        opts = Options(self.rel_tol, self.strict)
        result = equivalent(got, ref, opts, numeric_judge)
        if result is None:
            if not symbolic:
                return None
            from envgym.verify.mathsympy import sympy_judge

            result = equivalent(got, ref, opts, sympy_judge)
            if result is None:
                return Verdict(0.0, False, "could not decide equivalence", None, details)
        return Verdict(1.0, True, "correct", None, details) if result else Verdict(0.0, False, "not equivalent", None, details)

    def extract_answer(self, completion: str, reference_tree: tuple | str = ()) -> str | Verdict:
        """The final answer's text, or a failing Verdict saying why there is none."""
        for strategy in self.extract:
            if strategy == "boxed":
                boxes = [b.strip() for b in boxed_contents(completion)]
                if not boxes:
                    continue
                if "" in boxes:
                    return Verdict.fail(r"empty \boxed{}")
                distinct = list(dict.fromkeys(boxes))
                if len(distinct) == 1:
                    return distinct[0]
                wanted = len(reference_tree[1]) if isinstance(reference_tree, tuple) and reference_tree[:1] in (("list",), ("set",)) else 1
                if len(distinct) == wanted:
                    return ", ".join(distinct)
                return Verdict.fail(f"{len(distinct)} different boxed answers", answers=distinct[:8])
            if strategy == "answer_is":
                found = _ANSWER_IS.findall(completion)
                if found:
                    return _first_sentence(found[-1])
            elif strategy == "gsm8k":
                found = _GSM8K.findall(completion)
                if found:
                    return found[-1].strip()
            elif strategy == "last_number":
                number = final_number(completion)
                if number is not None:
                    return number
        return Verdict.fail("no answer found")
