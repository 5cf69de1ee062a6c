"""Intervals for every number envgym compares, so a report says what is signal and what is noise.

Evaluations are over a fixed set of held-out tasks, and tasks differ far more from each other
than repeated samples of one task do, so the task is the unit of resampling:

- ``wilson``: a proportion of independent yes/no outcomes (greedy pass@1: one answer per task).
  Wilson's score interval, which stays inside [0, 1] and keeps its coverage near 0 and 1.
- ``bootstrap``: any statistic of per-task values (sampled pass@1, unbiased pass@k, a ratio such
  as cost per solved task), by the percentile bootstrap over tasks.
- ``paired_difference``: the change between two policies evaluated on the same tasks, as the
  bootstrap of the mean per-task difference. Pairing removes the task-to-task spread, which is
  what makes a 0.05 change on 200 tasks detectable at all.
- ``mcnemar``: whether paired yes/no outcomes moved one way (the labels a rescore flipped), exactly.
- ``across_seeds``: the spread of a result over independent training runs (Student's t on the
  seed means): what a reader should expect from running the pipeline again.

Every interval is 95% and every bootstrap is seeded: the same numbers give the same interval.

>>> print(wilson(5, 10))
0.500 [0.237, 0.763]
>>> paired_difference([0] * 10 + [1] * 10, [1] * 20).low > 0   # ten tasks gained, none lost
True
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

LEVEL = 0.95
Z95 = 1.959963984540054  # the standard normal's 97.5% quantile
RESAMPLES = 10_000
# The percentile bootstrap is too narrow on a handful of tasks (three tasks that all improved give an
# interval above zero every time): below this many, envgym reports the interval but calls nothing significant.
MIN_TASKS = 20
# Student's t 97.5% quantiles by degrees of freedom (1-30); above 30 the normal's is within 4%.
_T975 = (12.706205, 4.302653, 3.182446, 2.776445, 2.570582, 2.446912, 2.364624, 2.306004, 2.262157, 2.228139,
         2.200985, 2.178813, 2.160369, 2.144787, 2.131450, 2.119905, 2.109816, 2.100922, 2.093024, 2.085963,
         2.079614, 2.073873, 2.068658, 2.063899, 2.059539, 2.055529, 2.051831, 2.048407, 2.045230, 2.042272)


@dataclass(frozen=True)
class Interval:
    """An estimate with its 95% interval; ``method`` says how the interval was made."""

    estimate: float
    low: float
    high: float
    method: str

    def excludes(self, value: float = 0.0) -> bool:
        """Whether ``value`` lies outside the interval (for a difference: the change is beyond noise)."""
        return value < self.low or value > self.high

    @property
    def sign(self) -> int:
        """+1 when the whole interval is above zero, -1 when below, 0 when it holds zero."""
        return 1 if self.low > 0 else -1 if self.high < 0 else 0

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe: an infinite bound (a ratio whose denominator can be zero) is None."""
        finite = lambda x: x if math.isfinite(x) else None  # noqa: E731
        return {"estimate": finite(self.estimate), "low": finite(self.low), "high": finite(self.high), "method": self.method}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Interval:
        """Read ``to_dict`` back: a missing (None) low bound is -inf, a missing high bound or estimate inf."""
        value = lambda x, missing: missing if x is None else float(x)  # noqa: E731
        return cls(value(d["estimate"], math.inf), value(d["low"], -math.inf), value(d["high"], math.inf), d["method"])

    def __str__(self) -> str:
        return self.format()

    def format(self, digits: int = 3) -> str:
        """``0.390 [0.310, 0.470]``; a paired difference shows its signs: ``+0.080 [+0.020, +0.140]``."""
        spec = f"{'+' if self.method.startswith('paired') else ''}.{digits}f"
        num = lambda x: format(x, spec) if math.isfinite(x) else "inf"  # noqa: E731
        return f"{num(self.estimate)} [{num(self.low)}, {num(self.high)}]"


def wilson(successes: int, n: int) -> Interval:
    """Wilson's score interval for ``successes`` out of ``n`` independent trials.

    >>> print(wilson(0, 10))
    0.000 [0.000, 0.278]
    >>> print(wilson(81, 263))
    0.308 [0.255, 0.366]
    """
    if n < 1 or not 0 <= successes <= n:
        raise ValueError(f"wilson needs 0 <= successes <= n and n >= 1, got {successes} of {n}")
    p, z2 = successes / n, Z95 * Z95
    centre = (p + z2 / (2 * n)) / (1 + z2 / n)
    half = Z95 * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / (1 + z2 / n)
    low = 0.0 if successes == 0 else min(p, centre - half)  # exact at the ends, not a rounding error away
    high = 1.0 if successes == n else max(p, centre + half)
    return Interval(p, low, high, "wilson")


def bootstrap(values: Sequence[Any] | np.ndarray, statistic: Callable[[np.ndarray], np.ndarray] | None = None, *,
              resamples: int = RESAMPLES, seed: int = 0, method: str = "bootstrap") -> Interval:
    """Percentile bootstrap over the rows of ``values`` (one row per task).

    statistic: maps an array of resampled rows, shape ``(resamples, n, ...)``, to one value per
    resample, shape ``(resamples,)``; the default is the mean over axis 1. The estimate is the
    statistic of the data as they are.
    """
    data = np.asarray(values, dtype=float)
    if data.shape[0] < 1:
        raise ValueError("bootstrap needs at least one task")
    stat = statistic or (lambda x: x.mean(axis=1))
    estimate = float(stat(data[None])[0])
    rng = np.random.default_rng(seed)
    n, out = data.shape[0], []
    chunk = max(1, min(resamples, 4_000_000 // max(data[0].size * n, 1)))  # bounded memory per chunk
    for start in range(0, resamples, chunk):
        rows = rng.integers(0, n, size=(min(chunk, resamples - start), n))
        out.append(stat(data[rows]))
    draws = np.concatenate(out)
    # an unbounded statistic (a ratio whose resample solved nothing) is infinite: take order statistics, not interpolations
    interpolation = "linear" if np.isfinite(draws).all() else "nearest"
    low, high = np.quantile(draws, [(1 - LEVEL) / 2, (1 + LEVEL) / 2], method=interpolation)
    return Interval(estimate, min(float(low), estimate), max(float(high), estimate), method)


def mean_interval(values: Sequence[float], *, seed: int = 0) -> Interval:
    """The mean of per-task values (sampled pass@1, pass@k estimates, rewards), bootstrapped over tasks."""
    return bootstrap(values, seed=seed)


def ratio_interval(numerators: Sequence[float], denominators: Sequence[float], *, seed: int = 0) -> Interval:
    """sum(numerators) / sum(denominators) over tasks (cost per solved task: cost and solved episodes
    per task), bootstrapped over tasks; infinite where the denominator can be zero."""
    pairs = np.column_stack([np.asarray(numerators, float), np.asarray(denominators, float)])

    def ratio(x: np.ndarray) -> np.ndarray:
        num, den = x[..., 0].sum(axis=1), x[..., 1].sum(axis=1)
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(den > 0, num / np.where(den > 0, den, 1), np.inf)

    return bootstrap(pairs, ratio, seed=seed, method="bootstrap-ratio")


def paired_difference(before: Sequence[float], after: Sequence[float], *, seed: int = 0) -> Interval:
    """The mean per-task change ``after - before`` on the same tasks, bootstrapped over tasks.

    >>> print(paired_difference([0, 1, 0, 1], [1, 1, 0, 1]))
    +0.250 [+0.000, +0.750]
    """
    a, b = np.asarray(before, float), np.asarray(after, float)
    if a.shape != b.shape:
        raise ValueError(f"paired_difference needs the same tasks on both sides, got {a.shape[0]} and {b.shape[0]}")
    return bootstrap(b - a, seed=seed, method="paired-bootstrap")


def mcnemar(lost: int, gained: int) -> float:
    """Exact McNemar test on paired yes/no outcomes: the two-sided p-value that ``lost`` (yes -> no)
    and ``gained`` (no -> yes) discordant pairs come from a change with no direction.

    >>> mcnemar(0, 0), mcnemar(0, 6), round(mcnemar(2, 8), 4)
    (1.0, 0.03125, 0.1094)
    """
    n = lost + gained
    if lost < 0 or gained < 0:
        raise ValueError(f"mcnemar needs counts >= 0, got {lost} and {gained}")
    tail = sum(math.comb(n, i) for i in range(min(lost, gained) + 1)) / 2 ** n
    return min(1.0, 2 * tail)


def across_seeds(values: Sequence[float], bounds: tuple[float, float] = (-math.inf, math.inf)) -> Interval:
    """Mean over independent runs (seeds) with Student's t interval, cut to ``bounds`` (a share
    cannot leave [0, 1]); a single seed has no interval.

    >>> print(across_seeds([0.30, 0.34, 0.38]))
    0.340 [0.241, 0.439]
    """
    x = np.asarray(values, float)
    if x.size < 1:
        raise ValueError("across_seeds needs at least one value")
    mean = float(x.mean())
    if x.size == 1:
        return Interval(mean, bounds[0], bounds[1], "t")
    df = x.size - 1
    t = _T975[df - 1] if df <= len(_T975) else Z95
    half = t * float(x.std(ddof=1)) / math.sqrt(x.size)
    return Interval(mean, max(bounds[0], mean - half), min(bounds[1], mean + half), "t")
