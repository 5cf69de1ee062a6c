"""Intervals against hand-computed values, exact bootstrap distributions and the peers (statsmodels, scipy)."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest

from envgym.stats import Interval, across_seeds, bootstrap, paired_difference, ratio_interval, wilson


@pytest.mark.parametrize("successes,n,low,high", [
    # Newcombe (1998), "Two-sided confidence intervals for the single proportion", table I, the score method
    (81, 263, 0.2553, 0.3662),
    (15, 148, 0.0624, 0.1605),
    (0, 20, 0.0, 0.1611),
    (1, 29, 0.0061, 0.1718),
    (5, 10, 0.2366, 0.7634),   # worked by hand
])
def test_wilson_against_hand_computed_values(successes, n, low, high):
    iv = wilson(successes, n)
    assert iv.estimate == successes / n
    assert (iv.low, iv.high) == pytest.approx((low, high), abs=1e-4)


def test_wilson_by_its_formula_and_against_statsmodels():
    proportion_confint = pytest.importorskip("statsmodels.stats.proportion").proportion_confint
    for n in (1, 7, 100, 713):
        for successes in sorted({0, 1, n // 3, n // 2, n - 1, n}):
            iv = wilson(successes, n)
            assert (iv.low, iv.high) == pytest.approx(proportion_confint(successes, n, alpha=0.05, method="wilson"), abs=1e-9)
            # by hand: the roots in p of (p_hat - p)^2 = z^2 p (1 - p) / n
            z, p_hat = 1.959963984540054, successes / n
            a, b, c = 1 + z * z / n, -(2 * p_hat + z * z / n), p_hat * p_hat
            root = math.sqrt(max(b * b - 4 * a * c, 0.0))
            assert (iv.low, iv.high) == pytest.approx(((-b - root) / (2 * a), (-b + root) / (2 * a)), abs=1e-9)
    with pytest.raises(ValueError):
        wilson(3, 2)


def exact_quantiles(values, q):
    """The percentile bootstrap's limits from the exact distribution of the resampled mean (all n^n resamples)."""
    n = len(values)
    means = sorted(sum(values[i] for i in rows) / n for rows in itertools.product(range(n), repeat=n))
    return [float(np.quantile(means, p, method="inverted_cdf")) for p in q]


@pytest.mark.parametrize("values", [[0, 1], [0, 0, 1], [0.0, 0.25, 1.0, 1.0], [0.5, 0.5, 0.5]])
def test_bootstrap_matches_the_exact_bootstrap_distribution(values):
    iv = bootstrap(values, resamples=40_000)
    low, high = exact_quantiles(values, [0.025, 0.975])
    step = 1 / len(values) ** 2  # the resampled means' grid is fine; Monte Carlo error stays well inside it
    assert iv.estimate == pytest.approx(sum(values) / len(values))
    assert iv.low == pytest.approx(low, abs=step) and iv.high == pytest.approx(high, abs=step)


def test_bootstrap_agrees_with_scipy_percentile_bootstrap():
    scipy_stats = pytest.importorskip("scipy.stats")
    rng = np.random.default_rng(7)
    for data in (rng.random(200), rng.integers(0, 2, 150).astype(float), rng.beta(0.3, 0.3, 90)):
        ours = bootstrap(data)
        theirs = scipy_stats.bootstrap((data,), np.mean, method="percentile", n_resamples=20_000, random_state=1)
        assert ours.low == pytest.approx(theirs.confidence_interval.low, abs=0.01)
        assert ours.high == pytest.approx(theirs.confidence_interval.high, abs=0.01)


def test_bootstrap_is_seeded():
    data = np.random.default_rng(0).random(50)
    assert bootstrap(data, seed=3) == bootstrap(data, seed=3)
    assert bootstrap(data, seed=3) != bootstrap(data, seed=4)


def test_paired_difference_on_known_cases():
    # ten tasks gained, ten unchanged: the resampled mean is Binomial(20, 1/2) / 20 exactly
    iv = paired_difference([0] * 20, [1] * 10 + [0] * 10)
    from scipy.stats import binom

    assert iv.estimate == 0.5
    assert iv.low == pytest.approx(binom.ppf(0.025, 20, 0.5) / 20, abs=0.05)
    assert iv.high == pytest.approx(binom.ppf(0.975, 20, 0.5) / 20, abs=0.05)
    assert iv.excludes(0) and iv.sign == 1 and str(iv).startswith("+0.500 [+0.")
    same = paired_difference([0.25, 0.5, 1.0], [0.5, 0.75, 1.25])  # every task moved by +0.25
    assert (same.estimate, same.low, same.high) == pytest.approx((0.25, 0.25, 0.25))
    noise = paired_difference([1, 0] * 50, [0, 1] * 50)  # as many lost as gained
    assert noise.estimate == 0 and not noise.excludes(0) and noise.sign == 0
    with pytest.raises(ValueError, match="same tasks"):
        paired_difference([0, 1], [1])


def test_pairing_sees_a_change_that_two_separate_intervals_hide():
    rng = np.random.default_rng(1)
    difficulty = rng.random(200)
    before = (difficulty > 0.55).astype(float)
    after = (difficulty > 0.50).astype(float)  # ten or so tasks gained, none lost
    separate_before, separate_after = bootstrap(before), bootstrap(after)
    assert separate_after.low < separate_before.high  # the two marginal intervals overlap
    assert paired_difference(before, after).low > 0  # the paired change is beyond noise


def test_ratio_interval_for_cost_per_solved():
    cost, solved = [10, 10, 10, 10], [1, 1, 0, 2]
    iv = ratio_interval(cost, solved)
    assert iv.estimate == pytest.approx(40 / 4) and iv.low <= 10 <= iv.high and math.isfinite(iv.high)
    # a quarter of the resamples of these two tasks hold only the unsolved one: the upper limit is unbounded
    assert math.isinf(ratio_interval([10, 10], [1, 0]).high)
    nothing = ratio_interval([5, 5], [0, 0])
    assert math.isinf(nothing.estimate) and nothing.to_dict()["estimate"] is None
    steady = ratio_interval([3] * 100, [1] * 100)
    assert (steady.low, steady.high) == pytest.approx((3, 3))


def test_across_seeds_is_students_t():
    t = pytest.importorskip("scipy.stats").t
    values = [0.30, 0.34, 0.38, 0.31]
    iv = across_seeds(values)
    mean, se = np.mean(values), np.std(values, ddof=1) / math.sqrt(len(values))
    assert (iv.low, iv.high) == pytest.approx(t.interval(0.95, len(values) - 1, loc=mean, scale=se), abs=1e-5)
    assert across_seeds([0.9, 1.0, 1.0], bounds=(0, 1)).high == 1.0
    single = across_seeds([0.4])
    assert single.estimate == 0.4 and math.isinf(single.high)


def test_interval_json_round_trip():
    for iv in (Interval(0.5, 0.2, 0.8, "wilson"), Interval(2.0, 1.0, math.inf, "bootstrap-ratio"),
               across_seeds([0.4])):  # one seed: unbounded on both sides, written as nulls
        assert Interval.from_dict(iv.to_dict()) == iv
    assert Interval(0.1, -0.2, 0.3, "paired-bootstrap").format(2) == "+0.10 [-0.20, +0.30]"
