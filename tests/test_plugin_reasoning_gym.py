"""reasoning-gym's datasets as envgym environments (plugins/reasoning-gym).

`envgym check` runs in full on every exposed environment, not on a sample: 104 datasets, 5 seeds
each, about 25 s in all on one core. It runs in ``tests/test_env.py::test_envgym_check_passes``,
which is parametrized over every registered environment; the first test here makes sure each
exposed dataset is registered, hence checked there, rather than checking each one twice.
"""

from __future__ import annotations

import doctest
import re
import time

import pytest
import reasoning_gym
from reasoning_gym.factory import DATASETS

import envgym
from conftest import envgym_cli
from envgym.check import check_environment
from envgym_reasoning_gym import catalog, gold, verifier
from envgym_reasoning_gym.catalog import EXCLUDED, PARTIAL_CREDIT, dropped_probes, env_id

CHECKED_IN_TEST_ENV = envgym.list_envs()  # test_env.py's parametrization


def test_every_dataset_but_the_few_excluded_is_listed_and_checked():
    assert set(EXCLUDED) <= set(DATASETS) and len(EXCLUDED) <= 3
    expected = {env_id(name) for name in DATASETS if name not in EXCLUDED}
    listed = envgym_cli("list", env={"COLUMNS": "400"})
    assert listed.returncode == 0, listed.stderr
    assert set(re.findall(r"reasoning-gym/\w+-v0", listed.stdout)) == expected
    assert len(expected) == len(DATASETS) - len(EXCLUDED) >= 100
    assert expected <= set(CHECKED_IN_TEST_ENV)


def test_one_check_report_in_full():
    """What tests/test_env.py asserts for every environment, spelled out for one: every item passes."""
    report = check_environment("reasoning-gym/RushHour-v0")
    assert report.ok and [item.name for item in report.items] == [
        "make", "gymnasium.make", "gymnasium check_env", "seeded reset", "gold probes", "hack probes",
        "hostile actions", "misuse errors"]


@pytest.mark.parametrize("dataset, wrong", [("basic_arithmetic", "-123456789"), ("word_ladder", "COLD,CORD,CARD,WARD")])
def test_the_reward_is_reasoning_gyms_own_score(dataset, wrong):
    env = envgym.make(env_id(dataset))
    env.reset(seed=3)
    entry = env.task.reference
    own = reasoning_gym.create_dataset(dataset, seed=0, size=10_000)
    assert own[env.task.metadata["index"]] == entry
    right = env.score(f"<answer>{entry['answer']}</answer>")
    assert right.correct and right.reward == 1.0 == own.score_answer(entry["answer"], entry)
    miss = env.score(f"Let me think.\n<answer>{wrong}</answer>")
    assert not miss.correct and miss.reward == 0.0 == own.score_answer(wrong, entry)
    assert miss.details["answer"] == wrong


def test_partial_credit_is_passed_through():
    """Sudoku's scorer pays the share of right cells; the reward is that share, not correct."""
    env = envgym.make("reasoning-gym/MiniSudoku-v0")
    env.reset(seed=0)
    entry = env.task.reference
    digits = iter(range(16))
    half_wrong = "".join(str(int(c) % 4 + 1) if c.isdigit() and next(digits) % 2 else c for c in entry["answer"])
    expected = reasoning_gym.create_dataset("mini_sudoku", seed=0, size=10_000).score_answer(half_wrong, entry)
    verdict = env.score(f"<answer>{half_wrong}</answer>")
    assert 0 < verdict.reward == expected < 1 and not verdict.correct
    assert "partial credit" in verdict.reason


def test_the_last_answer_tag_counts_and_a_reply_without_one_scores_0():
    env = envgym.make("reasoning-gym/BasicArithmetic-v0")
    env.reset(seed=0)
    answer = env.task.reference["answer"]
    assert env.score(f"<answer>{answer}</answer> wait, no: <answer>1234567</answer>").reward == 0.0
    assert env.score(f"<answer>1234567</answer> wait, no: <answer>{answer}</answer>").reward == 1.0
    bare = env.score(f"The answer is {answer}.")
    assert bare.reward == 0.0 and "no <answer>" in bare.reason


def test_a_scorer_that_raises_scores_0_with_the_error():
    env = envgym.make("reasoning-gym/PrimeFactorization-v0")
    env.reset(seed=0)
    verdict = env.score("<answer>no idea</answer>")  # its scorer calls int("no idea")
    assert verdict.reward == 0.0 and not verdict.correct
    assert "ValueError" in verdict.reason


def test_a_scorer_that_runs_long_is_stopped_at_the_bound():
    """SimpleIntegration's scorer runs sympy on the answer: this one takes it about 15 s."""
    warm = envgym.make("reasoning-gym/SimpleIntegration-v0")
    warm.reset(seed=0)
    assert warm.score(warm.gold_action()).correct  # the worker has imported reasoning-gym
    env = envgym.make("reasoning-gym/SimpleIntegration-v0", timeout_s=2.0)
    env.reset(seed=0)
    x = env.task.reference["metadata"]["variable"]
    slow = f"<answer>(({x}+1)**300)*(({x}-1)**300) + C</answer>"
    start = time.perf_counter()
    verdict = env.score(slow)
    assert time.perf_counter() - start < 5.0
    assert verdict.reward == 0.0 and verdict.details.get("timeout") is True, verdict


def test_seeds_pick_entries_reproducibly_and_options_reach_reasoning_gym():
    env = envgym.make("reasoning-gym/ChainSum-v0", config={"min_terms": 5, "max_terms": 5}, size=50, dataset_seed=7)
    prompts = {env.reset(seed=s)[0][-1]["content"] for s in range(8)}
    assert len(prompts) > 1
    assert all(question.count("+") + question.count("-") >= 4 for question in prompts)
    assert env.reset(seed=2)[0] == env.reset(seed=2)[0]
    assert env.task.id.startswith("chain_sum-7-")
    with pytest.raises(ValueError, match="not an exposed reasoning-gym dataset: .*bool"):
        envgym.make("reasoning-gym/ChainSum-v0", dataset="game_of_life_halting")
    with pytest.raises(ValueError, match="refused the config"):
        envgym.make("reasoning-gym/ChainSum-v0", config={"no_such_field": 1})


@pytest.mark.parametrize("dataset", sorted(PARTIAL_CREDIT))
def test_each_partial_credit_exemption_is_needed(dataset):
    """A dataset is exempt from a scored hack probe only if its scorer does grade it above 0."""
    env = envgym.make(env_id(dataset))
    for seed in range(100):
        env.reset(seed=seed)
        probes = env.probe_answers()
        credited = [name for name in dropped_probes(dataset) if name in probes and env.score(probes[name]).reward > 0]
        if credited:
            return
    pytest.fail(f"{dataset}: no dropped probe ({sorted(dropped_probes(dataset))}) earned credit on 100 seeds")


def test_gold_answers_for_datasets_without_a_stored_answer():
    for dataset in ("rush_hour", "boxnet", *gold.REFERENCE_KEYS):
        env = envgym.make(env_id(dataset))
        for seed in range(10):
            env.reset(seed=seed)
            assert env.task.reference["answer"] is None
            assert env.score(env.gold_action()).reward == 1.0, (dataset, seed)


@pytest.mark.parametrize("module", [catalog, gold, verifier])
def test_doctests(module):
    result = doctest.testmod(module)
    assert result.attempted > 0 and result.failed == 0
