"""envgym/GuessNumber-v0 and envgym/Wordle-v0: gold play, Wordle's marks, per-turn rewards end to end."""

from __future__ import annotations

import dataclasses
import math
from types import SimpleNamespace

import numpy as np
import pytest

import envgym
from envgym.check import check_environment
from envgym.play import play_episode
from envgym_games.guess_number import ENV_ID as GUESS, GuessNumberEnv, Interval, reply_information
from envgym_games.wordle import ENV_ID as WORDLE, Board, WordleEnv, unrelated_word
from envgym_games.wordle_marks import marks
from envgym_games.words import WORDS


def start(env, secret):
    """Reset, then set the game's secret: a chosen game instead of a drawn one."""
    env.reset(seed=0)
    env.task = dataclasses.replace(env.task, reference=secret)
    env.state = env.new_game(env.task)
    return env


def play_gold(env) -> list[float]:
    rewards = []
    for _ in range(env.max_turns):
        _, reward, terminated, _, info = env.step(env.gold_action())
        rewards.append(reward)
        if terminated:
            break
    assert info["verdict"].correct and rewards[-1] == 1.0
    return rewards


def bits(before: int, after: int, total: int = 100) -> float:
    """The GuessNumber reward by hand: a wrong guess leaves before - 1 numbers, its reply ``after``."""
    return math.log2((before - 1) / after) / math.log2(total)


# ---- the contract --------------------------------------------------------------------------------


@pytest.mark.parametrize("env_id", [GUESS, WORDLE])
def test_envgym_check_passes(env_id):
    report = check_environment(env_id)
    assert report.ok, [item for item in report.items if not item.ok]


@pytest.mark.parametrize("env_id", [GUESS, WORDLE])
def test_seeds_draw_different_secrets_reproducibly(env_id):
    env = envgym.make(env_id)

    def secret(seed):
        env.reset(seed=seed)
        return env.task.reference

    secrets = [secret(s) for s in range(30)]
    assert secrets == [secret(s) for s in range(30)] and len(set(secrets)) > 10


@pytest.mark.parametrize("options, match", [
    ({"max_turns": 6}, "max_turns=6 is too few for 1 to 100: binary search needs 7 guesses"),
    ({"low": 5, "high": 5}, "need .* <= low < high"),
    ({"high": 10**13}, "need .* <= low < high"),
    ({"high": 50.0}, "high must be an integer"),
    ({"max_turns": True}, "max_turns must be an integer"),
])
def test_guess_number_options_are_checked(options, match):
    with pytest.raises(ValueError, match=f"{GUESS}: {match}"):
        envgym.make(GUESS, **options)


def test_wordle_needs_six_turns():
    with pytest.raises(ValueError, match=f"{WORDLE}: max_turns must be an integer of at least 6"):
        envgym.make(WORDLE, max_turns=5)


# ---- gold play -----------------------------------------------------------------------------------


@pytest.mark.parametrize("low, high, max_turns", [(1, 100, 7), (1, 2, 2), (1, 1000, 10), (-50, 50, 7)])
def test_binary_search_finds_every_secret_within_max_turns(low, high, max_turns):
    env = GuessNumberEnv(low=low, high=high, max_turns=max_turns)  # the fewest turns the options allow
    longest = max(len(play_gold(start(env, secret))) for secret in range(low, high + 1))
    assert longest == (high - low + 1).bit_length() <= max_turns


def test_gold_solver_finds_every_wordle_word_within_six_guesses():
    env = WordleEnv()
    lengths = [len(play_gold(start(env, answer))) for answer in WORDS]
    assert max(lengths) <= 6
    assert sum(lengths) / len(lengths) < 4


def test_word_list():
    assert len(WORDS) >= 300 and len(set(WORDS)) == len(WORDS) and list(WORDS) == sorted(WORDS)
    assert all(len(w) == 5 and w.isascii() and w.isalpha() and w.islower() for w in WORDS)
    # the same-word hack needs, for every answer, a listed word that shares no letter with it
    assert all(set(unrelated_word(w)).isdisjoint(w) for w in WORDS)


# ---- Wordle's marks ------------------------------------------------------------------------------


@pytest.mark.parametrize("guess, answer, expected", [
    ("babes", "abbey", "YYGG."),   # two b's guessed, two in the word: one green, one yellow
    ("geese", "speed", ".YGY."),   # three e's guessed, two in the word: the green, then the first other e
    ("eerie", "there", "Y.Y.G"),   # the green e is counted before the yellow one
    ("lolly", "hello", ".YGG."),   # both l's of the word go to greens, so the first l gets none
    ("llama", "hello", "YY..."),
    ("speed", "abide", "..Y.Y"),   # one e in the word: only the first guessed e is yellow
    ("there", "there", "GGGGG"),
])
def test_marks_follow_wordles_duplicate_letter_rules(guess, answer, expected):
    assert marks(guess, answer) == expected


def test_wordle_feedback_shows_the_marks_under_the_letters():
    env = start(WordleEnv(), "speed")
    obs, reward, terminated, _, info = env.step(r"I will try \boxed{GEESE}")
    assert not terminated and info["verdict"].details["marks"] == ".YGY."
    assert obs[-1]["content"] == "G E E S E\n. Y G Y .\n5 guesses left."
    assert reward == pytest.approx(0.4)  # a green at the 3rd letter; letters e, e, s


# ---- per-turn rewards ----------------------------------------------------------------------------


def test_guess_number_rewards_move_by_move():
    env = start(GuessNumberEnv(), 86)
    moves = [(r"\boxed{50}", bits(100, 50)),      # higher: 51..100
             ("no idea", 0.0),                     # invalid: the turn is spent
             (r"\boxed{50}", 0.0),                 # a repeat: ruled out already
             ("I say 75.", bits(50, 25)),          # the last number counts without a box; 76..100
             (r"\boxed{76}", 0.0),                 # the bottom end: "higher" was certain
             (r"\boxed{90}", bits(24, 13)),        # lower: 77..89
             (r"\boxed{86}", 1.0)]
    for action, expected in moves:
        _, reward, terminated, _, info = env.step(action)
        assert reward == pytest.approx(expected), (action, info["verdict"].reason)
    assert terminated and info["verdict"].correct


def test_score_judges_without_playing():
    env = envgym.make(GUESS)
    env.reset(seed=0)
    first = env.score(r"\boxed{50}")
    assert env.score(r"\boxed{50}") == first and env.state == env.new_game(env.task)
    assert env.step(r"\boxed{50}")[4]["verdict"] == first


def test_the_last_turn_pays_only_a_win():
    env = start(GuessNumberEnv(max_turns=7), 86)
    rewards = [env.step(r"\boxed{1}")[1] for _ in range(6)]
    _, reward, terminated, _, info = env.step(r"\boxed{50}")  # informative, but no turn is left to use it
    assert rewards == [0.0] * 6 and (reward, terminated) == (0.0, True)
    assert info["verdict"].reason == "higher; no turns left"


@pytest.mark.parametrize("env_id", [GUESS, WORDLE])
def test_hacks_played_every_turn_never_earn_and_never_win(env_id):
    env = envgym.make(env_id)
    for seed in range(5):
        env.reset(seed=seed)
        for name, action in env.hack_actions().items():
            result = play_episode(env, lambda e: action, seed)
            assert len(result.rewards) == env.max_turns, name  # invalid moves do not end the game
            assert set(result.rewards) == {0.0} and not result.final.correct, name


def test_one_good_guess_repeated_earns_once_and_ends_at_zero():
    env = envgym.make(GUESS)
    result = play_episode(env, lambda e: r"\boxed{50}", 0)  # the secret is 86
    assert result.rewards == (pytest.approx(bits(100, 50)),) + (0.0,) * 7 and not result.final.correct


@pytest.mark.parametrize("env_id", [GUESS, WORDLE])
def test_shaped_rewards_of_an_episode_sum_to_at_most_one(env_id):
    env = envgym.make(env_id)
    rng = np.random.default_rng(0)
    moves = [str(n) for n in range(1, 101)] if env_id == GUESS else list(WORDS)
    for seed in range(200):
        result = play_episode(env, lambda e: f"\\boxed{{{moves[int(rng.integers(len(moves)))]}}}", seed)
        shaped = [r for r, v in zip(result.rewards, result.verdicts) if not v.correct]
        assert all(0 <= r < 1 for r in shaped) and sum(shaped) <= 1.0


def test_reply_information_is_zero_when_foretold_and_best_in_the_middle_on_average():
    game = Interval(secret=1000, low=1, high=1000, lo=1, hi=1000)  # every guess below it hears "higher"
    values = [reply_information(game, g) for g in range(1, 1000)]
    assert values[0] == 0.0 and values == sorted(values)  # the more "higher" rules out, the more it scores
    expected = [np.mean([reply_information(Interval(s, 1, 100, 1, 100), g) for s in range(1, 101) if s != g])
                for g in range(1, 101)]  # over every secret of a game of 1..100
    assert int(np.argmax(expected)) + 1 in (50, 51) and expected[0] == 0.0


def test_wordle_findings_count_greens_and_letter_copies_once():
    board = Board("abbey")
    assert Board("abbey").play("babes").found() == 6  # positions 2, 3; letters a, b, b, e
    assert board.play("babes").play("abbot").found() == 8  # new greens at 0 and 1; no new letters


# ---- through the rollout collector and the process learner ---------------------------------------


def collect_scripted(env_id, seed, replies):
    from envgym.models import build_tokenizer
    from envgym.policy.base import SamplingParams
    from envgym.rollout.collector import RolloutConfig, collect
    from envgym.rollout.pool import LocalEnvPool
    from scripted import ScriptedPolicy

    policy = ScriptedPolicy(build_tokenizer(), lambda prompt, call: replies[call])
    config = RolloutConfig(sampling=SamplingParams(max_tokens=64), max_context_tokens=16384)
    [trajectory] = collect(LocalEnvPool(env_id, {}), policy, [seed], config)
    return trajectory


GUESS_EPISODE = [  # seed 0's secret is 86
    (r"\boxed{50}", bits(100, 50)),
    ("I have no idea.", 0.0),
    (r"\boxed{50}", 0.0),
    (r"Then \boxed{75}", bits(50, 25)),
    (r"\boxed{76}", 0.0),
    (r"\boxed{90}", bits(24, 13)),
    (r"\boxed{86}", 1.0),
]


def test_collector_records_each_turns_shaped_reward():
    pytest.importorskip("transformers")
    t = collect_scripted(GUESS, 0, [reply for reply, _ in GUESS_EPISODE])
    assert [turn.text for turn in t.turns] == [reply for reply, _ in GUESS_EPISODE]
    assert [turn.reward for turn in t.turns] == pytest.approx([r for _, r in GUESS_EPISODE])
    assert t.correct and t.reward == 1.0  # the trajectory's reward is the last turn's: the outcome
    invalid = t.turns[1].env_messages[0].content
    assert invalid.startswith("Invalid guess: no number in the reply. That used up a turn") and len(t.turns) == 7

    wordle = collect_scripted(WORDLE, 0, [r"\boxed{crane}", "word", r"\boxed{crane}", r"\boxed{three}",
                                          r"\boxed{there}"])  # seed 0's word is "there"
    # crane .Y..G: green e, letters r and e; three GGYYG: greens t, h, letters t, h and a second e
    assert [turn.reward for turn in wordle.turns] == pytest.approx([0.3, 0.0, 0.0, 0.5, 1.0])
    assert "4 letters, not 5" in wordle.turns[1].env_messages[0].content and wordle.correct


def test_process_learner_puts_each_turns_reward_on_that_turns_tokens():
    pytest.importorskip("torch")
    from envgym.learn.learners import ProcessConfig, make_learner
    from envgym.models import build_tokenizer

    won = collect_scripted(GUESS, 0, [reply for reply, _ in GUESS_EPISODE])
    lost = collect_scripted(GUESS, 0, [r"\boxed{50}"] * 8)
    assert won.group_id == lost.group_id and (won.reward, lost.reward) == (1.0, 0.0)
    # Games judge whole moves, not lines: in multi-turn episodes the default config uses the per-turn
    # rewards (its math step verifier is for single-turn answers).
    learner = make_learner("process", ProcessConfig())
    learner.setup(SimpleNamespace(config=SimpleNamespace(loss=SimpleNamespace(kl_coef=0.0))))
    weights = learner.advantages(SimpleNamespace(tokenizer=build_tokenizer()), [[won, lost]])

    steps = [turn.reward for t in (won, lost) for turn in t.turns]
    baseline = sum(steps) / len(steps)
    for t, per_token, outcome in zip((won, lost), weights, (1.0, -1.0)):  # GRPO on rewards 1 and 0
        expected = [pytest.approx(outcome, abs=1e-5)] * (len(t.turns[-1].prompt_ids) + len(t.turns[-1].completion_ids))
        for turn in t.turns:
            start = len(turn.prompt_ids)
            for k in range(start, start + len(turn.completion_ids)):
                expected[k] = pytest.approx(outcome + turn.reward - baseline, abs=1e-5)
        assert per_token == expected
    # the informative first guess is pushed up in both episodes; the repeats of the lost one down
    first = len(won.turns[0].prompt_ids)
    assert weights[1][first] - weights[1][len(lost.turns[1].prompt_ids)] == pytest.approx(bits(100, 50))
