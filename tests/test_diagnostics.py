"""Stage diagnostics on hand-built outcomes and on policies whose supports are known."""

from __future__ import annotations

import pytest

from envgym.diagnostics import Outcomes, compare, handoff_fidelity


def test_split_of_the_pass_at_1_change_on_hand_built_outcomes():
    before = Outcomes({"a": (4, 0), "b": (4, 2), "c": (4, 4), "d": (4, 1), "e": (4, 0)})
    after = Outcomes({"a": (4, 4), "b": (4, 3), "c": (4, 4), "d": (4, 0), "e": (4, 0)})
    report = compare(before, after)
    assert (report.support_before, report.support_after) == (3, 3)
    assert report.expanded == ("a",) and report.lost == ("d",) and report.retained == 2
    assert report.expansion == pytest.approx(1.0 / 5)  # a: 0 -> 1
    assert report.attrition == pytest.approx(-0.25 / 5)  # d: 0.25 -> 0
    assert report.reshaping == pytest.approx(0.25 / 5)  # b: 0.5 -> 0.75, c unchanged
    assert report.reshaping_on_retained == pytest.approx(0.125)
    assert report.expansion + report.attrition + report.reshaping == pytest.approx(report.pass1_after - report.pass1_before)
    # five prompts cannot tell a +0.2 change from noise: no role is named
    assert not report.significant and report.dominant == "no significant change"
    assert "1 prompts newly solved" in report.evidence and report.to_dict()["dominant"] == "no significant change"


def scaled(outcomes: dict, times: int) -> Outcomes:
    """The same prompts ``times`` over (as many distinct prompts each time): the same split, more evidence."""
    return Outcomes({f"{task}{i}": nc for i in range(times) for task, nc in outcomes.items()})


def test_roles_are_named_only_beyond_noise():
    before = {"a": (4, 0), "b": (4, 2), "c": (4, 4), "d": (4, 1), "e": (4, 0)}
    after = {"a": (4, 4), "b": (4, 3), "c": (4, 4), "d": (4, 0), "e": (4, 0)}
    report = compare(scaled(before, 40), scaled(after, 40))  # 200 prompts, the same shares
    assert report.significant and report.dominant == "expansion"
    assert report.intervals["expansion"].low > 0 and report.intervals["attrition"].high < 0
    change = report.intervals["change"]
    assert change.estimate == pytest.approx(0.2) and change.low > 0
    # the parts are bootstrapped on the same resampled prompts: their estimates add up to the change
    parts = sum(report.intervals[r].estimate for r in ("expansion", "reshaping", "attrition"))
    assert parts == pytest.approx(change.estimate)


def test_a_stage_that_only_sharpens_or_only_loses():
    before = {"a": (4, 1), "b": (4, 2), "c": (4, 1)}
    sharper = {"a": (4, 4), "b": (4, 4), "c": (4, 2)}
    report = compare(scaled(before, 30), scaled(sharper, 30))
    assert report.dominant == "reshaping" and report.expanded == ()
    forgetful = {"a": (4, 0), "b": (4, 0), "c": (4, 1)}
    report = compare(scaled(before, 30), scaled(forgetful, 30))
    assert report.dominant == "attrition" and len(report.lost) == 60
    assert compare(Outcomes(before), Outcomes(sharper)).dominant == "no significant change"  # three prompts
    assert compare(Outcomes(before), Outcomes(before)).dominant == "no significant change"
    with pytest.raises(ValueError, match="different prompts"):
        compare(Outcomes(before), Outcomes({"a": (4, 1)}))


def test_noise_alone_is_no_significant_change():
    """Two evaluations of the same policy (every prompt's success rate 0.4, four samples each) differ by
    sampling only: expansion and attrition both happen, and neither is called a role."""
    import numpy as np

    rng = np.random.default_rng(0)
    first = Outcomes({str(i): (4, int(rng.binomial(4, 0.4))) for i in range(300)})
    second = Outcomes({str(i): (4, int(rng.binomial(4, 0.4))) for i in range(300)})
    report = compare(first, second)
    assert report.expanded and report.lost and report.dominant == "no significant change"


def test_policies_with_known_supports():
    """Evaluated through the real collector: one policy always answers 0, another tries 0-3 in turn."""
    pytest.importorskip("torch")
    import envgym
    from envgym.evaluate import evaluate
    from envgym.models import build_tokenizer
    from scripted import ScriptedPolicy
    from test_scaffold import PICK, Pick

    if PICK not in envgym.list_envs():
        envgym.register(PICK, Pick)
    tokenizer = build_tokenizer()
    zeros = evaluate(ScriptedPolicy(tokenizer, lambda p, k: "0"), PICK, tasks=40, samples=4, max_tokens=8)
    each = evaluate(ScriptedPolicy(tokenizer, lambda p, k: str(k % 4)), PICK, tasks=40, samples=4, max_tokens=8)
    before, after = Outcomes.from_trajectories(zeros.trajectories), Outcomes.from_trajectories(each.trajectories)
    zero_tasks = {t.task_id for t in zeros.trajectories if t.correct}
    assert before.support == zero_tasks and after.support == set(after.counts)  # every task once
    report = compare(before, after)
    assert set(report.expanded) == set(after.counts) - zero_tasks and report.lost == ()
    assert report.reshaping_on_retained == pytest.approx(0.25 - 1.0)  # always right -> right one time in four
    assert report.expansion == pytest.approx(0.25 * len(report.expanded) / len(after.counts))  # prompts, not seeds
    assert handoff_fidelity(before, after) == pytest.approx(before.pass_at(1) / 0.25)
