"""envgym/Repo-v0 gold episodes per second, per sandbox backend, next to a bare pytest run of the same tests.

    python bench/repo_episodes.py [--episodes 8] [--concurrency 1,2,4] [--backends bwrap,docker]

Sides, each over the same tasks (the tasks that seeds 0.. draw):
  envgym   whole episodes of ``envgym/Repo-v0``, one environment per concurrent episode: read the
           file the gold patch changes, run the visible tests, write the patch, run them again,
           answer (which grades with the hidden tests in a fresh sandbox); every episode must earn 1
  bare     ``subprocess`` on the host, no isolation: the repository written to a temporary folder,
           the gold patch applied, ``python3 -m pytest`` on the visible tests, then on the hidden
           ones; the same interpreter and pytest as the sandboxes use (the system Python and
           envgym's pytest bundle)

Per concurrency, the sides run in alternating rounds (bare, bwrap, docker, bare, ...) so the load
of a shared machine hits each alike. ``start_s``: what an episode costs before its first result,
``reset`` plus the first sandboxed tool call (``run_tests``), on a warm environment (its sandbox
already open) and a cold one (a new environment: a bubblewrap zygote or a container to start); for
bare, writing the folder plus the first pytest run. Prints ``name: value`` lines, ratios first
(envgym episodes per second over bare's: below 1 is the price of the sandbox and the tool loop).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import envgym
import envgym_repo.observe
from envgym.tools.calls import call_text

PYTHON = "/usr/bin/python3"


# ---- envgym: whole episodes ------------------------------------------------------------------


def gold_episode(env, seed: int) -> float:
    """Play one gold episode on ``env`` (read, test, patch, test, answer); its reward."""
    env.reset(seed=seed)
    task = env.task.reference
    first = sorted(task.solution)[0]
    steps = [call_text("read_file", {"path": first}), call_text("run_tests", {}),
             "\n".join(call_text("write_file", {"path": p, "content": d.decode()}) for p, d in sorted(task.solution.items())),
             call_text("run_tests", {}), "The issue is fixed."]
    for action in steps:
        _, reward, done, _, _ = env.step(action)
    assert done, "the episode did not end on the answer"
    return reward


def start_cost(env, seed: int) -> float:
    """Seconds for ``reset`` and the first sandboxed tool call."""
    start = time.perf_counter()
    env.reset(seed=seed)
    env.step(call_text("run_tests", {}))
    return time.perf_counter() - start


def envgym_side(envs: list, seeds: list[int], bar) -> float:
    """Episodes per second with ``len(envs)`` at once (each environment plays its share in turn)."""
    shares = [seeds[i::len(envs)] for i in range(len(envs))]

    def play(i: int) -> None:
        for seed in shares[i]:
            reward = gold_episode(envs[i], seed)
            assert reward == 1.0, f"a gold episode earned {reward} (seed {seed}, task {envs[i].task.reference.name})"
            bar.update(1)

    start = time.perf_counter()
    with ThreadPoolExecutor(len(envs)) as pool:
        list(pool.map(play, range(len(envs))))
    return len(seeds) / (time.perf_counter() - start)


# ---- bare: the same tests, no sandbox ----------------------------------------------------------


def pytest_run(folder: str, target: str, bundle: str) -> None:
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": f"{bundle}/lib", "PYTHONDONTWRITEBYTECODE": "1", "HOME": folder}
    done = subprocess.run([PYTHON, "-m", "pytest", "-q", "-p", "no:cacheprovider", target], cwd=folder, env=env,
                          capture_output=True, timeout=120)
    assert done.returncode == 0, done.stdout.decode()[-2000:]


def bare_episode(task, bundle: str, *, first_only: bool = False) -> None:
    with tempfile.TemporaryDirectory(prefix="repo-bare-") as folder:
        for name, data in {**task.files, **({} if first_only else task.solution)}.items():
            path = Path(folder, name)
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
        pytest_run(folder, "tests", bundle)
        if first_only:
            return
        hidden = Path(folder, "hidden")
        hidden.mkdir()
        for name, data in task.hidden.items():
            (hidden / name).write_bytes(data)
        # The hidden tests record values through ``observe`` (envgym compares them with the gold's);
        # under plain pytest they just run.
        (hidden / "observe.py").write_bytes(Path(envgym_repo.observe.__file__).read_bytes())
        pytest_run(folder, "hidden", bundle)


def bare_side(tasks: list, concurrency: int, bundle: str, bar) -> float:
    def one(task) -> None:
        bare_episode(task, bundle)
        bar.update(1)

    start = time.perf_counter()
    with ThreadPoolExecutor(concurrency) as pool:
        list(pool.map(one, tasks))
    return len(tasks) / (time.perf_counter() - start)


# ---- the run ----------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--episodes", type=int, default=8, help="episodes per side, concurrency and round")
    parser.add_argument("--rounds", type=int, default=2, help="alternating rounds of every side")
    parser.add_argument("--concurrency", default="1,2,4", help="comma-separated episodes at once")
    parser.add_argument("--backends", default="bwrap,docker", help="comma-separated sandbox backends")
    parser.add_argument("--starts", type=int, default=3, help="start-cost samples per backend (median)")
    args = parser.parse_args()
    from tqdm import tqdm

    from envgym_repo.workspace import gold_observations, pytest_bundle

    levels = [int(c) for c in args.concurrency.split(",")]
    backends = [b for b in args.backends.split(",") if b]
    if "bwrap" in backends and shutil.which("bwrap") is None:
        sys.exit("bench/repo_episodes.py: bubblewrap is not installed; pass --backends docker (or install bubblewrap)")
    bundle = pytest_bundle()
    seeds = list(range(args.episodes))
    envs = {b: [envgym.make("envgym/Repo-v0", backend=b) for _ in range(max(levels))] for b in backends}
    probe = envs[backends[0]][0] if backends else envgym.make("envgym/Repo-v0")
    tasks = []
    for seed in seeds:  # the tasks the seeds draw: the bare side runs the same ones
        probe.reset(seed=seed)
        tasks.append(probe.task.reference)

    starts = {"bare": statistics.median(_timed(lambda: bare_episode(tasks[0], bundle, first_only=True))
                                        for _ in range(args.starts))}
    for b in backends:
        for env in envs[b]:  # open every sandbox (and build the docker image) before anything is timed
            start_cost(env, 0)
    if backends:  # the gold's observations: computed once per task and process, not part of an episode
        box = envs[backends[0]][0].unwrapped.sandbox()
        for t in tasks:
            gold_observations(box, {**t.files, **t.solution}, t.packages, t.hidden)
    for b in backends:
        cold = []
        for i in range(args.starts):
            fresh = envgym.make("envgym/Repo-v0", backend=b)
            cold.append(start_cost(fresh, i))
            fresh.close()
        starts[f"{b}_cold"] = statistics.median(cold)
        starts[f"{b}_warm"] = statistics.median(start_cost(envs[b][0], i) for i in range(args.starts))

    rates: dict[tuple[str, int], list[float]] = {}
    total = len(levels) * args.rounds * len(seeds) * (1 + len(backends))
    with tqdm(total=total, desc="repo episodes", unit="ep", file=sys.stderr, disable=None) as bar:
        for c in levels:
            for _ in range(args.rounds):
                rates.setdefault(("bare", c), []).append(bare_side(tasks, c, bundle, bar))
                for b in backends:
                    rates.setdefault((b, c), []).append(envgym_side(envs[b][:c], seeds, bar))
    for group in envs.values():
        for env in group:
            env.close()

    rate = {key: sum(values) / len(values) for key, values in rates.items()}
    for b in backends:
        for c in levels:
            print(f"{b}_over_bare_c{c}: {rate[(b, c)] / rate[('bare', c)]:.2f}")
    for b in backends:
        print(f"{b}_start_over_bare: {starts[f'{b}_warm'] / starts['bare']:.2f}")
    for (side, c), value in rate.items():
        print(f"{side}_episodes_per_s_c{c}: {value:.2f}")
    for name, value in starts.items():
        print(f"start_s_{name}: {value:.3f}")
    print(f"episodes: {len(seeds)}")
    print(f"rounds: {args.rounds}")
    print(f"cpus: {os.cpu_count()}")


def _timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


if __name__ == "__main__":
    main()
