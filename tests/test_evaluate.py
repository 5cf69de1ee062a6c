"""envgym eval: pass@k (unbiased), mean reward and cost per solved task, bare and scaffolded."""

from __future__ import annotations

import itertools
import json
import math

import pytest

torch = pytest.importorskip("torch")

import envgym  # noqa: E402
from conftest import envgym_cli  # noqa: E402
from envgym.evaluate import EVAL_SEED_BASE, evaluate, evaluate_scaffolds, pass_at_k  # noqa: E402
from envgym.models import build_tokenizer  # noqa: E402
from scripted import ScriptedPolicy  # noqa: E402
from test_scaffold import PICK, Pick  # noqa: E402


@pytest.mark.parametrize("n,c", [(5, 0), (5, 2), (6, 3), (8, 7), (3, 3)])
def test_pass_at_k_is_the_chance_that_k_of_n_samples_hold_a_correct_one(n, c):
    outcomes = [1] * c + [0] * (n - c)
    for k in range(1, n + 1):
        subsets = list(itertools.combinations(outcomes, k))
        assert pass_at_k(n, c, k) == pytest.approx(sum(any(s) for s in subsets) / len(subsets))
    with pytest.raises(ValueError):
        pass_at_k(3, 4, 1)


@pytest.fixture(scope="module")
def tokenizer():
    if PICK not in envgym.list_envs():
        envgym.register(PICK, Pick)
    return build_tokenizer()


def counting(tokenizer):
    return ScriptedPolicy(tokenizer, lambda prompt, k: str(k % 4))  # each task's 4 samples say 0, 1, 2, 3


def test_pass_at_k_and_costs_from_samples(tokenizer):
    result = evaluate(counting(tokenizer), PICK, tasks=6, samples=4, max_tokens=8)
    assert result.pass_at == {1: 0.25, 2: 0.5, 4: 1.0}  # exactly one of each task's four samples is right
    assert result.solved == 6 and result.mean_reward == 0.25
    assert result.cost.model_calls == 24 and result.cost_per_solved["model_calls"] == 4.0
    assert {t.seed for t in result.trajectories} == set(range(EVAL_SEED_BASE, EVAL_SEED_BASE + 6))


def test_scaffolded_against_bare_with_cost(tokenizer):
    bare, best = evaluate_scaffolds(counting(tokenizer), PICK, ["none", "best_of_n"], {"best_of_n": {"n": 4}},
                                    tasks=8, max_tokens=8)
    assert best.scaffold == "best_of_n" and best.pass_at[1] == 1.0 and bare.pass_at[1] < 1.0
    assert best.cost_per_solved["model_calls"] == 4.0
    assert bare.cost_per_solved["model_calls"] == pytest.approx(8 / bare.solved)
    nothing = evaluate(ScriptedPolicy(tokenizer, lambda p, k: "9"), PICK, tasks=2, max_tokens=8)
    assert nothing.solved == 0 and math.isinf(nothing.cost_per_solved["model_calls"])


def test_eval_command_on_the_tiny_model(tmp_path):
    out = tmp_path / "results.json"
    result = envgym_cli("eval", "--env", "envgym/Arithmetic-v0", "--model", "tiny", "--tasks", "3", "--max-tokens", "8",
                        "--scaffold", "none", "--scaffold", "best_of_n", "--scaffold-kw", "best_of_n.n=2", "--json", str(out))
    assert result.returncode == 0, result.stderr
    assert "best_of_n" in result.stdout and "pass@1" in result.stdout
    bare, best = json.loads(out.read_text())
    assert (bare["scaffold"], best["scaffold"]) == ("none", "best_of_n")
    assert best["cost"]["model_calls"] == 2 * bare["cost"]["model_calls"] == 6
    bad = envgym_cli("eval", "--env", "envgym/Arithmetic-v0", "--scaffold", "best_of_m")
    assert bad.returncode == 2 and "best_of_n" in bad.stderr  # the near miss is suggested
