"""`envgym scorecard` must rate environments broken in known ways for the right reason, and a
healthy one ready.

The environments are small, real ones (their verifiers and the check's probes run unchanged); the
code environment runs in the real bubblewrap sandbox, and its breach case in the real ``process``
sandbox, which is not isolation.
"""

from __future__ import annotations

import json
import random
from collections.abc import Mapping

import numpy as np
import pytest
from typer.testing import CliRunner

import envgym
from envgym import EnvSpec, Message, Task, TextEnv, Verdict
from envgym.cli import app
from envgym.errors import ProbesUnavailable
from envgym.plugins import PluginHost
from envgym.scorecard import LearnConfig, ScorecardConfig, scorecard, to_html, to_json, to_markdown
from envgym.scorecard.containment import containment
from envgym.verify.match import NumberMatch

FAST = ScorecardConfig(seeds=6, sample=8, random_episodes=4, held_out_tasks=30)


class Double(TextEnv):
    """Healthy: double a number, checked exactly."""

    def __init__(self, render_mode=None, max_turns: int = 1):
        super().__init__(NumberMatch(), max_turns=max_turns, render_mode=render_mode)

    def generate_task(self, rng: np.random.Generator) -> Task:
        n = int(rng.integers(2, 1000))
        return Task(str(n), (Message("user", f"Double {n}"),), 2 * n)

    def gold_action(self) -> str:
        return f"\\boxed{{{self.task.reference}}}"

    def hack_actions(self) -> Mapping[str, str]:
        return {"echo": self.task.prompt[0].content}


class UnseededReset(Double):
    """Draws from Python's global generator, not the seeded one: a seed does not fix the task."""

    def generate_task(self, rng: np.random.Generator) -> Task:
        n = random.randint(2, 10**9)
        return Task(str(n), (Message("user", f"Double {n}"),), 2 * n)


class UnseededButKept(UnseededReset):
    """The same, but it keeps each seed's task: one instance replays itself, a fresh one does not."""

    tasks_from_seed = True


class SecondTurnHack(Double):
    """Two turns; the hack is harmless at the first turn and pays at the second."""

    def __init__(self, render_mode=None):
        super().__init__(render_mode, max_turns=2)

    def score(self, action: str) -> Verdict:
        return Verdict.ok() if action == "exploit" else super().score(action)

    def hack_actions(self):
        return {"probe-then-exploit": lambda env: "probe" if env.turn == 0 else "exploit"}


class NoisyReplies(Double):
    """Two turns; its feedback carries a ticket from Python's global generator (rewards stay exact).
    Gymnasium's checker fails it; the scorecard's replay names the reply that differed."""

    def __init__(self, render_mode=None):
        super().__init__(render_mode, max_turns=2)

    def feedback(self, verdict: Verdict):
        return (Message("user", f"Wrong (ticket {random.randint(0, 10**9)}); try again."),)

    def gold_action(self) -> str:
        return "\\boxed{0}" if self.turn == 0 else super().gold_action()


class WrongGold(Double):
    def gold_action(self) -> str:
        return f"\\boxed{{{self.task.reference + 1}}}"


class NoProbes(Double):
    def gold_action(self) -> str:
        raise ProbesUnavailable("upstream ships no gold answers")

    def hack_actions(self) -> Mapping[str, str]:
        raise ProbesUnavailable("upstream ships no known hacks")


class HiddenAnswer(Double):
    """Unlearnable: the answer is a number the prompt never shows (only the gold policy knows it), so
    no model can do better than chance, and chance is one in nine hundred thousand."""

    def generate_task(self, rng: np.random.Generator) -> Task:
        n, round_ = int(rng.integers(100_000, 1_000_000)), int(rng.integers(1, 10**6))  # the round tells nothing
        return Task(str(n), (Message("user", f"Round {round_}: which number am I thinking of? Answer in \\boxed{{}}."),), n)

    def gold_action(self) -> str:
        return f"\\boxed{{{self.task.reference}}}"


CASES = {  # name: (class, expected rating, expected reason label)
    "Double": (Double, "ready", None),
    "UnseededReset": (UnseededReset, "broken", "nondeterministic reset"),
    "UnseededButKept": (UnseededButKept, "broken", "nondeterministic reset"),
    "SecondTurnHack": (SecondTurnHack, "broken", "a hack pays"),
    "NoisyReplies": (NoisyReplies, "broken", "nondeterministic episode"),  # broken by Gymnasium's checker
    "WrongGold": (WrongGold, "broken", "gold fails"),
    "NoProbes": (NoProbes, "caution", "no probes"),
}


@pytest.fixture(scope="module")
def host():
    import gymnasium

    h = PluginHost(autoload=False, mirror_to_gymnasium=True)
    for name, (cls, *_) in CASES.items():
        h.register_env(EnvSpec(f"scorecard-tests/{name}-v0", cls))
    yield h
    for spec in h.envs:
        gymnasium.envs.registry.pop(spec.id, None)


@pytest.mark.parametrize("name", list(CASES))
def test_each_environment_is_rated_for_the_right_reason(host, name):
    _, rating, label = CASES[name]
    card = scorecard(f"scorecard-tests/{name}-v0", FAST, host=host)
    assert card.rating == rating, card.reasons
    if label is None:
        assert card.reasons == ()
    else:
        assert label in card.labels(), card.reasons


def test_a_healthy_environment_is_measured_in_full(host):
    card = scorecard("scorecard-tests/Double-v0", FAST, host=host)
    assert card.gold_solved.estimate == 1.0 and card.gold_solved.low > 0.6  # 8 of 8, Wilson's interval
    assert card.gold_return == 1.0 and card.random_return == 0.0 and card.distinct_returns == 2
    assert card.agreement.estimate == 1.0 and "probe labels" in card.agreement_with
    assert card.deterministic.startswith("yes") and card.steps_per_s > 1
    assert card.containment == "not sandboxed" and card.task_space is None and card.held_out == 30
    assert card.learnability is None
    assert all(c.ok for c in card.checks)


def test_the_second_turn_hack_is_named_with_its_turn(host):
    card = scorecard("scorecard-tests/SecondTurnHack-v0", FAST, host=host)
    reason = next(r for r in card.reasons if r.label == "a hack pays")
    assert "probe-then-exploit" in reason.detail and "paid at turn(s) [2]" in reason.detail


def test_a_reset_that_only_replays_itself_is_caught_on_a_fresh_instance(host):
    """UnseededButKept passes the check's own same-instance reset probe; the fresh instance exposes it."""
    card = scorecard("scorecard-tests/UnseededButKept-v0", FAST, host=host)
    assert next(c for c in card.checks if c.name == "seeded reset").ok
    assert "two instances" in next(r for r in card.reasons if r.label == "nondeterministic reset").detail


def test_slow_steps_are_a_caution(host):
    card = scorecard("scorecard-tests/Double-v0", ScorecardConfig(sample=4, random_episodes=2, held_out_tasks=10,
                                                                  min_steps_per_s=1e12), host=host)
    assert card.rating == "caution" and card.labels() == ["slow steps"]


def test_arithmetic_is_ready_and_its_second_verifier_agrees():
    card = scorecard("envgym/Arithmetic-v0", FAST)
    assert card.rating == "ready", card.reasons
    assert card.agreement_with == "second verifier 'math'" and card.agreement.estimate == 1.0
    assert card.task_space == 713 and card.held_out == 30


def test_sandboxed_code_holds_in_bubblewrap_and_leaks_without_isolation():
    env = envgym.make("envgym/PythonFunction-v0")
    held, detail = containment(env)
    env.close()
    assert held is True and detail.startswith("4 attacks held"), detail
    leaky = envgym.make("envgym/PythonFunction-v0", backend="process")
    with pytest.warns(UserWarning, match="NOT isolation"):  # the sandbox is made on first use
        held, detail = containment(leaky, names=("read host file", "write host file"))  # no fork bomb outside a sandbox
    leaky.close()
    assert held is False and "read host file earned 1" in detail and "wrote a host file" in detail, detail


def test_an_unlearnable_reward_is_learnability_within_noise():
    """A short, real learnability run (SFT on gold traces, then RLVR) on a reward no model can predict:
    held-out pass@1 stays at zero, the paired interval holds zero, and the row is a caution."""
    env_id = "scorecard-tests/HiddenAnswer-v0"
    if env_id not in envgym.list_envs():  # the trainer makes environments through the process-wide registry
        envgym.register(env_id, HiddenAnswer)
    learn = LearnConfig(sft_steps=8, sft_examples=8, rl_steps=1, rl_prompts=4, rl_group=2, max_tokens=16, tasks=24,
                        progress=False)
    card = scorecard(env_id, ScorecardConfig(seeds=4, sample=4, random_episodes=2, held_out_tasks=24, learn=True,
                                             learn_config=learn))
    assert card.rating == "caution" and card.labels() == ["learnability within noise"], card.reasons
    found = card.learnability
    assert found.tasks == 24 and found.before == 0.0 and found.after == 0.0 and not found.significant
    assert found.change.low <= 0 <= found.change.high
    assert "0.00 -> 0.00, change +0.000 [+0.000, +0.000] (within noise)" in to_markdown([card])
    assert json.loads(to_json([card]))[0]["learnability"]["significant"] is False


def test_renderings_have_one_row_per_environment(host):
    cards = [scorecard(f"scorecard-tests/{name}-v0", FAST, host=host) for name in ("Double", "WrongGold")]
    markdown = to_markdown(cards)
    assert "1 ready, 0 caution, 1 broken" in markdown
    rows = [line for line in markdown.splitlines() if line.startswith("| scorecard-tests/")]
    assert len(rows) == 2 and "**broken**" in rows[1] and "gold fails" in rows[1]
    page = to_html(cards)
    assert page.count("<tr><td>scorecard-tests/") == 2 and "gold fails" in page
    data = json.loads(to_json(cards))
    assert [d["rating"] for d in data] == ["ready", "broken"]
    assert data[1]["reasons"][0]["label"] == "gold fails" and data[0]["gold_solved"]["low"] > 0.6


def test_cli_writes_a_scorecard_and_fails_on_bad_input(tmp_path):
    runner = CliRunner()
    result = runner.invoke(app, ["scorecard", "envgym/GuessNumber-v0", "--format", "json", "--out",
                                 str(tmp_path / "card.json"), "--seeds", "3", "--sample", "4"])
    assert result.exit_code == 0, result.output
    data = json.loads((tmp_path / "card.json").read_text())
    assert len(data) == 1 and data[0]["env"] == "envgym/GuessNumber-v0" and data[0]["rating"] == "ready"
    assert runner.invoke(app, ["scorecard", "envgym/GuessNumber-v0", "--format", "xml"]).exit_code == 2
    assert runner.invoke(app, ["scorecard"]).exit_code == 2
    missing = runner.invoke(app, ["scorecard", "envgym/NoSuch-v0"])
    assert missing.exit_code == 2 and "NoSuch" in missing.output
