"""Tool budgets (issue 18): the cases the issue measured, with the real tools, each now bounded.

Without budgets: ten looping python calls took 50 s in one step, ten ``9^9^9^9`` calculator calls
36 s, 5,000 searches 6.6 s, oversized arguments ran, and 5,000 failed calls earned -500. Wall-time
margins are generous (shared machines): the point is that a step takes about its budget.
"""

from __future__ import annotations

import json
import time

import pytest

import envgym
from envgym import Message, Task
from envgym.tools import BudgetUse, ToolBudget, ToolEnv, tool
from envgym.tools.python import close_shared_sandbox

TOOL_MATH, LOOKUP = "envgym/ToolMath-v0", "envgym/Lookup-v0"
MARGIN_S = 4.0


def call(name: str, **arguments) -> str:
    return f"<tool_call>{json.dumps({'name': name, 'arguments': arguments})}</tool_call>"


def timed_step(env, action):
    start = time.monotonic()
    obs, reward, terminated, truncated, info = env.step(action)
    return time.monotonic() - start, obs, reward, terminated, info


@pytest.fixture(autouse=True, scope="module")
def no_warm_sandbox_left():
    yield
    close_shared_sandbox()  # also kills a run the budget stopped waiting for


def test_looping_python_calls_stop_at_the_action_time_budget():
    env = envgym.make(TOOL_MATH, budget={"seconds_per_action": 3.0})
    env.reset(seed=0)
    elapsed, obs, reward, terminated, info = timed_step(env, call("python", code="while True: pass") * 10)
    assert elapsed < 3.0 + MARGIN_S  # 50 s without a budget (5 s each, one after another)
    use: BudgetUse = info["budget"]
    assert use.calls_run == 1 and use.calls_cut == 9 and not terminated
    assert "the tool time budget ran out" in obs[-2]["content"]  # the one run, stopped at the budget
    assert obs[-1]["content"] == "Error: tool budget: 9 of 10 calls not run (action tool time limit 3 s used up)"
    assert info["verdict"].details["tool_calls_cut"] == 9


def test_huge_calculator_powers_stop_at_the_action_time_budget_and_the_episode_budget_holds():
    env = envgym.make(TOOL_MATH, budget={"seconds_per_action": 4.0, "seconds_per_episode": 6.0})
    env.reset(seed=0)
    elapsed, obs, _, _, info = timed_step(env, call("calculator", expression="9^9^9^9") * 10)
    assert elapsed < 4.0 + MARGIN_S  # 36 s without a budget
    assert info["budget"].calls_cut >= 8 and "action tool time limit 4 s" in obs[-1]["content"]
    elapsed, obs, _, _, info = timed_step(env, call("calculator", expression="9^9^9^9") * 10)
    assert elapsed < 2.0 + MARGIN_S  # the episode's 6 s are (nearly) spent after the first turn
    assert info["budget"].episode_seconds < 6.0 + MARGIN_S
    elapsed, obs, _, _, info = timed_step(env, call("calculator", expression="2+2"))
    assert elapsed < 1.0 and info["budget"].calls_run == 0
    assert obs[-1]["content"] == "Error: tool budget: 1 of 1 calls not run (episode tool time limit 6 s used up)"


def test_thousands_of_searches_run_only_the_budget_and_share_one_cut_message():
    env = envgym.make(LOOKUP)  # the default budget: 8 calls per action
    env.reset(seed=0)
    action = '<tool_call>{"name":"search","arguments":{"query":"bridge"}}</tool_call>' * 2500  # under the cap
    elapsed, obs, reward, _, info = timed_step(env, action)
    assert elapsed < 1.0 + MARGIN_S
    assert (info["budget"].calls_run, info["budget"].calls_cut) == (8, 2492)
    assert len(info["replies"]) == 9  # eight results, then one message for everything cut
    assert info["replies"][-1]["content"] == "Error: tool budget: 2492 of 2500 calls not run (action limit 8 calls)"
    assert reward == pytest.approx(-1.0)  # 2492 cut calls fail, but the penalty stops at max_penalty


def test_the_episode_call_limit_carries_across_turns():
    env = envgym.make(LOOKUP, budget=ToolBudget(calls_per_action=3, calls_per_episode=5))
    env.reset(seed=0)
    _, _, _, _, info = timed_step(env, call("search", query="bridge") * 3)
    assert (info["budget"].calls_run, info["budget"].calls_cut) == (3, 0) and info["budget"].note == ""
    _, obs, _, _, info = timed_step(env, call("search", query="bridge") * 3)
    assert (info["budget"].calls_run, info["budget"].calls_cut, info["budget"].episode_calls) == (2, 1, 5)
    assert obs[-1]["content"] == "Error: tool budget: 1 of 3 calls not run (episode limit 5 calls)"
    env.reset(seed=1)  # a new episode, a new account
    _, _, _, _, info = timed_step(env, call("search", query="bridge") * 3)
    assert info["budget"].calls_cut == 0


def test_oversized_arguments_are_refused_without_running():
    ran = []

    @tool
    def record(text: str) -> str:
        """Remember a text."""
        ran.append(len(text))
        return "ok"

    class Record(ToolEnv):
        def generate_task(self, rng):
            return Task("t", (Message("user", "q"),), 1)

    env = Record(envgym.make_verifier("number"), [record], budget={"max_argument_chars": 1000})
    env.reset(seed=0)
    _, obs, _, _, info = timed_step(env, call("record", text="x" * 5000) + call("record", text="short"))
    assert ran == [5]
    assert info["budget"].calls_refused == 1 and info["verdict"].details["tool_errors"] == 1
    assert obs[-2]["content"] == ("Error: the arguments of 'record' are 5012 characters long; the limit is 1000 "
                                  "characters: the call was not run")

    env = envgym.make(TOOL_MATH)  # the default: 20,000 characters, here through the real python tool
    env.reset(seed=0)
    elapsed, obs, _, _, info = timed_step(env, call("python", code="while True: pass\n" + "#" * 30_000))
    assert elapsed < 1.0 and info["budget"].calls_refused == 1 and "was not run" in obs[-1]["content"]


def test_an_action_over_the_action_cap_runs_nothing_and_ends_the_episode():
    env = envgym.make(TOOL_MATH)
    env.reset(seed=0)
    action = call("python", code="while True: pass") * 5000  # about 260,000 characters
    assert len(action) > env.action_space.max_length
    elapsed, _, reward, terminated, info = timed_step(env, action)
    assert elapsed < 1.0 and reward == 0.0 and terminated
    assert "over the limit of 200000" in info["verdict"].reason and "no tool call in it was run" in info["verdict"].reason


def test_failure_penalties_are_bounded_per_episode():
    env = envgym.make(TOOL_MATH, budget={"calls_per_action": 100, "calls_per_episode": 1000}, max_turns=6)
    env.reset(seed=0)
    rewards, terminated = [], False
    while not terminated:
        _, _, reward, terminated, info = timed_step(env, '<tool_call>{"name":"x"}</tool_call>' * 5000)
        rewards.append(reward)
    assert sum(rewards) == pytest.approx(-1.0)  # -500 per turn without a bound; ToolBudget.max_penalty is 1
    assert rewards[0] == pytest.approx(-1.0) and rewards[1:] == [0.0] * 5
    assert info["budget"].penalty_waived == pytest.approx(500.0)


def test_openai_messages_get_every_cut_call_id_answered():
    env = envgym.make(TOOL_MATH, budget={"calls_per_action": 2})
    env.reset(seed=0)
    calls = [{"id": f"c{i}", "type": "function",
              "function": {"name": "calculator", "arguments": json.dumps({"expression": f"{i}+1"})}} for i in range(5)]
    _, obs, _, _, info = timed_step(env, {"role": "assistant", "content": "", "tool_calls": calls})
    tool_messages = [m for m in obs if m["role"] == "tool"]
    assert [m["tool_call_id"] for m in tool_messages] == [f"c{i}" for i in range(5)]
    assert [m["content"] for m in tool_messages[:2]] == ["1", "2"]
    assert tool_messages[2]["content"] == "Error: tool budget: 3 of 5 calls not run (action limit 2 calls)"
    assert info["budget"].calls_cut == 3


def test_budget_fields_are_checked_with_errors_that_name_them():
    with pytest.raises(ValueError, match="ToolBudget.calls_per_action must be a number more than 0"):
        ToolBudget(calls_per_action=0)
    with pytest.raises(ValueError, match="unknown tool budget field.*'seconds'.*seconds_per_action"):
        envgym.make(TOOL_MATH, budget={"seconds": 3})
    assert ToolBudget.of(None) == ToolBudget() and ToolBudget(max_penalty=0).max_penalty == 0
