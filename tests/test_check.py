"""`envgym check` must fail environments that break the contract, each for the right reason."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pytest

from envgym import EnvSpec, Message, Task, TextEnv
from envgym.check import check_environment
from envgym.errors import ProbesUnavailable
from envgym.plugins import PluginHost
from envgym.verify.match import ExactMatch, NumberMatch


class Base(TextEnv):
    def __init__(self, render_mode=None):
        super().__init__(NumberMatch(), render_mode=render_mode)

    def generate_task(self, rng: np.random.Generator) -> Task:
        n = int(rng.integers(2, 1000))
        return Task(str(n), (Message("user", f"Double {n}"),), 2 * n)

    def gold_action(self) -> str:
        return f"\\boxed{{{self.task.reference}}}"

    def hack_actions(self) -> Mapping[str, str]:
        return {"echo": self.task.prompt[0].content}


class WrongGold(Base):
    def gold_action(self) -> str:
        return f"\\boxed{{{self.task.reference + 1}}}"


class HackWins(Base):
    def hack_actions(self) -> Mapping[str, str]:
        return {"stuff": f"\\boxed{{{self.task.reference}}}"}


class NoHacks(Base):
    def hack_actions(self) -> Mapping[str, str]:
        return {}


class IgnoresSeed(Base):
    def generate_task(self, rng: np.random.Generator) -> Task:
        return Task("1", (Message("user", "Double 1"),), 2)


class Unseeded(Base):
    counter = 0

    def generate_task(self, rng: np.random.Generator) -> Task:
        Unseeded.counter += 1
        n = Unseeded.counter
        return Task(str(n), (Message("user", f"Double {n}"),), 2 * n)


class Slow(Base):
    def __init__(self, render_mode=None):
        TextEnv.__init__(self, SlowExact(), render_mode=render_mode)


class SlowExact(ExactMatch):
    def verify(self, completion, reference):
        import time

        if len(completion) > 1000:
            time.sleep(2.5)
        return super().verify(completion, reference)


class SecondTurnPays(Base):
    """A two-turn game whose scorer pays the hack "again" at the second turn: a first-turn probe misses it."""

    def __init__(self, render_mode=None):
        TextEnv.__init__(self, NumberMatch(), max_turns=2, render_mode=render_mode)

    def score(self, action):
        from envgym import Verdict

        if action == "again" and self.turn == 1:
            return Verdict.ok()
        return super().score(action)

    def hack_actions(self) -> Mapping[str, str]:
        return {"again": "again"}


class SecondTurnPolicyHack(SecondTurnPays):
    """The hack is a policy: a harmless first move, then the move that pays."""

    def score(self, action):
        from envgym import Verdict

        return Verdict.ok() if action == "exploit" else super(SecondTurnPays, self).score(action)

    def hack_actions(self):
        return {"probe-then-exploit": lambda env: "probe" if env.turn == 0 else "exploit"}


class NoProbes(Base):
    """An adapter of an upstream environment that ships no probes, and says so."""

    def gold_action(self) -> str:
        raise ProbesUnavailable("upstream ships no gold answers")

    def hack_actions(self) -> Mapping[str, str]:
        raise ProbesUnavailable("upstream ships no known hacks")


class GoldOnlyUnavailable(Base):
    """Skipping is for ProbesUnavailable alone: a gold policy that is merely missing still fails."""

    def gold_action(self) -> str:
        raise NotImplementedError("forgot to write it")


class HacksOnly(NoProbes):
    """Probes it has still run: a hack that pays fails the check even when the gold is missing."""

    def hack_actions(self) -> Mapping[str, str]:
        return {"stuff": f"\\boxed{{{self.task.reference}}}"}


CASES = {
    "Good": (Base, None),
    "NoProbes": (NoProbes, None),
    "GoldOnlyUnavailable": (GoldOnlyUnavailable, "gold probes"),
    "SecondTurnPays": (SecondTurnPays, "hack probes"),
    "SecondTurnPolicyHack": (SecondTurnPolicyHack, "hack probes"),
    "WrongGold": (WrongGold, "gold probes"),
    "HackWins": (HackWins, "hack probes"),
    "NoHacks": (NoHacks, "hack probes"),
    "IgnoresSeed": (IgnoresSeed, "seeded reset"),
    "Unseeded": (Unseeded, "seeded reset"),
    "Slow": (Slow, "hostile actions"),
    "HacksOnly": (HacksOnly, "hack probes"),
}


@pytest.fixture(scope="module")
def host():
    import gymnasium

    h = PluginHost(autoload=False, mirror_to_gymnasium=True)
    for name, (cls, _) in CASES.items():
        h.register_env(EnvSpec(f"tests/{name}-v0", cls))
    yield h
    for spec in h.envs:
        gymnasium.envs.registry.pop(spec.id, None)


@pytest.mark.parametrize("name", list(CASES))
def test_check_fails_for_the_right_reason(host, name):
    report = check_environment(f"tests/{name}-v0", host=host)
    failed = {item.name for item in report.items if not item.ok}
    expected = CASES[name][1]
    if expected is None:
        assert report.ok and not failed, report.items
    else:
        assert expected in failed, report.items
        assert not report.ok


def test_probes_an_environment_cannot_have_are_skipped_with_the_reason(host):
    report = check_environment("tests/NoProbes-v0", host=host)
    skipped = {item.name: item.detail for item in report.items if item.skipped}
    assert report.ok and skipped == {"gold probes": "skipped: upstream ships no gold answers",
                                     "hack probes": "skipped: upstream ships no known hacks"}
    assert [i.name for i in report.skipped] == ["gold probes", "hack probes"]
    assert all(i.ok and not i.skipped for i in report.items if i.name not in ("gold probes", "hack probes"))


def test_unmakeable_environment_is_a_failed_check(host):
    host.register_env(EnvSpec("tests/Broken-v0", "no_such_module:Env"))
    report = check_environment("tests/Broken-v0", host=host)
    assert not report.ok and report.items[0].name == "make" and "no_such_module" in report.items[0].detail


def test_a_second_turn_hack_is_named_with_the_turn_it_paid(host):
    report = check_environment("tests/SecondTurnPays-v0", host=host)
    item = next(i for i in report.items if i.name == "hack probes")
    assert not item.ok and "paid at turn(s) [2]" in item.detail


def test_check_fails_under_python_O(tmp_path):
    """No assert gates a check: with -O (asserts stripped) a broken environment still fails."""
    import subprocess
    import sys

    script = tmp_path / "broken.py"
    script.write_text(
        "import sys\n"
        f"sys.path.insert(0, {str(__import__('pathlib').Path(__file__).parent)!r})\n"
        "from envgym import EnvSpec\n"
        "from envgym.check import check_environment\n"
        "from envgym.plugins import PluginHost\n"
        "from test_check import HackWins, WrongGold\n"
        "host = PluginHost(autoload=False, mirror_to_gymnasium=True)\n"
        "host.register_env(EnvSpec('tests/OHack-v0', HackWins))\n"
        "host.register_env(EnvSpec('tests/OGold-v0', WrongGold))\n"
        "for env_id in ('tests/OHack-v0', 'tests/OGold-v0'):\n"
        "    report = check_environment(env_id, host=host)\n"
        "    print(env_id, report.ok, [i.name for i in report.items if not i.ok])\n"
    )
    out = subprocess.run([sys.executable, "-O", str(script)], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.splitlines() == ["tests/OHack-v0 False ['hack probes']", "tests/OGold-v0 False ['gold probes']"]
