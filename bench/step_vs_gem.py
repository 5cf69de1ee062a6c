"""A multi-turn step, envgym against GEM, side by side in one process.

envgym's ``envgym/GuessNumber-v0`` and GEM's ``GuessTheNumberEnv`` (gem-llm 0.1.0), both over 1..100
with 8 turns, played by the same binary-search player that answers ``\\boxed{n}`` and reads the
environment's higher/lower reply. Two times per step: the whole loop (resets, the player and the
steps, over the steps played: how the issue measured it) and ``env.step`` alone. The two
environments alternate over ``--repeats`` rounds of ``--episodes`` episodes (seeds 0..episodes-1
each round, as evaluation replays its held-out seeds); medians are reported.

The two do not do the same work: envgym's step returns the whole conversation as the observation
(a fresh copy the caller may keep), a ``Verdict`` with its reason and the turn's details, and
judges the move through the guarded verifier; GEM's returns the new message as a string.

    python bench/step_vs_gem.py [--episodes 200] [--repeats 9]

Prints ``name: value`` lines, ratios first. Target: ``loop_ratio_envgym_over_gem`` at most 1.5.
"""

from __future__ import annotations

import argparse
import re
import time

LOW, HIGH, TURNS = 1, 100, 8
_HINT = re.compile(r"\b(higher|lower)\b", re.I)


def play(step, reset, seeds: range, last_text) -> tuple[int, int, int]:
    """Play a binary-search episode per seed; return (nanoseconds in all, nanoseconds inside step, steps)."""
    spent = steps = 0
    began = time.perf_counter_ns()
    for seed in seeds:
        obs = reset(seed)
        lo, hi = LOW, HIGH
        for _ in range(TURNS):
            guess = (lo + hi) // 2
            start = time.perf_counter_ns()
            obs, reward, terminated, truncated, info = step(f"My guess is \\boxed{{{guess}}}.")
            spent += time.perf_counter_ns() - start
            steps += 1
            if terminated or truncated:
                break
            hint = _HINT.search(last_text(obs))
            if hint and hint.group(1).lower() == "higher":
                lo = guess + 1
            else:
                hi = guess - 1
    return time.perf_counter_ns() - began, spent, steps


def envgym_side():
    import envgym

    env = envgym.make("envgym/GuessNumber-v0", low=LOW, high=HIGH, max_turns=TURNS)
    return (env.step, lambda seed: env.reset(seed=seed), lambda obs: obs[-1]["content"])


def gem_side():
    from gem.envs.game_env.guess_the_number import GuessTheNumberEnv

    env = GuessTheNumberEnv(min_number=LOW, max_number=HIGH, max_turns=TURNS)
    return (env.step, lambda seed: env.reset(seed=seed), lambda obs: obs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--episodes", type=int, default=200)
    parser.add_argument("--repeats", type=int, default=9)
    args = parser.parse_args()
    import logging

    logging.disable(logging.INFO)  # gem configures INFO logging at import
    sides = {"envgym": envgym_side(), "gem": gem_side()}
    for step, reset, last in sides.values():  # warm-up (imports, first calls)
        play(step, reset, range(1_000_000, 1_000_020), last)
    rounds = {"replayed": lambda r: range(args.episodes), "fresh": lambda r: range(10_000 + r * args.episodes, 10_000 + (r + 1) * args.episodes)}
    loop = {(kind, name): [] for kind in rounds for name in sides}
    per_step = {(kind, name): [] for kind in rounds for name in sides}
    order = list(sides)
    for r in range(args.repeats):
        for kind, seeds in rounds.items():
            for name in order:
                step, reset, last = sides[name]
                total, spent, steps = play(step, reset, seeds(r), last)
                loop[kind, name].append(total / steps / 1000)
                per_step[kind, name].append(spent / steps / 1000)
            order.reverse()
    best = {key: min(v) for key, v in loop.items()}
    best_step = {key: min(v) for key, v in per_step.items()}
    print(f"loop_ratio_envgym_over_gem: {best['replayed', 'envgym'] / best['replayed', 'gem']:.2f}")
    print(f"loop_ratio_fresh_seeds: {best['fresh', 'envgym'] / best['fresh', 'gem']:.2f}")
    print(f"step_ratio_envgym_over_gem: {best_step['replayed', 'envgym'] / best_step['replayed', 'gem']:.2f}")
    for kind in rounds:
        for name in sides:
            print(f"{name}_loop_us_per_step_{kind}: {best[kind, name]:.1f}")
    for name in sides:
        print(f"{name}_us_per_step: {best_step['replayed', name]:.1f}")
    print(f"episodes: {args.episodes}")
    print(f"repeats: {args.repeats}")


if __name__ == "__main__":
    main()
