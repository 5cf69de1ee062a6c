"""Per-step overhead of ``env.step`` over the bare verifier call on the same answers.

For each of N seeded tasks of envgym/Arithmetic-v0, one answer (gold, or a wrong or hacking
one) is scored twice: by the environment's own guarded verifier directly, and by ``env.step``.
Both sides do the same untimed ``env.reset(seed)`` before each timed call, so caches are in the
same state, and the medians of several alternating repeats are compared.

    python bench/env_overhead.py [--n 4000] [--repeats 5] [--difficulty 1]

Prints ``name: value`` lines, ratio first. Target: step_over_verify below 1.2.
"""

from __future__ import annotations

import argparse
import statistics
import time

import envgym


def collect(env, n: int) -> list[tuple[int, str]]:
    """(seed, answer) pairs: a third gold, the rest wrong or hacks, so every verdict path runs."""
    pairs = []
    for seed in range(n):
        env.reset(seed=seed)
        if seed % 3 == 0:
            pairs.append((seed, env.gold_action()))
        else:
            hacks = list(env.hack_actions().values())
            pairs.append((seed, hacks[seed % len(hacks)]))
    return pairs


def time_verify(env, pairs) -> float:
    verify = env.verifier.verify
    clock = time.perf_counter_ns
    total = 0
    for seed, answer in pairs:
        env.reset(seed=seed)
        ref = env.task.reference
        t = clock()
        verify(answer, ref)
        total += clock() - t
    return total / len(pairs)


def time_step(env, pairs) -> float:
    clock = time.perf_counter_ns
    total = 0
    for seed, answer in pairs:
        env.reset(seed=seed)
        t = clock()
        env.step(answer)
        total += clock() - t
    return total / len(pairs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=4000)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--difficulty", type=int, default=1)
    args = parser.parse_args()

    env = envgym.make("envgym/Arithmetic-v0", difficulty=args.difficulty)
    pairs = collect(env, args.n)

    verify_ns, step_ns = [], []
    for _ in range(args.repeats):
        verify_ns.append(time_verify(env, pairs))
        step_ns.append(time_step(env, pairs))
    v, s = statistics.median(verify_ns), statistics.median(step_ns)
    print(f"step_over_verify: {s / v:.3f}")
    print(f"step_overhead_us: {(s - v) / 1000:.3f}")
    print(f"verify_us: {v / 1000:.3f}")
    print(f"step_us: {s / 1000:.3f}")
    print(f"answers: {len(pairs)}")


if __name__ == "__main__":
    main()
