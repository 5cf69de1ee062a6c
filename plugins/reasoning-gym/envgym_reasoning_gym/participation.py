"""Participation credit: what reasoning-gym's scorers pay for any answer, and the rule that zeroes it.

Many scorers pay a small constant to an answer that is wrong, unparseable or empty: countdown,
power_function and a dozen more pay 0.01 for "banana", advanced_geometry 0.05 for any wrong
number, sentence_reordering 0.05 for anything, complex_arithmetic ``exp(-distance)`` to any
number. In a GRPO group, where rewards are compared with each other, such a crumb is signal: a
policy learns to answer something, anything, rather than nothing. envgym scores it 0 by default
(``participation_credit=False``); ``participation_credit=True`` keeps reasoning-gym's scores.

The rule: a score at or below ``PARTICIPATION_LEVEL`` (0.05) is participation credit and becomes
0; a score above it passes through unchanged. Why one level for every dataset, and this one:

- every constant reasoning-gym pays for taking part is 0.01, 0.02 or 0.05
  (``scripts/reasoning_gym_participation.py`` measures it on every dataset and writes the list
  in the plugin's README): the level is the largest of them;
- graded scorers' values at or below 0.05 are for answers far from right (complex_arithmetic's
  0.05 is a distance of 3; calendar_arithmetic pays relative-error credit to any integer), which
  tell a policy no more than a crumb does;
- the graded credit that means something (a share of a sudoku's cells, closeness in
  time_intervals, a trivially valid conclusion in propositional_logic at 0.25) lies above it and
  is kept, as is reasoning-gym's credit for an answer that contains the right one.

A per-dataset level measured from junk answers would miss the crumbs a well-formed wrong answer
earns (advanced_geometry pays 0.01 for junk but 0.05 for a wrong number), and a level between
0.05 and 0.1 would start to cut graded credit.

``junk_scores`` is the measurement: the highest score each of ``JUNK_ANSWERS`` gets on a pool's
first entries (run in a worker process by the script, since scorers may hang).
"""

from __future__ import annotations

from typing import Any

from envgym_reasoning_gym.pool import PoolKey, load_pool

PARTICIPATION_LEVEL = 0.05
#: Answers that no entry has as its answer or inside it (no digits: "42" would contain the answer "2").
JUNK_ANSWERS = ("", "garbage", "banana", "?")


def without_participation(score: float) -> float:
    """``score``, or 0 when it is participation credit (at most ``PARTICIPATION_LEVEL``).

    >>> without_participation(0.01), without_participation(0.05), without_participation(0.06), without_participation(1.0)
    (0.0, 0.0, 0.06, 1.0)
    """
    return 0.0 if score <= PARTICIPATION_LEVEL else score


def junk_scores(dataset: str, entries: int = 8) -> dict[str, Any]:
    """The highest score each junk answer gets on the first ``entries`` entries of ``dataset``
    (seed 0) under its scorer as envgym calls it (``Pool.score``); a scorer that raises counts 0."""
    pool = load_pool(PoolKey.of(dataset, None, 0, entries))
    best: dict[str, Any] = {}
    for answer in JUNK_ANSWERS:
        scores = []
        for index in range(entries):
            try:
                scores.append(float(pool.score(answer, pool.entry(index)) or 0.0))
            except Exception:  # noqa: BLE001 - a scorer raising on junk is a 0, as envgym scores it
                scores.append(0.0)
        best[answer] = max(scores)
    return best
