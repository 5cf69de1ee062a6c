"""reasoning-gym's datasets as envgym environments (plugins/reasoning-gym).

`envgym check` runs in full on every environment, not on a sample: 106 datasets, 5 seeds each,
about 25 s in all on one core. It runs in ``tests/test_env.py::test_envgym_check_passes``, which
is parametrized over every registered environment; the first test here makes sure each dataset
is registered, hence checked there (``Composite-v0`` with its default mixture too), rather than
checking each one twice. A composite with another mixture is checked here.
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
from envgym import EnvSpec
from envgym.check import check_environment
from envgym.plugins import PluginHost
from envgym_reasoning_gym import catalog, gold, verifier
from envgym_reasoning_gym.catalog import PARTIAL_CREDIT, REPLACED_SCORERS, dropped_probes, env_id
from envgym_reasoning_gym.composite import DEFAULT_MIXTURE

CHECKED_IN_TEST_ENV = envgym.list_envs()  # test_env.py's parametrization


def test_every_dataset_is_listed_and_checked():
    expected = {env_id(name) for name in DATASETS}
    listed = envgym_cli("list", env={"COLUMNS": "400"})
    assert listed.returncode == 0, listed.stderr
    assert set(re.findall(r"reasoning-gym/\w+-v0", listed.stdout)) == expected
    assert len(expected) == len(DATASETS) >= 106
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
    with pytest.raises(ValueError, match="'no_such_dataset' is not a reasoning-gym dataset"):
        envgym.make("reasoning-gym/ChainSum-v0", dataset="no_such_dataset")
    with pytest.raises(ValueError, match="refused the config"):
        envgym.make("reasoning-gym/ChainSum-v0", config={"no_such_field": 1})


def test_game_of_life_halting_is_scored_strictly():
    """reasoning-gym's scorer returns ``bool(answer) == bool(entry["answer"])``: as ``bool("False") ==
    bool("True")``, it pays the wrong boolean and any junk. The replacement pays only the answer."""
    assert set(REPLACED_SCORERS) == {"game_of_life_halting"}
    env = envgym.make("reasoning-gym/GameOfLifeHalting-v0")
    upstream = reasoning_gym.create_dataset("game_of_life_halting", seed=0, size=10_000)
    seen = set()
    for seed in range(20):
        env.reset(seed=seed)
        entry = env.task.reference
        assert upstream[env.task.metadata["index"]] == entry
        right = entry["answer"]
        wrong = {"True": "False", "False": "True"}[right]
        assert upstream.score_answer(wrong, entry) == 1.0 == upstream.score_answer("no idea", entry)
        assert env.score(f"<answer>{right}</answer>").reward == 1.0
        assert env.score(f"<answer> {right.lower()} </answer>").reward == 1.0
        for junk in (wrong, "no idea", f"{right} or {wrong}", f"{right}!"):
            verdict = env.score(f"<answer>{junk}</answer>")
            assert verdict.reward == 0.0 and not verdict.correct, (junk, verdict)
        seen.add(right)
    assert seen == {"True", "False"}


def test_the_default_composite_mixes_datasets_every_hack_probe_applies_to():
    """The default mixture avoids partial credit and replaced scorers, so no entry drops a probe."""
    assert not set(DEFAULT_MIXTURE) & (set(PARTIAL_CREDIT) | set(REPLACED_SCORERS))
    env = envgym.make("reasoning-gym/Composite-v0")
    sources = set()
    for seed in range(30):
        env.reset(seed=seed)
        sources.add(env.task.metadata["source_dataset"])
        assert env.task.reference["metadata"]["source_dataset"] == env.source
        assert set(env.hack_actions()) == {"no_tag", "unclosed_tag", "boxed", "empty_answer", "wrong_answer"}
        assert env.score(env.gold_action()).correct
    assert sources == set(DEFAULT_MIXTURE)


CUSTOM_MIXTURE = {"datasets": [
    {"name": "game_of_life_halting"},
    {"name": "chain_sum", "weight": 2, "config": {"min_terms": 3, "max_terms": 3}},
    {"name": "mini_sudoku", "weight": 1.5},
]}


@pytest.fixture(scope="module")
def custom_composite():
    """A host with ``tests/CustomComposite-v0``: a composite of ``CUSTOM_MIXTURE``."""
    import gymnasium

    host = PluginHost(autoload=False, mirror_to_gymnasium=True)
    host.register_env(EnvSpec("tests/CustomComposite-v0", "envgym_reasoning_gym.env:ReasoningGymEnv",
                              {"dataset": "composite", "config": CUSTOM_MIXTURE}))
    yield host
    gymnasium.envs.registry.pop("tests/CustomComposite-v0", None)


def test_a_composite_of_another_mixture_passes_envgym_check(custom_composite):
    """Its entries keep their dataset's probes (mini_sudoku's graded scorer drops the wrong answer)
    and scorer (game_of_life_halting's replacement: the wrong boolean scores 0 here too)."""
    seeds = range(10)
    env = custom_composite.make("tests/CustomComposite-v0")
    sources = set()
    for seed in seeds:
        env.reset(seed=seed)
        sources.add(env.source)
        if env.source == "mini_sudoku":
            assert "wrong_answer" in env.probe_answers() and "wrong_answer" not in env.hack_actions()
        elif env.source == "game_of_life_halting":
            wrong = {"True": "False", "False": "True"}[env.task.reference["answer"]]
            assert env.score(f"<answer>{wrong}</answer>").reward == 0.0
        elif env.source == "chain_sum":
            assert env.task.reference["metadata"]["num_terms"] == 3
    assert sources == {"game_of_life_halting", "chain_sum", "mini_sudoku"}
    report = check_environment("tests/CustomComposite-v0", seeds=seeds, host=custom_composite)
    assert report.ok, [item for item in report.items if not item.ok]


@pytest.mark.parametrize("config, problem", [
    ({"datasets": []}, "'datasets' must be a non-empty list"),
    ({"datasets": "chain_sum"}, "'datasets' must be a non-empty list"),
    ({"size": 5}, r"takes only 'datasets' .*got \['size'\]"),
    ({"datasets": ["chain_sum"]}, "each dataset spec must be a mapping"),
    ({"datasets": [{"name": "no_such_dataset"}]}, "'name' must name a reasoning-gym dataset .*got 'no_such_dataset'"),
    ({"datasets": [{"name": "composite"}]}, "'name' must name a reasoning-gym dataset other than 'composite'"),
    ({"datasets": [{"name": "chain_sum", "wieght": 2}]}, r"unknown keys \['wieght'\]"),
    ({"datasets": [{"name": "chain_sum", "weight": 0}]}, "'chain_sum': 'weight' must be a positive number, got 0"),
    ({"datasets": [{"name": "chain_sum", "weight": "2"}]}, "'weight' must be a positive number"),
    ({"datasets": [{"name": "chain_sum", "config": [1]}]}, "'config' must be a mapping of chain_sum config fields"),
    ({"datasets": [{"name": "chain_sum"}, {"name": "chain_sum"}]}, r"\['chain_sum'\] appear more than once"),
    ({"datasets": [{"name": "chain_sum", "config": {"no_such_field": 1}}]}, "refused the config.*no_such_field"),
])
def test_a_bad_composite_config_is_a_value_error_naming_the_problem(config, problem):
    with pytest.raises(ValueError, match=problem) as raised:
        envgym.make("reasoning-gym/Composite-v0", config=config)
    assert str(raised.value).startswith("reasoning-gym/Composite-v0: ")


EXEMPTIONS = [(dataset, kept) for dataset in sorted(PARTIAL_CREDIT) for kept in (False, True)
              if dropped_probes(dataset, participation_credit=kept)]


@pytest.mark.parametrize("dataset, participation_credit", EXEMPTIONS)
def test_each_partial_credit_exemption_is_needed(dataset, participation_credit):
    """A dataset is exempt from a scored hack probe only if its scorer does grade it above 0, as
    the environment scores it (participation credit is 0 unless kept)."""
    env = envgym.make(env_id(dataset), participation_credit=participation_credit)
    dropped = dropped_probes(dataset, participation_credit)
    for seed in range(100):
        env.reset(seed=seed)
        probes = env.probe_answers()
        credited = [name for name in dropped if name in probes and env.score(probes[name]).reward > 0]
        if credited:
            return
    pytest.fail(f"{dataset}: no dropped probe ({sorted(dropped)}) earned credit on 100 seeds")


#: Datasets whose scorer pays junk (or, for complex_arithmetic, any number) a crumb, with that junk.
PARTICIPATION = [("countdown", "banana"), ("power_function", "garbage"), ("sentence_reordering", "garbage"),
                 ("advanced_geometry", ""), ("arc_agi", ""), ("rubiks_cube", "?"), ("complex_arithmetic", "0")]


@pytest.mark.parametrize("dataset, junk", PARTICIPATION)
def test_participation_credit_is_0_by_default_and_upstreams_on_request(dataset, junk):
    default = envgym.make(env_id(dataset))
    upstream = envgym.make(env_id(dataset), participation_credit=True)
    own = reasoning_gym.create_dataset(dataset, seed=0, size=10_000)
    paid = 0
    for seed in range(3):
        default.reset(seed=seed)
        upstream.reset(seed=seed)
        entry = default.task.reference
        expected = own.score_answer(junk, entry)
        kept = upstream.score(f"<answer>{junk}</answer>")
        assert kept.reward == pytest.approx(expected)
        zeroed = default.score(f"<answer>{junk}</answer>")
        assert zeroed.reward == 0.0 and not zeroed.correct
        if expected > 0:
            paid += 1
            assert "participation credit" in zeroed.reason and 0 < expected <= 0.05
        for env in (default, upstream):
            assert env.score(env.gold_action()).reward == 1.0
    assert paid, f"{dataset}: reasoning-gym's scorer paid {junk!r} nothing on 3 seeds: not an example of participation credit"


def test_participation_credit_option_is_checked():
    with pytest.raises(ValueError, match="participation_credit must be True or False"):
        envgym.make("reasoning-gym/Countdown-v0", participation_credit="yes")


@pytest.mark.parametrize("dataset", ["countdown", "puzzle24", "simple_integration", "polynomial_multiplication",
                                     "binary_matrix", "spiral_matrix"])
@pytest.mark.parametrize("bomb", ["2**2**2**2**2**2", "9^9^9^9", "10**10**10", "(10**10**10)-(10**10**10)"])
def test_answers_too_large_to_compute_score_0_at_once(dataset, bomb):
    """These scorers evaluate the answer, and ran each of these until killed at the bound (10 s)."""
    env = envgym.make(env_id(dataset))
    env.reset(seed=0)
    start = time.perf_counter()
    verdict = env.score(f"<answer>{bomb}</answer>")
    assert time.perf_counter() - start < 0.5
    assert verdict.reward == 0.0 and "too large" in verdict.reason and not verdict.details.get("timeout")


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
