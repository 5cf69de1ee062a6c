"""Token in, token out: what a learner trains on is what was sampled, over multi-turn episodes."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pytest

torch = pytest.importorskip("torch")

import envgym  # noqa: E402
from envgym import Message, Task, TextEnv, Verdict  # noqa: E402
from envgym.models import build_model, build_tokenizer  # noqa: E402
from envgym.policy.base import SamplingParams  # noqa: E402
from envgym.rollout.chat import TemplateError, TokenConversation  # noqa: E402
from envgym.rollout.collector import RolloutConfig, collect  # noqa: E402
from envgym.learn.sequences import training_sequence  # noqa: E402
from envgym.verify.match import NumberMatch  # noqa: E402


class Guess(TextEnv):
    """Multi-turn: guess a number; wrong guesses get feedback and another try."""

    def __init__(self, render_mode=None):
        super().__init__(NumberMatch(), max_turns=3, render_mode=render_mode)

    def generate_task(self, rng: np.random.Generator) -> Task:
        n = int(rng.integers(10, 99))
        return Task(str(n), (Message("user", "Guess my number between 10 and 99."),), n)

    def feedback(self, verdict: Verdict):
        return [Message("user", f"No ({verdict.reason}). Guess again.")]

    def gold_action(self) -> str:
        return str(self.task.reference)

    def hack_actions(self) -> Mapping[str, str]:
        return {"spray": " ".join(str(i) for i in range(10, 100))}


GUESS = "tests/Guess-v0"


def register_guess() -> None:
    if GUESS not in envgym.list_envs():
        envgym.register(GUESS, Guess)


@pytest.fixture(scope="module")
def policy():
    register_guess()
    tokenizer = build_tokenizer()
    return envgym.make_policy("hf", build_model(tokenizer, seed=3), tokenizer, name="tiny")


@pytest.fixture(scope="module")
def trajectories(policy):
    config = RolloutConfig(group_size=2, sampling=SamplingParams(max_tokens=12, seed=5), max_context_tokens=400)
    return collect(GUESS, policy, seeds=[0, 1, 2], config=config)


def test_multi_turn_episodes_happen(trajectories):
    assert len(trajectories) == 6
    assert max(len(t.turns) for t in trajectories) == 3  # a random model never guesses: all attempts used
    assert {t.group_id for t in trajectories} == {f"{GUESS}:0", f"{GUESS}:1", f"{GUESS}:2"}


def test_trained_tokens_are_the_sampled_tokens(trajectories):
    for traj in trajectories:
        ids, mask, logprobs = training_sequence(traj)
        assert sum(mask) == sum(len(t.completion_ids) for t in traj.turns)
        sampled = [tok for turn in traj.turns for tok in turn.completion_ids]
        assert [tok for tok, m in zip(ids, mask) if m] == sampled
        for earlier, later in zip(traj.turns, traj.turns[1:]):
            # the next prompt extends the previous prompt + sample: nothing re-tokenized
            assert later.prompt_ids[: len(earlier.prompt_ids) + len(earlier.completion_ids)] == earlier.prompt_ids + earlier.completion_ids


def test_recorded_logprobs_match_a_forward_pass_on_the_training_sequence(policy, trajectories):
    for traj in trajectories[:3]:
        ids, mask, logprobs = training_sequence(traj)
        with torch.no_grad():
            logits = policy.model(torch.tensor([ids])).logits[0]
        scored = torch.log_softmax(logits[:-1], -1).gather(-1, torch.tensor(ids[1:]).unsqueeze(-1)).squeeze(-1)
        for position, (m, lp) in enumerate(zip(mask, logprobs)):
            if m:
                assert abs(scored[position - 1].item() - lp) < 1e-4


def test_provenance_and_cost(trajectories, policy):
    traj = trajectories[0]
    assert traj.provenance.kind == "on_policy" and traj.provenance.policy_id == "tiny"
    assert traj.provenance.policy_version == policy.version
    assert traj.cost.model_calls == len(traj.turns)
    assert traj.cost.completion_tokens == sum(len(t.completion_ids) for t in traj.turns)
    assert traj.cost.seconds > 0
    assert traj.messages[-1].role == "assistant" and traj.turns[0].env_messages[0].content.startswith("No (")


def test_context_budget_truncates(policy):
    config = RolloutConfig(sampling=SamplingParams(max_tokens=12, seed=1), max_context_tokens=60)
    (traj,) = collect(GUESS, policy, seeds=[0], config=config)
    assert traj.metadata["truncated"] and len(traj.turns) < 3
    assert len(training_sequence(traj)[0]) <= 60


def test_template_that_rewrites_history_is_refused(policy):
    tokenizer = build_tokenizer()
    # Drops every assistant message but the last, as some reasoning templates do with thoughts.
    tokenizer.chat_template = (
        "{% for m in messages %}{% if m['role'] != 'assistant' or loop.last %}"
        "{{ '<|im_start|>' + m['role'] + '\\n' + m['content'] + '<|im_end|>\\n' }}{% endif %}{% endfor %}"
        "{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}"
    )
    conv = TokenConversation(tokenizer, [{"role": "user", "content": "hi"}])
    completion = policy.generate([conv.ids], SamplingParams(max_tokens=4, seed=0))[0][0]
    conv.add_completion(completion)
    with pytest.raises(TemplateError, match="not prefix-preserving"):
        conv.add_messages([{"role": "user", "content": "again"}])


def test_hf_policy_is_seeded_and_scores_its_samples(policy):
    prompt = policy.tokenizer.apply_chat_template([{"role": "user", "content": "Compute 2 + 2."}], add_generation_prompt=True)["input_ids"]
    params = SamplingParams(max_tokens=10, n=3, seed=7)
    first, second = policy.generate([prompt], params), policy.generate([prompt], params)
    assert first == second and len(first[0]) == 3
    greedy = policy.generate([prompt, prompt], SamplingParams(max_tokens=10, temperature=0))
    assert greedy[0][0].token_ids == greedy[1][0].token_ids
    assert all(c.finish_reason in ("stop", "length") for c in first[0])


def test_store_round_trips_and_resumes_without_duplicates(tmp_path, policy, trajectories):
    from envgym.rollout.store import TrajectoryStore

    store = TrajectoryStore(tmp_path / "runs" / "traj.jsonl")
    store.append(trajectories[:4])
    assert list(store) == trajectories[:4]  # frozen dataclasses compare field by field
    with open(store.path, "a") as f:
        f.write('{"key": "torn')  # a crash in the middle of a line
    config = RolloutConfig(group_size=2, sampling=SamplingParams(max_tokens=12, seed=5), max_context_tokens=400, chunk_episodes=2)
    new = collect(GUESS, policy, seeds=[0, 1, 2], config=config, store=store)
    assert len(new) == 2  # only seed 2's two samples were missing
    assert sorted(store.keys()) == sorted(f"{GUESS}:{s}#{i}" for s in range(3) for i in range(2))
    assert len(list(store)) == 6
    dataset = store.to_dataset()
    assert dataset.num_rows == 6 and set(dataset["key"]) == store.keys()


KILL_SCRIPT = """
import sys
sys.path.insert(0, {tests!r})
from test_rollout import GUESS, register_guess
register_guess()
from envgym.models import build_model, build_tokenizer
from envgym.policy.hf import HFPolicy
from envgym.policy.base import SamplingParams
from envgym.rollout.collector import RolloutConfig, collect
from envgym.rollout.store import TrajectoryStore
tok = build_tokenizer()
policy = HFPolicy(build_model(tok, seed=3), tok, name="tiny")
config = RolloutConfig(sampling=SamplingParams(max_tokens=12, seed=5), max_context_tokens=400, chunk_episodes=2)
collect(GUESS, policy, seeds=range(40), config=config, store=TrajectoryStore({path!r}))
"""


def test_killed_run_resumes_with_nothing_lost_or_duplicated(tmp_path, policy):
    import json
    import os
    import signal
    import subprocess
    import sys
    import time

    from envgym.rollout.store import TrajectoryStore

    path = tmp_path / "killed.jsonl"
    script = KILL_SCRIPT.format(tests=os.path.dirname(__file__), path=str(path))
    proc = subprocess.Popen([sys.executable, "-c", script])
    deadline = time.time() + 120
    while time.time() < deadline and (not path.exists() or path.read_text().count("\n") < 4):
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    before = TrajectoryStore(path).keys()
    assert 4 <= len(before) < 40, "the run should have been killed part-way"
    config = RolloutConfig(sampling=SamplingParams(max_tokens=12, seed=5), max_context_tokens=400, chunk_episodes=2)
    resumed = collect(GUESS, policy, seeds=range(40), config=config, store=TrajectoryStore(path))
    assert {f"{GUESS}:{t.seed}#0" for t in resumed}.isdisjoint(before)
    keys = []
    for line in path.read_text().splitlines():
        try:
            keys.append(json.loads(line)["key"])
        except json.JSONDecodeError:
            pass  # at most one line torn by the kill
    assert sorted(keys) == sorted(f"{GUESS}:{s}#0" for s in range(40))  # each episode exactly once
