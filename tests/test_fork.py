"""Snapshots and forks of running environments (``envgym.snapshot``): forks go their own ways, a
restore replays identically, and environments that cannot be copied say so. Real environments:
GuessNumber and Wordle, Lookup-v0's search tool, a tool environment whose SQLite database the model
writes, CodeRefine-v0 and Repo-v0 in bubblewrap sandboxes."""

from __future__ import annotations

import json
import shutil
import sqlite3
from collections.abc import Mapping
from typing import Any

import numpy as np
import pytest

import envgym
from envgym import Message, Task, TextEnv, Verdict
from envgym.env import Played
from envgym.errors import EnvStateError, SnapshotUnsupported
from envgym.tools import Tool, ToolEnv
from envgym.tools.calls import call_text
from envgym.verify.match import NumberMatch

needs_bwrap = pytest.mark.skipif(shutil.which("bwrap") is None, reason="needs bubblewrap")


def _played(env, actions):
    """Each step's (observation, reward, terminated, reason) for ``actions``, until the episode ends."""
    out = []
    for action in actions:
        obs, reward, terminated, _, info = env.step(action)
        out.append((obs, reward, terminated, info["verdict"].reason))
        if terminated:
            break
    return out


# ---- a game ---------------------------------------------------------------------------------


def test_guess_number_forks_diverge_and_the_original_stays():
    env = envgym.make("envgym/GuessNumber-v0")
    env.reset(seed=11)
    env.step(r"\boxed{50}")
    before = (env.state, env.turn, env._observation())
    low, high, right = envgym.fork(env, 3)
    secret = env.state.secret
    low.step(f"\\boxed{{{env.state.lo}}}")
    high.step(f"\\boxed{{{env.state.hi}}}")
    _, reward, terminated, _, _ = right.step(f"\\boxed{{{secret}}}")
    assert (reward, terminated, right.done) == (1.0, True, True)
    assert not low.done and not high.done and low.state != high.state
    assert low.turn == high.turn == 2 and low._observation() != high._observation()
    assert (env.state, env.turn, env._observation()) == before  # the forks touched nothing of the original
    assert all(f is not env and f.spec.id == env.spec.id for f in (low, high, right))


@pytest.mark.parametrize("env_id, actions", [
    ("envgym/GuessNumber-v0", [r"\boxed{30}", r"\boxed{60}", "no idea", r"\boxed{45}"]),
    ("envgym/Wordle-v0", [r"\boxed{crane}", r"\boxed{slate}", r"\boxed{zzzzz}", r"\boxed{pious}"]),
])
def test_restore_then_the_same_actions_replay_identically(env_id, actions):
    env = envgym.make(env_id)
    env.reset(seed=5)
    env.step(actions[0])
    snap = env.snapshot()
    first = _played(env, actions[1:])
    env.restore(snap)
    assert env.turn == snap.turn == 1 and not env.done
    assert _played(env, actions[1:]) == first
    env.restore(snap)  # the same snapshot again: restoring did not use it up
    assert _played(env, actions[1:]) == first


def test_restore_after_the_original_played_to_the_end():
    env = envgym.make("envgym/GuessNumber-v0")
    env.reset(seed=2)
    env.step(r"\boxed{50}")
    snap = env.snapshot()
    while not env.done:
        env.step(env.gold_action())
    env.reset(seed=99)  # even a new episode: the snapshot is the old one's
    env.restore(snap)
    assert env.turn == 1 and not env.done and env.task == snap.state["task"]
    assert [m["content"] for m in env._observation()][-2] == r"\boxed{50}"
    _, reward, terminated, _, _ = env.step(f"\\boxed{{{env.state.secret}}}")
    assert (reward, terminated) == (1.0, True)


def test_the_random_generator_is_restored():
    env = envgym.make("envgym/GuessNumber-v0")
    env.reset(seed=4)
    snap = env.snapshot()
    drawn = env.np_random.random(3)
    env.restore(snap)
    assert np.array_equal(env.np_random.random(3), drawn)
    other = envgym.make("envgym/GuessNumber-v0")
    other.reset(seed=1000)
    other.restore(snap)
    assert np.array_equal(other.np_random.random(3), drawn) and other.np_random_seed == 4


def test_misuse_is_refused_with_what_to_do():
    env = envgym.make("envgym/GuessNumber-v0")
    with pytest.raises(EnvStateError, match=r"GuessNumber-v0: snapshot\(\) called before reset"):
        env.snapshot()
    env.reset(seed=0)
    snap = env.snapshot()
    with pytest.raises(TypeError, match=r"snapshot of envgym/GuessNumber-v0 \(GuessNumberEnv\) cannot restore a WordleEnv"):
        envgym.make("envgym/Wordle-v0").restore(snap)
    wide = envgym.make("envgym/GuessNumber-v0", high=1000, max_turns=12)
    with pytest.raises(ValueError, match=r"made with other options \(high, max_turns\)"):
        wide.restore(snap)
    with pytest.raises(ValueError, match="n must be a positive integer"):
        envgym.fork(env, 0)


# ---- tool environments ----------------------------------------------------------------------


def test_lookup_fork_keeps_the_budget_account_and_goes_its_own_way():
    env = envgym.make("envgym/Lookup-v0", hops=2)
    env.reset(seed=3)
    env.step(env.gold_action())  # the first hop's search
    used = env.meter.calls
    answer, wrong = envgym.fork(env, 2)
    assert answer.meter is not env.meter and answer.meter.calls == used == 1
    while not answer.done:
        _, reward, *_ = answer.step(answer.gold_action())
    assert reward == 1.0 and answer.meter.calls == 2 and wrong.meter.calls == used  # accounts apart
    _, reward, terminated, _, _ = wrong.step("<answer>nobody</answer>")
    assert (reward, terminated) == (0.0, True)
    assert env.meter.calls == used and env.turn == 1 and not env.done
    _, _, _, _, info = env.step(env.gold_action())  # the original's own second search counts from its account
    assert info["budget"].episode_calls == 2 and answer.meter.calls == 2


@needs_bwrap
def test_toolmath_forks_after_a_sandboxed_python_call():
    env = envgym.make("envgym/ToolMath-v0", kinds=["series"])
    forks = []
    try:
        env.reset(seed=1)
        env.step(env.gold_action())  # the python tool runs the sum in the sandbox; its result is in the conversation
        forks = right, wrong = envgym.fork(env, 2)
        assert right.meter.calls == wrong.meter.calls == env.meter.calls == 1
        _, reward, terminated, _, _ = right.step(right.gold_action())
        assert (reward, terminated) == (1.0, True)
        _, reward, *_ = wrong.step(call_text("python", {"code": "print(6 * 7)"}))
        assert wrong._dicts[-1]["content"].strip() == "42" and wrong.meter.calls == 2
        _, reward, terminated, _, _ = wrong.step(r"\boxed{42}")
        assert (reward, terminated) == (0.0, True)
        assert env.turn == 1 and not env.done and env.meter.calls == 1
    finally:
        for e in (env, *forks):
            e.close()


class Ledger(ToolEnv):
    """The model keeps accounts in an SQLite database through an ``sql`` tool, then reports the
    balance: a tool whose state the environment owns and copies in its snapshot."""

    copied_tools = frozenset({"sql"})

    def __init__(self, render_mode=None):
        self.db = sqlite3.connect(":memory:", check_same_thread=False)
        super().__init__(NumberMatch(), [Tool.from_function(self.sql, stateful=True)], max_turns=6,
                         render_mode=render_mode)

    def sql(self, query: str) -> str:
        """Run one SQL statement on the ledger database and return its rows.

        Args:
            query: The statement, e.g. "INSERT INTO entries VALUES (5)".
        """
        try:
            return json.dumps(self.db.execute(query).fetchall())
        except sqlite3.Error as exc:
            return f"Error: {exc}"

    def reset(self, *, seed=None, options=None):
        self.db.execute("DROP TABLE IF EXISTS entries")
        self.db.execute("CREATE TABLE entries (amount INTEGER)")
        return super().reset(seed=seed, options=options)

    def balance(self) -> int:
        return self.db.execute("SELECT COALESCE(SUM(amount), 0) FROM entries").fetchone()[0]

    def score(self, action: str) -> Verdict:
        return self.verifier.verify(action, self.balance())

    def _save_episode(self) -> dict[str, Any]:
        return {**super()._save_episode(), "db": self.db.serialize()}

    def _load_episode(self, state: Mapping[str, Any]) -> None:
        super()._load_episode(state)
        self.db.deserialize(state["db"])

    def generate_task(self, rng):
        return Task("ledger", (Message("user", "Record the amounts, then report the balance as \\boxed{n}."),), None)

    def gold_action(self):
        return f"\\boxed{{{self.balance()}}}"

    def hack_actions(self):
        return {"empty": ""}


def _insert(amount: int) -> str:
    return call_text("sql", {"query": f"INSERT INTO entries VALUES ({amount})"})


def test_a_tool_environment_with_sqlite_state_forks_its_database():
    env = Ledger()
    env.reset(seed=0)
    env.step(_insert(10))
    a, b = envgym.fork(env, 2, make=Ledger)
    assert a.db is not env.db and (a.balance(), b.balance()) == (10, 10)
    a.step(_insert(5))
    b.step(_insert(-3))
    assert (env.balance(), a.balance(), b.balance()) == (10, 15, 7)
    assert a.step(r"\boxed{15}")[1] == 1.0 and b.step(r"\boxed{15}")[1] == 0.0
    snap = env.snapshot()
    env.step(_insert(100))
    env.restore(snap)
    assert env.balance() == 10 and env.turn == 1


def test_a_stateful_tool_nobody_copies_cannot_be_forked():
    class Uncopied(Ledger):
        copied_tools = frozenset()

    env = Uncopied()
    env.reset(seed=0)
    built = []
    with pytest.raises(SnapshotUnsupported, match=r"Uncopied cannot be snapshot or forked: its tool\(s\) 'sql' keep state"):
        envgym.fork(env, 2, make=lambda: built.append(1) or Uncopied())
    assert built == []  # refused before building a copy


COUNTER_SERVER = """
from mcp.server.mcpserver import MCPServer

app = MCPServer("envgym-fork-test", log_level="WARNING")
count = 0


@app.tool()
def bump() -> int:
    \"\"\"Add one to the server's counter and return it.\"\"\"
    global count
    count += 1
    return count


app.run()
"""


def test_mcp_tools_keep_state_in_their_server_so_their_environment_cannot_fork(tmp_path):
    pytest.importorskip("mcp", reason="needs the mcp package: pip install 'envgym[mcp]'")
    import sys

    from envgym.tools.mcp import mcp_tools

    script = tmp_path / "counter.py"
    script.write_text(COUNTER_SERVER)
    with open(tmp_path / "server.log", "w") as log:
        server, tools = mcp_tools(sys.executable, [str(script)], errlog=log)
        try:
            env = Ledger()
            env.tools = {**env.tools, **{t.name: t for t in tools}}
            env.reset(seed=0)
            env.step(call_text("bump", {}))
            assert env._dicts[-1]["content"] == "1" and all(t.stateful for t in tools)
            with pytest.raises(SnapshotUnsupported, match=r"Ledger cannot be snapshot or forked: its tool\(s\) 'bump' "
                                                          r"keep state between calls"):
                envgym.fork(env, 2, make=Ledger)
        finally:
            server.close()


class Tally(TextEnv):
    """Keeps a count of its own in ``_play`` and does not declare it: envgym cannot know to copy it."""

    def __init__(self, render_mode=None):
        super().__init__(NumberMatch(), max_turns=5, render_mode=render_mode)
        self.count = 0

    def _play(self, action: str) -> Played:
        self.count += 1
        return Played(self.score(action))

    def generate_task(self, rng):
        return Task("t", (Message("user", "Say 3."),), 3)

    def gold_action(self):
        return "3"

    def hack_actions(self):
        return {"empty": ""}


def test_an_environment_that_keeps_undeclared_state_says_so():
    env = Tally()
    env.reset(seed=0)
    with pytest.raises(SnapshotUnsupported, match=r"Tally cannot be snapshot or forked: class Tally overrides _play "
                                                  r"but does not declare its episode state: give it _save_episode"):
        env.snapshot()
    with pytest.raises(SnapshotUnsupported, match="Tally"):
        envgym.fork(env, 2, make=Tally)

    class Opaque(TextEnv):
        snapshot_unsupported = "its game runs in an upstream engine whose state cannot be copied"

    with pytest.raises(SnapshotUnsupported, match="Opaque cannot be snapshot or forked: its game runs in an upstream"):
        Opaque(NumberMatch()).snapshot()


def test_a_fork_of_an_environment_made_without_envgym_make_needs_a_maker():
    env = Ledger()
    env.reset(seed=0)
    with pytest.raises(envgym.EnvgymError, match=r"Ledger was not made with envgym.make.*pass make="):
        envgym.fork(env, 1)


# ---- sandboxed environments -----------------------------------------------------------------


@needs_bwrap
def test_code_refine_forks_mid_episode_and_each_fork_runs_its_own_tests():
    from envgym_code.hacks import python_block

    env = envgym.make("envgym/CodeRefine-v0", tasks=["to_roman"])
    try:
        env.reset(seed=0)
        wrong = python_block(env.task.reference.wrong[0])
        _, first, *_ = env.step(wrong)
        fixed, again = envgym.fork(env, 2)
        try:
            _, reward, terminated, _, _ = fixed.step(fixed.gold_action())
            assert (reward, terminated) == (1.0, True)
            _, reward, terminated, _, info = again.step(wrong)
            assert (reward, terminated, info["turn"]) == (first, False, 2)
            assert env.turn == 1 and not env.done  # the original waits at its first feedback
        finally:
            fixed.close()
            again.close()
    finally:
        env.close()


@needs_bwrap
def test_repo_forks_copy_the_working_copy_and_are_graded_apart():
    env = envgym.make("envgym/Repo-v0", tasks=["semver_compare_numeric"])
    forks = []
    try:
        env.reset(seed=0)
        env.step(call_text("bash", {"command": "echo trunk > NOTES.txt"}))  # a change made in the sandbox
        assert env.workspace.files["NOTES.txt"] == b"trunk\n"
        snap = env.snapshot()
        forks = fixed, idle = envgym.fork(env, 2)
        fixed.step("\n".join(call_text("write_file", {"path": p, "content": d.decode()})
                              for p, d in sorted(fixed.task.reference.solution.items())))
        fixed.step(call_text("bash", {"command": "echo fork >> NOTES.txt"}))
        assert fixed.workspace.files["NOTES.txt"] == b"trunk\nfork\n"
        assert idle.workspace.files == env.workspace.files == snap.state["files"]
        _, reward, terminated, _, info = fixed.step("Fixed the comparison.")
        assert (reward, terminated, info["verdict"].correct) == (1.0, True, True)
        _, reward, terminated, _, info = idle.step("Done.")
        assert (reward, terminated) == (0.0, True) and "no source file was changed" in info["verdict"].reason
        env.restore(snap)
        assert env.turn == 1 and env.workspace.files["NOTES.txt"] == b"trunk\n"
    finally:
        for e in (env, *forks):
            e.close()


# ---- the collector's branch_at ----------------------------------------------------------------


@pytest.fixture(scope="module")
def tiny_policy():
    pytest.importorskip("torch")
    from envgym.models import build_model, build_tokenizer

    tokenizer = build_tokenizer()
    return envgym.make_policy("hf", build_model(tokenizer, seed=3), tokenizer, name="tiny")


def _collect(policy, branch_at, seeds=(0, 1), env_id="envgym/GuessNumber-v0", env_kwargs=None):
    from envgym.policy.base import SamplingParams
    from envgym.rollout.collector import RolloutConfig, collect

    config = RolloutConfig(group_size=3, sampling=SamplingParams(max_tokens=6, seed=5), max_context_tokens=2048,
                           branch_at=branch_at)
    return collect(env_id, policy, seeds=list(seeds), config=config,
                   env_kwargs={"max_turns": 4, "high": 10} if env_kwargs is None else env_kwargs)


def test_branch_at_starts_a_group_from_one_mid_episode_state(tiny_policy):
    trajectories = _collect(tiny_policy, branch_at=2)
    assert len(trajectories) == 6
    for seed in (0, 1):
        group = sorted((t for t in trajectories if t.seed == seed), key=lambda t: t.sample)
        trunk = group[0]
        for t in group:
            assert t.metadata["branched_at"] == 2 and len(t.turns) == 4  # all four turns, not 2 + 4
            assert [(u.prompt_ids, u.completion_ids, u.text) for u in t.turns[:2]] == \
                [(u.prompt_ids, u.completion_ids, u.text) for u in trunk.turns[:2]]
            assert t.turns[2].prompt_ids == trunk.turns[2].prompt_ids  # the same state, the trunk's reply included
            # the branch's environment was the trunk's: replaying its actions from the reset gives the same episode
            env = envgym.make("envgym/GuessNumber-v0", max_turns=4, high=10)
            env.reset(seed=seed)
            replayed = [env.step(u.text) for u in t.turns]
            assert [r[1] for r in replayed] == [u.reward for u in t.turns]
            assert [tuple(Message.from_dict(m) for m in r[4]["replies"]) for r in replayed] == \
                [u.env_messages for u in t.turns]
        assert len({t.turns[2].completion_ids for t in group}) > 1  # the branches went their own ways
        assert trunk.cost.model_calls == 4 and [t.cost.model_calls for t in group[1:]] == [2, 2]  # shared turns paid once


def test_without_branch_at_samples_play_from_the_reset(tiny_policy):
    trajectories = _collect(tiny_policy, branch_at=None, seeds=(0,))
    assert all("branched_at" not in t.metadata for t in trajectories)
    assert len({t.turns[0].completion_ids for t in trajectories}) > 1


def test_branch_at_on_an_environment_that_cannot_fork_says_so(tiny_policy):
    if "tests/Tally-v0" not in envgym.list_envs():
        envgym.register("tests/Tally-v0", Tally)
    with pytest.raises(SnapshotUnsupported, match="tests/Tally-v0 cannot be snapshot or forked: class Tally overrides _play"):
        _collect(tiny_policy, branch_at=1, seeds=(0,), env_id="tests/Tally-v0", env_kwargs={})
    with pytest.raises(ValueError, match="branch_at must be a positive number of turns"):
        _collect(tiny_policy, branch_at=0)


def test_fork_bench_prints_ratios_first():
    import subprocess
    import sys
    from pathlib import Path

    bench = Path(__file__).resolve().parents[1] / "bench" / "fork.py"
    out = subprocess.run([sys.executable, str(bench), "--repeats", "2", "--no-sandbox"], capture_output=True, text=True,
                         timeout=300)
    assert out.returncode == 0, out.stderr[-3000:]
    values = dict(line.split(": ", 1) for line in out.stdout.strip().splitlines())
    names = list(values)
    assert names[:4] == ["guess_number_replay_over_restore", "guess_number_replay_over_fork",
                         "lookup_replay_over_restore", "lookup_replay_over_fork"]
    assert all(float(v) > 0 for v in values.values())
