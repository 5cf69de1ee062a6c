"""Many concurrent sessions of a multi-turn environment against one ``envgym serve``, on loopback.

One server (a child process, ``envgym serve envgym/GuessNumber-v0``) and, in this process, one
OpenEnv ``EnvClient`` (``envgym.serve.EnvgymClient``) per session, all on one event loop. Each
wave opens ``--sessions`` sessions at once, plays ``--episodes`` episodes in every one by binary
search on the higher/lower replies (at most 1 reset + 8 steps an episode: a bounded request
count), counts the open sessions on the server (``/envs``: all of them, still open), closes them
and waits for the server's count to return to 0. Every episode must be solved and every task must
be the one its seed gives in-process (sessions that mixed up their state would fail both). The
server's resident memory is read with all sessions open and after each wave: the last wave must
not leave it more than ``--max-growth-mb`` above the first wave's end.

    python bench/serve_load.py [--sessions 1000] [--episodes 2] [--waves 2]

Prints ``name: value`` lines, the verdict first; exits 1 on any error, leaked session or growth.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import re
import sys
import time
import urllib.request

ENV_ID = "envgym/GuessNumber-v0"
_HINT = re.compile(r"\b(higher|lower)\b", re.I)


async def play(client, seed: int, expected_task: str) -> int:
    """One episode by binary search; the number of requests it took. Raises on any surprise."""
    result = await client.reset(seed=seed)
    if result.observation.info["task_id"] != expected_task:
        raise AssertionError(f"seed {seed}: task {result.observation.info['task_id']}, expected {expected_task}")
    low, high, requests = 1, 100, 1
    while not result.done:
        guess = (low + high) // 2
        result = await client.step(f"\\boxed{{{guess}}}")
        requests += 1
        hint = _HINT.search(result.observation.messages[-1]["content"]) if result.observation.messages else None
        if hint and hint.group(1).lower() == "higher":
            low = guess + 1
        elif hint:
            high = guess - 1
    if not result.observation.verdict["correct"]:
        raise AssertionError(f"seed {seed}: unsolved ({result.observation.verdict['reason']})")
    return requests


async def sessions_open(url: str) -> int:
    def get() -> int:
        with urllib.request.urlopen(f"{url}/envs", timeout=30) as response:
            return sum(e["active_sessions"] for e in json.load(response))
    return await asyncio.to_thread(get)


async def wave(server, sessions: int, episodes: int, tasks: dict[int, str]) -> dict[str, float]:
    from envgym.serve import EnvgymClient

    url = server.url
    clients = [EnvgymClient(base_url=f"{url}/{ENV_ID}", connect_timeout_s=120, message_timeout_s=120)
               for _ in range(sessions)]
    began = time.perf_counter()
    await asyncio.gather(*(c.connect() for c in clients))
    opened = time.perf_counter() - began
    began = time.perf_counter()
    counts = await asyncio.gather(*(play_all(c, i, episodes, tasks) for i, c in enumerate(clients)),
                                  return_exceptions=True)
    played = time.perf_counter() - began
    errors = [c for c in counts if isinstance(c, BaseException)]
    peak, peak_rss = await sessions_open(url), server.rss_mb()  # every session still open, its environment built
    await asyncio.gather(*(c.close() for c in clients), return_exceptions=True)
    left, deadline = await sessions_open(url), time.monotonic() + 15
    while left and time.monotonic() < deadline:
        await asyncio.sleep(0.1)
        left = await sessions_open(url)
    requests = sum(c for c in counts if isinstance(c, int))
    if errors:
        print(f"first error: {type(errors[0]).__name__}: {errors[0]}", file=sys.stderr)
    return {"errors": len(errors), "sessions_at_peak": peak, "sessions_left": left, "requests": requests,
            "rss_mb_with_all_open": peak_rss, "connect_s": opened, "play_s": played, "requests_per_s": requests / played}


async def play_all(client, index: int, episodes: int, tasks: dict[int, str]) -> int:
    return sum([await play(client, seed, tasks[seed]) for seed in range(index * episodes, (index + 1) * episodes)])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sessions", type=int, default=1000)
    parser.add_argument("--episodes", type=int, default=2, help="episodes per session in each wave")
    parser.add_argument("--waves", type=int, default=2)
    parser.add_argument("--max-growth-mb", type=float, default=32.0,
                        help="how much the server's memory may grow from the first wave's end to the last's")
    args = parser.parse_args()

    import resource

    import envgym
    from envgym.serve.process import ServerProcess

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)  # a socket per client
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, max(soft, args.sessions + 256)), hard))
    env = envgym.make(ENV_ID)
    tasks = {seed: env.reset(seed=seed)[1]["task_id"] for seed in range(args.sessions * args.episodes)}
    with ServerProcess([ENV_ID], ["--max-sessions", str(args.sessions)]) as server:
        rss = [server.rss_mb()]
        results = []
        for _ in range(args.waves):
            results.append(asyncio.run(wave(server, args.sessions, args.episodes, tasks)))
            rss.append(server.rss_mb())
        server_errors = server.stderr_tail()
    growth = rss[-1] - rss[1]
    ok = (all(r["errors"] == 0 and r["sessions_left"] == 0 and r["sessions_at_peak"] == args.sessions for r in results)
          and growth <= args.max_growth_mb)
    print(f"ok: {ok}")
    print(f"sessions: {args.sessions}")
    print(f"waves: {args.waves}")
    for i, r in enumerate(results, 1):
        for name, value in r.items():
            print(f"wave{i}_{name}: {value:.3g}" if isinstance(value, float) else f"wave{i}_{name}: {value}")
    print(f"rss_mb_idle: {rss[0]:.1f}")
    for i, value in enumerate(rss[1:], 1):
        print(f"rss_mb_after_wave{i}: {value:.1f}")
    print(f"rss_growth_after_first_wave_mb: {growth:.1f}")
    if server_errors:
        print(f"server stderr: {server_errors}", file=sys.stderr)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
