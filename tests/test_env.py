"""The environment contract, on every registered environment and on small purpose-built ones."""

from __future__ import annotations

from collections.abc import Mapping

import gymnasium
import numpy as np
import pytest
from gymnasium.utils.env_checker import check_env

import envgym
from envgym import EnvStateError, Message, Task, TextEnv, Verdict
from envgym.spaces import ConversationSpace, TextSpace
from envgym.verify.match import ExactMatch

ALL_ENVS = envgym.list_envs()


def test_there_are_environments_to_test():
    assert "envgym/Arithmetic-v0" in ALL_ENVS


@pytest.mark.parametrize("env_id", ALL_ENVS)
def test_gymnasium_make_passes_gymnasiums_checker(env_id):
    env = gymnasium.make(env_id)
    check_env(env.unwrapped)
    env.close()


@pytest.mark.parametrize("env_id", ALL_ENVS)
def test_envgym_check_passes(env_id):
    from envgym.check import check_environment

    report = check_environment(env_id)
    assert report.ok, [item for item in report.items if not item.ok]


def test_seeded_reset_is_reproducible_and_seeds_differ(arithmetic):
    a = arithmetic.reset(seed=7)[0]
    b = arithmetic.reset(seed=7)[0]
    c = arithmetic.reset(seed=8)[0]
    assert a == b and a != c
    unseeded = {arithmetic.reset()[0][-1]["content"] for _ in range(10)}
    assert len(unseeded) > 1  # an unseeded reset continues the generator


@pytest.mark.parametrize("env_id", ["envgym/GuessNumber-v0", "envgym/Wordle-v0"])
def test_a_kept_task_is_the_task_and_generator_a_fresh_draw_gives(env_id, monkeypatch):
    """Games keep each seed's task (tasks_from_seed): a second reset of a seed must hand out what a
    fresh environment draws, and leave the generator where drawing leaves it."""
    kept, fresh = envgym.make(env_id), envgym.make(env_id)
    assert type(kept.unwrapped).tasks_from_seed
    for seed in (3, 11, 3, 11, 3):
        kept.reset(seed=seed)
        fresh_env = envgym.make(env_id)
        fresh_env.reset(seed=seed)
        assert kept.unwrapped.task == fresh_env.unwrapped.task
        assert kept.unwrapped._np_random_seed == seed
        assert np.array_equal(kept.np_random.integers(0, 2**62, 4), fresh_env.np_random.integers(0, 2**62, 4))
    assert sorted(kept.unwrapped._kept) == [3, 11]
    kept.reset(seed=3, options={})  # options: always drawn, never kept
    fresh.reset(seed=3)
    assert kept.unwrapped.task == fresh.unwrapped.task
    assert not envgym.make("envgym/Arithmetic-v0").unwrapped.tasks_from_seed  # off unless declared
    monkeypatch.setattr("envgym.env._KEPT_TASKS", 2)
    for seed in range(20, 30):
        kept.reset(seed=seed)
    assert sorted(kept.unwrapped._kept) == [28, 29]  # the oldest go first


def test_observation_is_openai_messages_and_not_aliased(arithmetic):
    obs, info = arithmetic.reset(seed=0)
    assert [m["role"] for m in obs] == ["system", "user"]
    assert arithmetic.observation_space.contains(obs)
    obs[1]["content"] = "tampered"
    assert arithmetic.reset(seed=0)[0][1]["content"] != "tampered"
    obs2, reward, terminated, truncated, info = arithmetic.step(arithmetic.gold_action())
    obs2[0]["content"] = "tampered"
    assert arithmetic.messages[0].content != "tampered"
    assert (reward, terminated, truncated) == (1.0, True, False)
    assert obs2[-1]["role"] == "assistant" and isinstance(info["verdict"], Verdict)


def test_misuse_raises_clear_errors(arithmetic):
    with pytest.raises(EnvStateError, match=r"envgym/Arithmetic-v0: step\(\) called before reset\(\)"):
        arithmetic.step("1")
    arithmetic.reset(seed=0)
    with pytest.raises(TypeError, match="must be the model's text as a str, got list"):
        arithmetic.step([1, 2])
    arithmetic.step("1")
    with pytest.raises(EnvStateError, match="episode is over"):
        arithmetic.step("1")


def test_unknown_id_suggests_the_closest():
    with pytest.raises(envgym.EnvNotFoundError, match="did you mean 'envgym/Arithmetic-v0'"):
        envgym.make("envgym/Arithmetic-v1")
    with pytest.raises(envgym.EnvNotFoundError, match="did you mean 'envgym/Arithmetic-v0'"):
        envgym.make("envgym/arithmetic-v0")
    with pytest.raises(envgym.InvalidEnvIdError, match="namespace/Name-vN"):
        envgym.parse_env_id("Arithmetic")


def test_bad_option_names_the_environment():
    with pytest.raises(ValueError, match="envgym/Arithmetic-v0: difficulty must be one of"):
        envgym.make("envgym/Arithmetic-v0", difficulty=9)


def test_render_ansi():
    env = envgym.make("envgym/Arithmetic-v0", render_mode="ansi")
    env.reset(seed=0)
    assert env.render().startswith("[system]")
    with pytest.raises(ValueError, match="render_mode"):
        envgym.make("envgym/Arithmetic-v0", render_mode="human")


class Spelling(TextEnv):
    """A three-attempt test environment: spell a word backwards, with feedback after a miss."""

    WORDS = ("stressed", "drawer", "live", "reward")

    def __init__(self, render_mode=None):
        super().__init__(ExactMatch(), max_turns=3, render_mode=render_mode)

    def generate_task(self, rng: np.random.Generator) -> Task:
        word = self.WORDS[int(rng.integers(len(self.WORDS)))]
        return Task(word, (Message("user", f"Reverse {word}"),), word[::-1])

    def feedback(self, verdict: Verdict):
        return [Message("user", f"Incorrect ({verdict.reason}); try again.")]

    def gold_action(self) -> str:
        return self.task.reference

    def hack_actions(self) -> Mapping[str, str]:
        return {"echo": self.task.id}


def test_multi_turn_feedback_and_attempt_limit():
    env = Spelling()
    env.reset(seed=0)
    obs, reward, terminated, _, info = env.step("wrong")
    assert (reward, terminated, info["turn"]) == (0.0, False, 1)
    assert obs[-1] == {"role": "user", "content": "Incorrect (wrong answer); try again."}
    obs, reward, terminated, _, info = env.step(env.gold_action())
    assert (reward, terminated, info["turn"]) == (1.0, True, 2)
    env.reset(seed=0)
    results = [env.step("no")[2] for _ in range(3)]
    assert results == [False, False, True]
    assert len(env.messages) == 1 + 3 + 2


def test_registering_a_user_environment_makes_it_available_to_gymnasium():
    envgym.register("tests/Spelling-v0", Spelling, summary="test")
    try:
        assert isinstance(envgym.make("tests/Spelling-v0"), Spelling)
        check_env(gymnasium.make("tests/Spelling-v0").unwrapped)
        with pytest.raises(envgym.RegistrationError, match="already registered by plugin \\(user code\\)"):
            envgym.register("tests/Spelling-v0", Spelling)
    finally:
        envgym.host().envs.remove("tests/Spelling-v0")
        gymnasium.envs.registry.pop("tests/Spelling-v0", None)


def test_spaces():
    text = TextSpace(max_length=10, seed=0)
    assert text.contains("π≈3.14") and not text.contains("x" * 11) and not text.contains(3)
    assert all(text.contains(text.sample()) for _ in range(50))
    conv = ConversationSpace(seed=0)
    assert all(conv.contains(conv.sample()) for _ in range(50))
    assert conv.contains([{"role": "tool", "content": "1", "tool_call_id": "a"}])
    assert not conv.contains([{"role": "robot", "content": "1"}])
    assert not conv.contains([{"role": "user", "content": 1}])
    assert not conv.contains([{"role": "user", "content": "1", "extra": 2}])
    call = {"id": "c1", "type": "function", "function": {"name": "f", "arguments": "{}"}}
    assert conv.contains([{"role": "assistant", "content": "", "tool_calls": [call]}])
    assert not conv.contains([{"role": "user", "content": "", "tool_calls": [call]}])
    assert not conv.contains([{"role": "assistant", "content": "", "tool_calls": call}])
    assert not conv.contains([{"role": "assistant", "content": "", "tool_calls": [{**call, "id": None}]}])
    assert not conv.contains([{"role": "assistant", "content": "", "tool_calls": [
        {**call, "function": {"name": "f", "arguments": {}}}]}])


def test_seeded_resets_in_threads_share_the_seed_cache_safely(monkeypatch):
    """envgym serve resets environments in threads: evicting a seed's start state while another
    thread reads it must not raise (it did: KeyError from move_to_end)."""
    import sys
    import threading

    monkeypatch.setattr("envgym.env._SEED_CACHE", 8)  # evictions on nearly every reset
    errors: list[str] = []

    def work(k: int) -> None:
        env = envgym.make("envgym/Arithmetic-v0")
        try:
            for s in range(2000):
                env.reset(seed=(s * 7 + k) % 40)
        except Exception as exc:  # noqa: BLE001 - collected and asserted on
            errors.append(repr(exc))

    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # switch threads between almost every bytecode
    try:
        threads = [threading.Thread(target=work, args=(k,)) for k in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    finally:
        sys.setswitchinterval(interval)
    assert errors == []
