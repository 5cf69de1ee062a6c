"""Scaffolds: best-of-n, self-refine and the tool loop, through the real collector.

Behaviour is pinned with a scripted policy (tests/scripted.py) whose answers are known; the same
scaffolds also run on the real tiny transformers model, where the token-in/token-out property
and the cost accounting must hold whatever it samples.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

import numpy as np
import pytest

torch = pytest.importorskip("torch")

import envgym  # noqa: E402
from envgym import Message, Task, TextEnv, Verdict  # noqa: E402
from envgym.models import build_model, build_tokenizer  # noqa: E402
from envgym.policy.base import SamplingParams  # noqa: E402
from envgym.rollout.scaffold import CRITIQUE, REVISE_AFTER_CRITIQUE, BestOfN, SelfRefine, ToolLoop  # noqa: E402
from envgym.rollout.collector import RolloutConfig, collect  # noqa: E402
from envgym.learn.sequences import training_sequence  # noqa: E402
from envgym.rollout.pool import LocalEnvPool  # noqa: E402
from envgym.rollout.store import TrajectoryStore  # noqa: E402
from envgym.verify.match import NumberMatch  # noqa: E402
from scripted import ScriptedPolicy  # noqa: E402

PICK, MULTIPLY = "tests/Pick-v0", "tests/Multiply-v0"
CONFIG = RolloutConfig(sampling=SamplingParams(max_tokens=40, seed=1), max_context_tokens=1500)  # tools' schemas are long


class Pick(TextEnv):
    """Guess a number from 0 to 3 in one try; a wrong guess is answered with a hint."""

    def __init__(self, render_mode=None):
        super().__init__(NumberMatch(), render_mode=render_mode)

    def generate_task(self, rng: np.random.Generator) -> Task:
        n, game = int(rng.integers(0, 4)), int(rng.integers(0, 10**6))  # the game number tells seeds apart
        return Task(f"pick-{n}-{game}", (Message("user", f"Game {game}: pick a number from 0 to 3."),), n)

    def feedback(self, verdict: Verdict):
        return [Message("user", f"No ({verdict.reason}). Hint: it is {self.task.reference}.")]

    def gold_action(self) -> str:
        return str(self.task.reference)

    def hack_actions(self) -> Mapping[str, str]:
        return {"empty": "", "words": "zero one two three"}


class Multiply(TextEnv):
    """Multiply two four-digit numbers: hard to guess, easy with a calculator."""

    def __init__(self, render_mode=None):
        super().__init__(NumberMatch(), render_mode=render_mode)

    def generate_task(self, rng: np.random.Generator) -> Task:
        a, b = (int(x) for x in rng.integers(1000, 9999, size=2))
        return Task(f"{a}*{b}", (Message("system", "Answer with a number."), Message("user", f"What is {a}*{b}?")), a * b)

    def gold_action(self) -> str:
        return str(self.task.reference)

    def hack_actions(self) -> Mapping[str, str]:
        return {"empty": ""}


@pytest.fixture(scope="module")
def tokenizer():
    for env_id, cls in ((PICK, Pick), (MULTIPLY, Multiply)):
        if env_id not in envgym.list_envs():
            envgym.register(env_id, cls)
    return build_tokenizer()


@pytest.fixture(scope="module")
def tiny(tokenizer):
    return envgym.make_policy("hf", build_model(tokenizer, seed=3), tokenizer, name="tiny")


def counting(tokenizer):
    """Answers 0, 1, 2, 3, 0, ... in call order: of any four calls exactly one is right."""
    return ScriptedPolicy(tokenizer, lambda prompt, k: str(k % 4))


def assert_tokens_in_tokens_out(trajectory):
    ids, mask, _ = training_sequence(trajectory)
    assert [t for t, m in zip(ids, mask) if m] == [t for turn in trajectory.turns for t in turn.completion_ids]


# ---- best-of-n ----------------------------------------------------------------------------


def test_best_of_n_finds_the_right_candidate_the_bare_policy_misses(tokenizer):
    seeds = list(range(8))
    bare = collect(PICK, counting(tokenizer), seeds, CONFIG)
    best = collect(PICK, BestOfN(counting(tokenizer), n=4), seeds, CONFIG)
    assert sum(t.correct for t in bare) < len(seeds)  # the bare answers 0,1,2,3,0,...: some are wrong
    assert all(t.correct for t in best)
    for t in best:
        assert t.provenance.scaffold == "best_of_n"
        assert t.cost.model_calls == 4 and len(t.turns) == 1
        assert len(t.metadata["attempts"][0]) == 3
        assert all(a["reward"] == 0.0 for a in t.metadata["attempts"][0])
        assert t.turns[0].logprobs is not None  # the chosen sample was drawn from this very prompt


def test_best_of_n_on_the_tiny_model_pays_for_every_candidate(tiny):
    bare = collect(PICK, tiny, [0, 1], CONFIG)
    best = collect(PICK, BestOfN(tiny, n=3), [0, 1], CONFIG)
    for b, s in zip(bare, best):
        assert s.cost.model_calls == 3 * b.cost.model_calls
        assert s.cost.prompt_tokens == b.cost.prompt_tokens  # one request: the prompt is billed once
        kept = len(s.turns[0].completion_ids)
        # the two discarded candidates are paid for too: at least a token each, at most max_tokens
        assert kept + 2 <= s.cost.completion_tokens <= kept + 2 * CONFIG.sampling.max_tokens
        assert len(s.metadata["attempts"][0]) == 2
        assert_tokens_in_tokens_out(s)


# ---- self-refine -----------------------------------------------------------------------------


def hint_reader(tokenizer):
    """Answers 9 (always wrong) unless the prompt holds a hint, which it then follows."""
    def script(prompt, k):
        hints = re.findall(r"Hint: it is (\d)", prompt)
        return hints[-1] if hints else "9"
    return ScriptedPolicy(tokenizer, script)


def test_self_refine_revises_after_environment_feedback(tokenizer):
    policy = hint_reader(tokenizer)
    bare = collect(PICK, policy, [0, 1, 2], CONFIG)
    refined = collect(PICK, SelfRefine(hint_reader(tokenizer), max_revisions=1), [0, 1, 2], CONFIG)
    assert not any(t.correct for t in bare)
    assert all(t.correct for t in refined)
    for t in refined:
        turn, = t.turns
        assert t.cost.model_calls == 2
        assert turn.logprobs is None  # the revision was sampled after a hint the conversation does not keep
        assert "Hint" not in tokenizer.decode(list(turn.prompt_ids))  # consolidation: bare prompt, refined answer
        assert [m.role for m in t.messages] == ["user", "assistant"]
        draft, = t.metadata["attempts"][0]
        assert draft["text"] == "9" and draft["reward"] == 0.0
        assert_tokens_in_tokens_out(t)


def test_self_refine_stops_at_the_first_correct_draft(tokenizer):
    policy = ScriptedPolicy(tokenizer, lambda prompt, k: re.findall(r"Hint: it is (\d)", prompt)[-1] if "Hint" in prompt else "0")
    refined = collect(PICK, SelfRefine(policy, max_revisions=3), list(range(12)), CONFIG)
    for t in refined:
        expected_calls = 1 if t.task_id.startswith("pick-0-") else 2
        assert t.cost.model_calls == expected_calls and t.correct
        assert (t.turns[0].logprobs is None) == (expected_calls == 2)


def test_self_refine_with_self_critique_never_asks_the_verifier(tokenizer):
    def script(prompt, k):
        if prompt.rstrip().endswith(CRITIQUE + "<|im_end|>\n<|im_start|>assistant"):
            return "the answer looks wrong"
        if REVISE_AFTER_CRITIQUE in prompt:
            return "2"
        return "9"
    policy = ScriptedPolicy(tokenizer, script)
    pool = LocalEnvPool(PICK)
    scored = []
    original = pool.score
    pool.score = lambda actions: scored.append(actions) or original(actions)
    refined = collect(pool, SelfRefine(policy, max_revisions=2, critique="self"), [0, 1, 2, 3], CONFIG)
    pool.close()
    assert scored == []  # no verifier in the loop
    assert all(t.cost.model_calls == 1 + 2 * 2 for t in refined)
    assert [t.turns[0].text for t in refined] == ["2"] * 4
    assert [t.correct for t in refined] == [t.task_id.startswith("pick-2-") for t in refined]
    critiques = [p for p in policy.prompts if p.count("the answer looks wrong") == 1 and p.endswith("<|im_start|>assistant\n")]
    assert critiques  # the revision request came after the model's own check


def test_self_refine_on_the_tiny_model_keeps_tokens_and_costs(tiny):
    refined = collect(PICK, SelfRefine(tiny, max_revisions=1, critique="self"), [0, 1], CONFIG)
    for t in refined:
        assert t.cost.model_calls == 3 and t.provenance.scaffold == "self_refine"
        assert_tokens_in_tokens_out(t)


# ---- tool loop ---------------------------------------------------------------------------------


def calculator_user(tokenizer, broken_first: bool = False):
    """Calls the calculator on the question, then answers with the tool's result."""
    def script(prompt, k):
        results = re.findall(r"<\|im_start\|>tool\n(.*?)<\|im_end\|>", prompt, re.S)
        if results and re.fullmatch(r"-?\d+", results[-1].strip()):
            return results[-1].strip()
        if broken_first and not results:
            return '<tool_call>{"name": "calculator", "arguments": {"expression": </tool_call>'
        a, b = re.findall(r"What is (\d+)\*(\d+)\?", prompt)[-1]
        return f'<tool_call>{{"name": "calculator", "arguments": {{"expression": "{a}*{b}"}}}}</tool_call>'
    return ScriptedPolicy(tokenizer, script)


def test_tool_loop_answers_with_the_tool_result(tokenizer):
    bare = collect(MULTIPLY, calculator_user(tokenizer), [0, 1, 2], CONFIG)
    tooled = collect(MULTIPLY, ToolLoop(calculator_user(tokenizer)), [0, 1, 2], CONFIG)
    assert not any(t.correct for t in bare)  # the bare policy only emits a call nobody runs
    assert all(t.correct for t in tooled)
    for t in tooled:
        call, answer = t.turns
        assert call.verdict is None and call.reward == 0.0 and call.cost.tool_calls == 1
        assert [m.role for m in call.env_messages] == ["tool"]
        assert answer.verdict.correct
        assert t.cost.tool_calls == 1 and t.cost.model_calls == 2
        assert [m.role for m in t.messages] == ["system", "user", "assistant", "tool", "assistant"]
        assert "<tools>" in t.messages[0].content and t.messages[0].content.startswith("Answer with a number.")
        assert_tokens_in_tokens_out(t)


def test_tool_loop_turns_a_malformed_call_into_a_message_and_goes_on(tokenizer):
    policy = calculator_user(tokenizer, broken_first=True)
    tooled = collect(MULTIPLY, ToolLoop(policy), [0, 1], CONFIG)
    for t in tooled:
        assert t.correct and t.cost.tool_calls == 2 and len(t.turns) == 3
        error = t.turns[0].env_messages[0]
        assert error.role == "tool" and "json" in error.content.lower()


def test_tool_loop_stops_calling_at_max_calls(tokenizer):
    always_calls = ScriptedPolicy(tokenizer, lambda p, k: '<tool_call>{"name": "calculator", "arguments": {"expression": "1+1"}}</tool_call>')
    t, = collect(MULTIPLY, ToolLoop(always_calls, max_calls=2), [0], CONFIG)
    assert t.cost.tool_calls == 2 and t.cost.model_calls == 3 and not t.correct
    assert t.turns[-1].verdict is not None  # the third completion was judged as the answer


def test_tool_loop_holds_calls_to_the_tool_budget(tokenizer):
    many = '<tool_call>{"name": "calculator", "arguments": {"expression": "1+1"}}</tool_call>' * 6
    spammer = ScriptedPolicy(tokenizer, lambda p, k: many)
    config = RolloutConfig(sampling=SamplingParams(max_tokens=400, seed=1), max_context_tokens=8000)
    t, = collect(MULTIPLY, ToolLoop(spammer, max_calls=3, budget={"calls_per_action": 4, "calls_per_episode": 6}),
                 [0], config)
    first, second, third, _ = t.turns
    assert [m.content for m in first.env_messages] == ["2"] * 4 + [
        "Error: tool budget: 2 of 6 calls not run (action limit 4 calls)"]
    assert [m.content for m in second.env_messages] == ["2"] * 2 + [
        "Error: tool budget: 4 of 6 calls not run (episode limit 6 calls)"]
    assert [m.content for m in third.env_messages] == [
        "Error: tool budget: 6 of 6 calls not run (episode limit 6 calls)"]
    assert t.cost.tool_calls == 6


def test_scaffolded_trajectories_survive_the_store(tokenizer, tmp_path):
    store = TrajectoryStore(tmp_path / "t.jsonl")
    written = collect(MULTIPLY, ToolLoop(calculator_user(tokenizer)), [0, 1], CONFIG, store=store)
    written += collect(PICK, SelfRefine(hint_reader(tokenizer)), [0, 1], CONFIG, store=store)
    assert list(store) == written


# ---- the collector around them ------------------------------------------------------------------


class Slow(Pick):
    """Records whether the model was generating while this environment was being stepped."""

    policy: ScriptedPolicy | None = None
    seen: list[bool] = []

    def score(self, action):
        Slow.seen.append(Slow.policy.generating.wait(timeout=1.0))
        return super().score(action)


@pytest.mark.parametrize("overlap", [True, False])
def test_environments_are_stepped_while_the_model_generates(tokenizer, overlap):
    if "tests/Slow-v0" not in envgym.list_envs():
        envgym.register("tests/Slow-v0", Slow)
    Slow.policy = ScriptedPolicy(tokenizer, lambda p, k: str(k % 4), delay_s=0.3)
    Slow.seen = []
    config = RolloutConfig(sampling=SamplingParams(max_tokens=8), overlap=overlap)
    out = collect("tests/Slow-v0", Slow.policy, list(range(6)), config)
    assert len(out) == 6
    # with overlap, one half is stepped while the other generates (the last half steps alone)
    assert any(Slow.seen) == overlap


class Guess3(Pick):
    """Three tries."""

    def __init__(self, render_mode=None):
        super().__init__(render_mode)
        self.max_turns = 3


class SlowGuess(Guess3):
    """Three tries, each step slow unless the model is generating meanwhile."""

    def score(self, action):
        Slow.seen.append(Slow.policy.generating.wait(timeout=0.3))
        return super().score(action)


def test_auto_overlap_splits_only_when_stepping_is_slow(tokenizer):
    for env_id, cls in (("tests/SlowGuess-v0", SlowGuess), ("tests/FastGuess-v0", Guess3)):
        if env_id not in envgym.list_envs():
            envgym.register(env_id, cls)
    config = RolloutConfig(sampling=SamplingParams(max_tokens=8), overlap=None)  # auto
    Slow.policy, Slow.seen = ScriptedPolicy(tokenizer, lambda p, k: "9", delay_s=0.1), []
    collect("tests/SlowGuess-v0", Slow.policy, list(range(4)), config)
    assert Slow.policy.generate_calls > 3  # split into halves after the first round
    assert not any(Slow.seen[:4]) and any(Slow.seen[4:])  # first round whole, then overlapped
    fast = ScriptedPolicy(tokenizer, lambda p, k: "9", delay_s=0.1)
    out = collect("tests/FastGuess-v0", fast, list(range(4)), config)
    assert [len(t.turns) for t in out] == [3] * 4 and fast.generate_calls == 3  # one batch per round


def test_scaffolds_are_registered_components(tokenizer):
    policy = counting(tokenizer)
    assert type(envgym.make_scaffold("best_of_n", policy, n=2)) is BestOfN
    assert envgym.make_scaffold("none", policy).name == "none"
    with pytest.raises(TypeError, match="wraps a policy"):
        BestOfN(SelfRefine(policy))
    with pytest.raises(ValueError, match="critique"):
        SelfRefine(policy, critique="teacher")


class Meet(Pick):
    """Two steps must be in flight at once to pass the barrier: proves the pool's threads."""

    barrier = None

    def score(self, action):
        Meet.barrier.wait()
        return super().score(action)


def test_local_pool_threads_step_environments_at_once_in_order(tokenizer):
    import threading

    if "tests/Meet-v0" not in envgym.list_envs():
        envgym.register("tests/Meet-v0", Meet)
    Meet.barrier = threading.Barrier(2, timeout=10)
    pool = LocalEnvPool("tests/Meet-v0", threads=2)
    try:
        pool.reset([(0, 0), (1, 1)])
        results = pool.step([(1, "7"), (0, "7")])
        assert [r[4]["task_id"] for r in results] == [pool._envs[1].task.id, pool._envs[0].task.id]
    finally:
        pool.close()
    single = LocalEnvPool("tests/Meet-v0")
    single.reset([(0, 0), (1, 1)])
    with pytest.raises(threading.BrokenBarrierError):  # one at a time: the first step waits alone
        Meet.barrier = threading.Barrier(2, timeout=0.5)
        single.step([(0, "7"), (1, "7")])
    single.close()
    with pytest.raises(ValueError, match="threads"):
        LocalEnvPool("tests/Meet-v0", threads=0)
