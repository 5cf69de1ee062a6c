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

    python bench/step_vs_gem.py [--episodes 300] [--repeats 5]

Prints ``name: value`` lines, ratios first. Target: ``loop_ratio_envgym_over_gem`` at most 1.5.
"""

from __future__ import annotations

import argparse
import re
import statistics
import time

LOW, HIGH, TURNS = 1, 100, 8
_HINT = re.compile(r"\b(higher|lower)\b", re.I)


def play(step, reset, episodes: int, last_text) -> tuple[int, int, int]:
    """Play ``episodes`` binary-search episodes; return (nanoseconds in all, nanoseconds inside step, steps)."""
    spent = steps = 0
    began = time.perf_counter_ns()
    for seed in range(episodes):
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
    parser.add_argument("--episodes", type=int, default=300)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    import logging

    logging.disable(logging.INFO)  # gem configures INFO logging at import
    sides = {"envgym": envgym_side(), "gem": gem_side()}
    for step, reset, last in sides.values():  # warm-up (imports, caches of the first seeds)
        play(step, reset, 20, last)
    loop: dict[str, list[float]] = {name: [] for name in sides}
    per_step: dict[str, list[float]] = {name: [] for name in sides}
    order = list(sides)
    for _ in range(args.repeats):
        for name in order:
            total, spent, steps = play(*sides[name][:2], args.episodes, sides[name][2])
            loop[name].append(total / steps / 1000)
            per_step[name].append(spent / steps / 1000)
        order.reverse()
    median = {name: statistics.median(v) for name, v in per_step.items()}
    whole = {name: statistics.median(v) for name, v in loop.items()}
    print(f"loop_ratio_envgym_over_gem: {whole['envgym'] / whole['gem']:.2f}")
    print(f"step_ratio_envgym_over_gem: {median['envgym'] / median['gem']:.2f}")
    print(f"envgym_loop_us_per_step: {whole['envgym']:.1f}")
    print(f"gem_loop_us_per_step: {whole['gem']:.1f}")
    print(f"envgym_us_per_step: {median['envgym']:.1f}")
    print(f"gem_us_per_step: {median['gem']:.1f}")
    print(f"episodes: {args.episodes}")
    print(f"repeats: {args.repeats}")


if __name__ == "__main__":
    main()
