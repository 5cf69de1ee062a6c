"""Steps per second of one environment served by ``envgym serve`` against the same environment in-process.

``envgym/GuessNumber-v0`` played by the same binary-search player (``\\boxed{n}``, reading the
higher/lower reply) for ``--episodes`` episodes on seeds 0..episodes-1: in this process through
``env.reset``/``env.step``, then over loopback through OpenEnv's ``EnvClient`` (``EnvgymClient``)
against a server in a child process, first one session at a time (every step waits for its answer:
latency-bound), then ``--concurrent`` sessions at once on one event loop (throughput). A step is
one ``step`` call; time covers the whole loop (resets and the player too). The two processes share
the machine's cores; the three runs alternate over ``--repeats`` rounds and medians are reported.

    python bench/serve_vs_inprocess.py [--episodes 300] [--concurrent 64] [--repeats 3]

Prints ``name: value`` lines, ratios first.
"""

from __future__ import annotations

import argparse
import asyncio
import re
import statistics
import time

ENV_ID = "envgym/GuessNumber-v0"
_HINT = re.compile(r"\b(higher|lower)\b", re.I)


def next_bounds(low: int, high: int, guess: int, reply: str) -> tuple[int, int]:
    hint = _HINT.search(reply)
    if hint and hint.group(1).lower() == "higher":
        return guess + 1, high
    return low, guess - 1


def in_process(episodes: int) -> tuple[int, float]:
    import envgym

    env = envgym.make(ENV_ID)
    steps, began = 0, time.perf_counter()
    for seed in range(episodes):
        env.reset(seed=seed)
        low, high, done = 1, 100, False
        while not done:
            guess = (low + high) // 2
            _, _, done, _, info = env.step(f"\\boxed{{{guess}}}")
            steps += 1
            if not done:
                low, high = next_bounds(low, high, guess, info["replies"][-1]["content"])
    return steps, time.perf_counter() - began


async def served_episodes(url: str, seeds: range) -> int:
    from envgym.serve import EnvgymClient

    steps = 0
    async with EnvgymClient(base_url=url) as client:
        for seed in seeds:
            result = await client.reset(seed=seed)
            low, high = 1, 100
            while not result.done:
                guess = (low + high) // 2
                result = await client.step(f"\\boxed{{{guess}}}")
                steps += 1
                if not result.done:
                    low, high = next_bounds(low, high, guess, result.observation.messages[-1]["content"])
    return steps


async def served(url: str, episodes: int, sessions: int) -> tuple[int, float]:
    per = -(-episodes // sessions)
    began = time.perf_counter()
    counts = await asyncio.gather(*(served_episodes(url, range(i * per, min(episodes, (i + 1) * per)))
                                    for i in range(sessions)))
    return sum(counts), time.perf_counter() - began


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--episodes", type=int, default=300)
    parser.add_argument("--concurrent", type=int, default=64)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()

    from envgym.serve.process import ServerProcess

    in_process(20)  # warm: imports, seed cache
    rates: dict[str, list[float]] = {"local": [], "one": [], "many": []}
    with ServerProcess([ENV_ID]) as server:
        url = server.url_for(ENV_ID)
        asyncio.run(served(url, 20, 1))  # warm
        for _ in range(args.repeats):
            runs = {"local": in_process(args.episodes), "one": asyncio.run(served(url, args.episodes, 1)),
                    "many": asyncio.run(served(url, args.episodes, args.concurrent))}
            steps = {steps for steps, _ in runs.values()}
            assert len(steps) == 1, runs  # the same episodes every way
            for name, (count, seconds) in runs.items():
                rates[name].append(count / seconds)
    local, one, many = (statistics.median(rates[name]) for name in ("local", "one", "many"))
    print(f"served_over_inprocess_steps_per_s: {one / local:.4f}")
    print(f"served_{args.concurrent}_sessions_over_inprocess_steps_per_s: {many / local:.4f}")
    print(f"inprocess_steps_per_s: {local:.0f}")
    print(f"served_steps_per_s: {one:.0f}")
    print(f"served_{args.concurrent}_sessions_steps_per_s: {many:.0f}")
    print(f"served_us_per_step: {1e6 / one:.0f}")
    print(f"inprocess_us_per_step: {1e6 / local:.1f}")
    print(f"steps: {steps.pop()}")


if __name__ == "__main__":
    main()
