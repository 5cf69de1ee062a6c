"""TextArena's single-player games as multi-turn envgym environments (plugins/textarena).

`envgym check` runs in full on every exposed game (6; about 1 s in all), here and in
``tests/test_env.py`` with every registered environment.
"""

from __future__ import annotations

import random
import re

import pytest

import envgym
from conftest import envgym_cli
from envgym.check import check_environment
from envgym.play import gold_policy, play_episode
from envgym_textarena import solvers
from envgym_textarena.game import Game
from envgym_textarena.games import GAMES, LEFT_OUT

IDS = [f"textarena/{name}-v0" for name in GAMES]


def test_the_games_are_listed_and_at_least_four():
    listed = envgym_cli("list", env={"COLUMNS": "400"})
    assert listed.returncode == 0, listed.stderr
    assert set(re.findall(r"textarena/\w+-v0", listed.stdout)) == set(IDS)
    assert len(IDS) >= 4 and not set(GAMES) & set(LEFT_OUT)


@pytest.mark.parametrize("env_id", IDS)
def test_envgym_check_passes(env_id):
    report = check_environment(env_id)
    assert report.ok, "\n".join(f"{item.name}: {item.detail}" for item in report.items if not item.ok)


@pytest.mark.parametrize("name", list(GAMES))
def test_turn_limits_are_textarenas(name):
    spec = GAMES[name]
    started, _ = Game.start(spec.textarena_id, seed=1)
    assert started.env.state.max_turns == spec.turn_limit
    assert envgym.make(f"textarena/{name}-v0").max_turns == 2 * (spec.turn_limit + 1)


@pytest.mark.parametrize("name", list(GAMES))
def test_the_gold_policy_wins_real_episodes_turn_by_turn(name):
    env = envgym.make(f"textarena/{name}-v0")
    lengths = []
    for seed in range(25):
        result = play_episode(env, gold_policy, seed)
        assert result.final.correct and result.rewards[-1] == 1.0, (seed, result.final.reason)
        assert all(r == 0.0 for r in result.rewards[:-1])  # TextArena scores a game when it ends
        assert not any(v.details["invalid_move"] for v in result.verdicts)
        lengths.append(len(result.rewards))
    assert max(lengths) > 1  # several moves, each answered by the game
    messages = env.messages
    assert [m.role for m in messages[:2]] == ["system", "user"]
    assert [m.role for m in messages[2:]] == ["assistant", "user"] * (len(messages[2:]) // 2) + ["assistant"] * (
        len(messages[2:]) % 2)


def test_a_losing_policy_gets_textarenas_partial_reward_at_the_end():
    """Guessing 1, 2, 3, ... runs out of guesses; TextArena then pays how close the last one was."""
    env = envgym.make("textarena/GuessTheNumber-v0")
    seed = next(s for s in range(100) if _secret(env, s) == 20)
    env.reset(seed=seed)
    rewards, terminated = [], False
    while not terminated:
        guess = len(rewards) + 1
        _, reward, terminated, _, info = env.step(f"My guess: [{guess}]")
        rewards.append(reward)
        if not terminated:
            assert "higher" in info["verdict"].details["observation"]
    assert len(rewards) <= env.max_turns and rewards[:-1] == [0.0] * (len(rewards) - 1)
    assert rewards[-1] == pytest.approx(1 - (20 - guess) / 19) and 0 < rewards[-1] < 1
    assert not info["verdict"].correct and "turn limit" in info["verdict"].reason


def _secret(env, seed: int) -> int:
    env.reset(seed=seed)
    return env.game.env.state.game_state["game_number"]


def _stalling_moves(name: str, env) -> list[str]:
    """Valid moves that do not win (or not soon), for games where they are easy to name."""
    state = env.game.env.state.game_state
    if name == "GuessTheNumber":
        return [f"[{n}]" for n in range(1, 21) if n != state["game_number"]]
    if name == "Mastermind":
        from itertools import permutations
        return ["[" + " ".join(map(str, c)) + "]" for c in permutations(range(1, 7), 4) if list(c) != state["secret_code"]]
    if name == "LightsOut":
        return ["[0 0]"] * 100
    return ["[right]", "[left]"] * 100  # FrozenLake: may fall into a hole, which ends the game too


@pytest.mark.parametrize("name", ["GuessTheNumber", "Mastermind", "LightsOut", "FrozenLake"])
def test_textarena_ends_the_game_before_envgyms_turn_limit(name):
    """The slowest way through a game: an invalid move before every valid one."""
    env = envgym.make(f"textarena/{name}-v0")
    env.reset(seed=5)
    moves = iter(_stalling_moves(name, env))
    terminated = False
    while not terminated:
        move = "no move" if env.turn % 2 == 0 else next(moves)
        _, _, terminated, _, info = env.step(move)
    assert info["verdict"].details["game_over"], f"envgym's limit ({env.max_turns}) ended it at turn {env.turn}"


def test_two_invalid_moves_in_a_row_end_the_game_with_0():
    env = envgym.make("textarena/Sudoku-v0")
    env.reset(seed=0)
    obs, reward, terminated, _, info = env.step("I think the answer is 5")
    assert not terminated and reward == 0.0 and info["verdict"].details["invalid_move"]
    assert "invalid move" in obs[-1]["content"]
    _, reward, terminated, _, info = env.step("still no brackets")
    assert terminated and reward == 0.0 and not info["verdict"].correct


def test_score_judges_without_playing_and_step_commits():
    env = envgym.make("textarena/Minesweeper-v0")
    env.reset(seed=4)
    move = env.gold_action()
    before = [row[:] for row in env.game.env.revealed]
    assert env.score(move).details["game_over"] is False
    assert env.game.env.revealed == before
    env.step(move)
    assert env.game.env.revealed != before


def test_replays_are_exact_and_the_callers_random_state_is_untouched():
    """Minesweeper lays its mines with Python's random at the first move: two games from one
    seed must match, whatever the caller does with random in between."""
    def play(seed: int) -> str:
        return play_episode(envgym.make("textarena/Minesweeper-v0"), gold_policy, seed).transcript

    random.seed(123)
    expected = [random.random() for _ in range(3)]
    random.seed(123)
    first = play(7)
    assert [random.random() for _ in range(3)] == expected
    random.seed(999)
    assert play(7) == first
    assert play(8) != first


def test_moves_textarena_raises_on_are_invalid_not_errors():
    env = envgym.make("textarena/GuessTheNumber-v0")
    env.reset(seed=0)
    _, reward, terminated, _, info = env.step("[" + "9" * 5000 + "]")  # int() refuses 5000 digits
    assert reward == 0.0 and not terminated and info["verdict"].details["invalid_move"]


def test_mastermind_pegs_match_textarena():
    started, _ = Game.start("Mastermind-v0", seed=3)
    env = started.env
    for guess in ([1, 2, 3, 4], [4, 3, 2, 1], [5, 6, 1, 2]):
        assert solvers._pegs(env.state.game_state["secret_code"], guess) == env._evaluate_guess(guess)
