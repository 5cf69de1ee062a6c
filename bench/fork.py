"""What a fork of a mid-episode environment costs, against getting there again by reset and replay.

For each environment, an episode is played ``t`` turns from a seeded reset. Then the same state
is reached three ways, each timed (median over ``--repeats``):

    restore   ``env.restore(snapshot)`` into an environment that already exists (what the
              collector's ``branch_at`` does with the group's other environments)
    fork      ``envgym.fork(env, 1)``: build a new environment with ``envgym.make`` and restore into it
    replay    ``env.reset(seed)`` and the same ``t`` actions again (the way without snapshots)

Environments: GuessNumber-v0 (a game, 3 binary-search guesses), Lookup-v0 (a tool environment,
one SQLite full-text search), and with bubblewrap CodeRefine-v0 (one wrong attempt run against
the hidden tests) and Repo-v0 (the visible tests and a shell command, each in a sandbox).

    python bench/fork.py [--repeats 20] [--sandboxed-repeats 3] [--no-sandbox]

Prints ``name: value`` lines, ratios first (replay time over restore time and over fork time:
above 1, forking is cheaper), then the times in milliseconds.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import time
from collections.abc import Callable, Sequence
from typing import Any

import envgym
from envgym.tools.calls import call_text


def timed(fn: Callable[[], Any], repeats: int) -> float:
    """The median seconds of ``repeats`` calls."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def measure(env_id: str, kwargs: dict, seed: int, actions: Sequence[str], repeats: int) -> dict[str, float]:
    env = envgym.make(env_id, **kwargs)
    target = envgym.make(env_id, **kwargs)
    made: list[Any] = []
    try:
        env.reset(seed=seed)
        target.reset(seed=seed)
        for action in actions:
            env.step(action)
        snap = env.snapshot()

        def replay() -> None:
            target.reset(seed=seed)
            for action in actions:
                target.step(action)

        def fork() -> None:
            made.extend(envgym.fork(env, 1))

        out = {"restore": timed(lambda: target.restore(snap), repeats), "fork": timed(fork, repeats),
               "replay": timed(replay, repeats), "snapshot": timed(env.snapshot, repeats)}
        assert target.turn == env.turn == len(actions), "the replay did not reach the snapshot's turn"
        return out
    finally:
        for e in (env, target, *made):
            e.close()


def guess_actions() -> list[str]:
    env = envgym.make("envgym/GuessNumber-v0")
    env.reset(seed=1)
    actions = []
    for _ in range(3):  # binary search; seed 1's secret is not among its first three guesses
        actions.append(env.gold_action())
        env.step(actions[-1])
    assert not env.done
    return actions


def cases(sandboxed: bool) -> list[tuple[str, str, dict, int, list[str], bool]]:
    """(name, env id, options, seed, actions, runs in a sandbox)."""
    lookup = envgym.make("envgym/Lookup-v0", hops=2)
    lookup.reset(seed=3)
    out = [("guess_number", "envgym/GuessNumber-v0", {}, 1, guess_actions(), False),
           ("lookup", "envgym/Lookup-v0", {"hops": 2}, 3, [lookup.gold_action()], False)]
    if sandboxed:
        from envgym_code.hacks import python_block

        code = envgym.make("envgym/CodeRefine-v0", tasks=["to_roman"])
        code.reset(seed=0)
        wrong = python_block(code.task.reference.wrong[0])
        out.append(("code_refine", "envgym/CodeRefine-v0", {"tasks": ["to_roman"]}, 0, [wrong], True))
        out.append(("repo", "envgym/Repo-v0", {"tasks": ["semver_compare_numeric"]}, 0,
                    [call_text("run_tests", {}), call_text("bash", {"command": "echo notes > NOTES.txt"})], True))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=20, help="timed repeats of each way, in-process environments")
    parser.add_argument("--sandboxed-repeats", type=int, default=3, help="timed repeats for sandboxed environments")
    parser.add_argument("--no-sandbox", action="store_true", help="skip CodeRefine-v0 and Repo-v0")
    args = parser.parse_args()
    sandboxed = not args.no_sandbox and shutil.which("bwrap") is not None
    results = {}
    for name, env_id, kwargs, seed, actions, boxed in cases(sandboxed):
        results[name] = measure(env_id, kwargs, seed, actions, args.sandboxed_repeats if boxed else args.repeats)
    for name, r in results.items():
        print(f"{name}_replay_over_restore: {r['replay'] / r['restore']:.1f}")
        print(f"{name}_replay_over_fork: {r['replay'] / r['fork']:.2f}")
    for name, r in results.items():
        for way in ("restore", "fork", "replay", "snapshot"):
            print(f"{name}_{way}_ms: {r[way] * 1000:.3f}")


if __name__ == "__main__":
    main()
