"""envgym/MathRefine-v0: retry feedback, hints, the attempt limit, sources and option errors."""

from __future__ import annotations

import re

import pytest

import envgym
from envgym.check import check_environment
from envgym_math.refine import RETRY

ENV_ID = "envgym/MathRefine-v0"


def test_wrong_then_right_gets_feedback_then_reward_one():
    env = envgym.make(ENV_ID)
    env.reset(seed=0)
    obs, reward, terminated, truncated, info = env.step("\\boxed{12345}")
    assert (reward, terminated, truncated, info["turn"]) == (0.0, False, False, 1)
    assert obs[-1] == {"role": "user", "content": RETRY}
    obs, reward, terminated, _, info = env.step(env.gold_action())
    assert (reward, terminated, info["turn"]) == (1.0, True, 2)
    assert info["verdict"].correct and obs[-1]["role"] == "assistant"


def test_attempts_run_out_after_max_attempts():
    for attempts in (1, 3, 5):
        env = envgym.make(ENV_ID, max_attempts=attempts)
        obs, _ = env.reset(seed=1)
        outcomes = [env.step("\\boxed{12345}") for _ in range(attempts)]
        assert [o[2] for o in outcomes] == [False] * (attempts - 1) + [True]
        assert all(o[1] == 0.0 for o in outcomes)
        # the opening messages, then each attempt, with "try again" between attempts
        assert len(env.messages) == len(obs) + attempts + (attempts - 1)
        with pytest.raises(envgym.EnvStateError, match="episode is over"):
            env.step(env.gold_action())


def test_gold_is_right_at_the_first_attempt_and_hacks_score_zero_without_ending_the_episode():
    env = envgym.make(ENV_ID)
    for seed in range(10):
        env.reset(seed=seed)
        assert env.step(env.gold_action())[1:3] == (1.0, True)
        env.reset(seed=seed)
        for name, action in env.hack_actions().items():
            env.reset(seed=seed)
            _, reward, terminated, _, _ = env.step(action)
            assert (reward, terminated) == (0.0, False), name


def test_hints_show_the_next_step_but_never_the_last_and_say_too_high_or_low():
    env = envgym.make(ENV_ID, hints=True, source_options={"kinds": ["linear"]})
    env.reset(seed=0)
    steps = env.task.metadata["steps"]  # e.g. 8x + 13 = 61, 8x = 61 - 13, 8x = 48, x = 6
    answer = int(env.task.reference)
    obs = env.step(f"\\boxed{{{answer + 5}}}")[0]
    assert obs[-1]["content"].startswith(RETRY)
    assert f"${steps[1]}$" in obs[-1]["content"] and "too high" in obs[-1]["content"]
    obs = env.step(f"\\boxed{{{answer - 5}}}")[0]
    assert f"${steps[2]}$" in obs[-1]["content"] and "too low" in obs[-1]["content"]
    shown = [span for m in obs if m["role"] == "user" for span in re.findall(r"\$(.+?)\$", m["content"])]
    assert steps[-1] not in shown


def test_hints_without_steps_still_say_too_high_or_low():
    env = envgym.make(ENV_ID, source="arithmetic", hints=True)
    env.reset(seed=0)
    obs = env.step(f"\\boxed{{{env.task.reference + 1}}}")[0]
    assert obs[-1]["content"] == f"{RETRY}\nYour answer is too high."


def test_sources_by_alias_and_id_keep_the_source_task_ids():
    for source, source_id in [("algebra", "envgym/Algebra-v0"), ("envgym/Arithmetic-v0", "envgym/Arithmetic-v0"),
                              ("mathqa", "envgym/MathQA-v0")]:
        env = envgym.make(ENV_ID, source=source)
        single = envgym.make(source_id)
        for seed in range(3):
            assert env.reset(seed=seed)[1]["task_id"] == single.reset(seed=seed)[1]["task_id"]
            assert env.task.metadata["source"] == source_id
            assert env.step(env.gold_action())[1] == 1.0


def test_source_options_reach_the_source():
    env = envgym.make(ENV_ID, source_options={"kinds": "simplify", "difficulty": 3})
    assert env.source.kinds == ("simplify",) and env.source.difficulty == 3
    env.reset(seed=0)
    assert env.task.metadata["kind"] == "simplify"


@pytest.mark.parametrize("options, match", [
    ({"source": "envgym/Nope-v0"}, "source must be one of .* or a registered id"),
    ({"source": "calculus"}, "source must be one of .* or a registered id"),
    ({"source": 3}, "source must be one of"),
    ({"source": "envgym/MathRefine-v0"}, "source 'envgym/MathRefine-v0' must be a single-turn envgym TextEnv"),
    ({"source_options": ["difficulty", 2]}, "source_options must be a mapping"),
    ({"max_attempts": 0}, "max_attempts must be a positive integer"),
    ({"max_attempts": True}, "max_attempts must be a positive integer"),
    ({"hints": "yes"}, "hints must be True or False"),
])
def test_bad_options_name_the_environment(options, match):
    with pytest.raises(ValueError, match=f"{ENV_ID}: {match}"):
        envgym.make(ENV_ID, **options)


def test_bad_source_options_are_reported_by_the_source():
    with pytest.raises(ValueError, match="envgym/Algebra-v0: difficulty must be one of"):
        envgym.make(ENV_ID, source_options={"difficulty": 9})


def test_envgym_check_passes():
    report = check_environment(ENV_ID)
    assert report.ok, [item for item in report.items if not item.ok]
