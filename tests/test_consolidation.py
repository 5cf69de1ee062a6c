"""Tool-use demonstrations and consolidation: gold answers as tool calls, scaffold traces as bare answers.

The tool-use demo (examples/tools.yaml) teaches the model to call the calculator from
demonstrations, then consolidates the scaffold's verified traces into the bare policy. These tests
pin the two conversions on the real collector, tokenizer and calculator, with a scripted policy
that replays a demonstration, so the expected tokens are known.
"""

from __future__ import annotations

import dataclasses

import pytest

pytest.importorskip("torch")

import envgym  # noqa: E402
from envgym.learn.traces import consolidated, gold_traces  # noqa: E402
from envgym.models import build_tokenizer  # noqa: E402
from envgym.policy.base import SamplingParams  # noqa: E402
from envgym.rollout.scaffold import ToolLoop  # noqa: E402
from envgym.rollout.collector import RolloutConfig, collect  # noqa: E402
from envgym.learn.sequences import training_sequence  # noqa: E402
from scripted import ScriptedPolicy  # noqa: E402

ARITH = "envgym/Arithmetic-v0"
CONFIG = RolloutConfig(sampling=SamplingParams(max_tokens=96, seed=0), max_context_tokens=1024)


@pytest.fixture(scope="module")
def tokenizer():
    return build_tokenizer()


def replaying(tokenizer, env, seeds):
    """A policy that plays the tool loop's demonstration of each task's gold answer, turn by turn."""
    scripts = {}
    for seed in seeds:
        obs, info = env.reset(seed=seed)
        demo = ToolLoop(ScriptedPolicy(tokenizer, lambda p, k: ""), prompt="brief").demonstration(env.gold_action())
        scripts[obs[-1]["content"]] = [m["content"] for m in demo if m["role"] == "assistant"]

    def script(prompt, k):
        question = next(q for q in scripts if q in prompt)
        return scripts[question][prompt.count("<|im_start|>tool")]

    return ScriptedPolicy(tokenizer, script)


@pytest.mark.parametrize("difficulty", [2, 3])
def test_gold_answers_become_calculator_calls_with_real_results(tokenizer, difficulty):
    env = envgym.make(ARITH, difficulty=difficulty)
    seeds = [3, 4, 5]
    scaffold = ToolLoop(ScriptedPolicy(tokenizer, lambda p, k: ""), prompt="brief")
    traces = gold_traces(env, seeds, tokenizer, scaffold)
    for seed, trace in zip(seeds, traces):
        env.reset(seed=seed)
        steps = len(env.unwrapped.task.metadata["tree"].steps())
        roles = [m.role for m in trace.messages]
        assert roles == ["system", "user"] + ["assistant", "tool"] * steps + ["assistant"]
        assert trace.messages[0].content.startswith(env.unwrapped.system_prompt) and "calculator(expression)" in trace.messages[0].content
        tool_results = [m.content for m in trace.messages if m.role == "tool"]
        assert tool_results[-1] == str(env.unwrapped.task.reference)  # the calculator's own last result is the answer
        assert trace.correct and len(trace.turns) == steps + 1 and trace.provenance.source.endswith("via tool_loop")


def test_a_demonstration_trains_the_tokens_the_tool_loop_samples(tokenizer):
    """SFT on a demonstration must target exactly the token sequence a rollout of the same answers has."""
    env = envgym.make(ARITH, difficulty=3)
    seeds = [11, 12]
    demos = gold_traces(env, seeds, tokenizer, ToolLoop(ScriptedPolicy(tokenizer, lambda p, k: ""), prompt="brief"))
    played = collect(ARITH, ToolLoop(replaying(tokenizer, env, seeds), prompt="brief"), seeds, CONFIG,
                     env_kwargs={"difficulty": 3})
    for demo, rollout in zip(demos, played):
        assert rollout.correct
        ids, mask, _ = training_sequence(demo)
        rollout_ids, rollout_mask, _ = training_sequence(rollout)
        assert ids == rollout_ids and mask == rollout_mask


def test_consolidation_writes_the_tool_results_into_one_bare_answer(tokenizer):
    env = envgym.make(ARITH, difficulty=3)
    seeds = [21, 22, 23]
    scaffold = ToolLoop(replaying(tokenizer, env, seeds), prompt="brief")
    played = collect(ARITH, scaffold, seeds, CONFIG, env_kwargs={"difficulty": 3})
    bare = consolidated(env, played, scaffold, tokenizer)
    for seed, t in zip(seeds, bare):
        obs, _ = env.reset(seed=seed)
        assert [m.role for m in t.messages] == ["system", "user", "assistant"]  # the environment's own prompt
        assert t.messages[0].content == obs[0]["content"] and "calculator" not in t.messages[0].content
        answer = t.messages[-1].content
        assert answer == env.unwrapped.gold_action()  # the steps, worked by the tool, then the answer
        assert env.step(answer)[4]["verdict"].correct
        assert len(t.turns) == 1 and t.turns[0].logprobs is None  # a token target, not an on-policy sample
    with pytest.raises(ValueError, match="gives task"):
        consolidated(env, [dataclasses.replace(played[0], seed=99)], scaffold, tokenizer)


def test_bare_answer_names_other_tools_by_their_arguments(tokenizer):
    from envgym.types import Message, Provenance, Trajectory, Turn

    call = '<tool_call>\n{"name": "search", "arguments": {"query": "Oskeld"}}\n</tool_call>'
    turns = (Turn((), (), None, call, 0.0, env_messages=(Message("tool", "Oskeld is a river.", name="search"),)),
             Turn((), (), None, "It is a river.", 1.0))
    t = Trajectory("x", "t", 0, (), turns, 1.0, True, Provenance("off_policy", source="test"))
    assert ToolLoop(ScriptedPolicy(tokenizer, lambda p, k: "")).bare_answer(t) == \
        "search(query='Oskeld') = Oskeld is a river.\nIt is a river."
