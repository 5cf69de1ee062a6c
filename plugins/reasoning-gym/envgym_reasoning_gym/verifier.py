"""reasoning-gym's own scorer as an envgym verifier that never raises and never hangs.

The reply's answer is the text inside its last ``<answer>...</answer>`` tag, as in
reasoning-gym's own evaluation (``reasoning_gym.utils.extract_answer``); a reply without a
complete tag scores 0 without reaching the scorer. The answer then goes to the dataset's
``score_answer(answer, entry)`` (``Pool.score``: for ``game_of_life_halting``, whose scorer pays
any non-empty answer, a corrected one), whose float is the reward (clipped to [0, 1]); it is
correct at 1. A score of at most 0.05, the crumbs many scorers pay for any answer, is 0 unless the
environment keeps participation credit (``envgym_reasoning_gym.participation``).

The scorers are arbitrary Python (sympy, simulations, parsers), so the verifier is bound
``"process"``: envgym's ``Guarded`` runs it in a worker process killed after ``timeout_s``, the
same guard envgym's own verifiers run under (the bound covers the whole call). Two cases are
decided inline first (``quick_verify``) and cost nothing: a reply without a complete tag, and an
answer naming a number too large for exact arithmetic (``2**2**2**2**2**2``, ``9^9^9^9``:
``envgym.verify.bignum``), which scorers that evaluate answers would compute until killed.
The worker builds the dataset from its ``PoolKey`` once (``load_pool``) and keeps it.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from numbers import Real
from typing import Any, ClassVar

from envgym import Verdict
from envgym.verify.bignum import too_large
from envgym_reasoning_gym.participation import without_participation
from envgym_reasoning_gym.pool import PoolKey, load_pool

TAG = "answer"
_OPEN, _CLOSE = f"<{TAG}>", f"</{TAG}>"


def extract_answer(reply: str) -> str | None:
    """The stripped text of the last ``<answer>...</answer>`` in ``reply``, or None; linear time.

    reasoning-gym's ``extract_answer`` finds the same answer in any reply whose tags pair up; its
    lazy regex is quadratic on a reply of many unclosed tags, so it is not used on model output.

    >>> extract_answer("think... <answer> 42 </answer>")
    '42'
    >>> extract_answer("<answer>1</answer> no, <answer>2</answer>")
    '2'
    >>> extract_answer("<answer></answer>"), extract_answer("42"), extract_answer("<answer>42")
    ('', None, None)
    """
    close = reply.rfind(_CLOSE)
    if close < 0:
        return None
    start = reply.rfind(_OPEN, 0, close)
    if start < 0:
        return None
    return reply[start + len(_OPEN) : close].strip()


def verdict_from_score(score: Any, answer: str, participation_credit: bool = False) -> Verdict:
    """A Verdict from a scorer's return value: the reward is the score clipped to [0, 1], and 0
    where it is participation credit (``envgym_reasoning_gym.participation``) unless
    ``participation_credit`` keeps it.

    >>> verdict_from_score(1.0, "42").correct, verdict_from_score(0.5, "x").reward
    (True, 0.5)
    >>> verdict_from_score(0.01, "x").reason, verdict_from_score(0.01, "x", participation_credit=True).reward
    ("participation credit 0.01 from the dataset's scorer, scored 0 (participation_credit=False)", 0.01)
    >>> verdict_from_score(float("nan"), "x").reason
    'the scorer returned nan, not a score'
    """
    if isinstance(score, bool) or not isinstance(score, Real) or math.isnan(score):
        return Verdict.fail(f"the scorer returned {score!r}, not a score", answer=answer)
    reward = min(max(float(score), 0.0), 1.0)
    if reward >= 1.0:
        return Verdict(1.0, True, "correct", None, {"answer": answer})
    if reward > 0.0 and not participation_credit and without_participation(reward) == 0.0:
        reason = f"participation credit {reward:g} from the dataset's scorer, scored 0 (participation_credit=False)"
        return Verdict(0.0, False, reason, None, {"answer": answer, "upstream_score": reward})
    reason = "wrong answer" if reward == 0.0 else f"partial credit {reward:g} from the dataset's scorer"
    return Verdict(reward, False, reason, None, {"answer": answer})


class ReasoningGymScorer:
    """Scores a reply against a reasoning-gym entry (the reference) with its dataset's scorer.

    participation_credit: keep the scorers' crumbs for any answer (0.01-0.05) instead of 0.
    """

    name: ClassVar[str] = "reasoning-gym"
    bound: ClassVar[str] = "process"

    def __init__(self, pool: PoolKey, participation_credit: bool = False) -> None:
        self.pool = pool
        self.participation_credit = participation_credit

    def quick_verify(self, completion: str, entry: Mapping[str, Any]) -> Verdict | None:
        """Decide inline when the reply has no complete answer tag or names a number too large to
        compute (``2**2**2**2**2**2``: a scorer that evaluates it would run until killed); None
        sends it to the scorer."""
        answer = extract_answer(completion)
        if answer is None:
            return Verdict.fail(f"no {_OPEN}...{_CLOSE} in the reply")
        huge = too_large(answer)
        if huge is not None:
            return Verdict.fail(f"the answer holds {huge}, too large to score", answer=answer[:200])
        return None

    def verify(self, completion: str, entry: Mapping[str, Any]) -> Verdict:
        quick = self.quick_verify(completion, entry)
        if quick is not None:
            return quick
        answer = extract_answer(completion)
        score = load_pool(self.pool).score(answer, entry)
        return verdict_from_score(score, answer, self.participation_credit)

    def __repr__(self) -> str:
        return f"ReasoningGymScorer({self.pool.dataset!r}, participation_credit={self.participation_credit})"
