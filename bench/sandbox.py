"""Sandbox cost, side by side in one run: a trivial Python program under each backend.

    python bench/sandbox.py [--runs 200] [--docker-run 10] [--concurrency N]

Sides (each runs the same program, ``print(sum(range(100)))``, with ``python3 -I -S``):
  bare        ``subprocess.run`` of the host's python3, no isolation: the floor
  process     envgym's rlimits-only backend
  bwrap       envgym's default: namespaces, read-only system, tmpfs, uid switch
  docker      envgym's warm container pool (one exec per program, through the engine's API)
  docker_run  ``docker run --rm`` of the same image per program: what a pool avoids

Latency is the median of sequential runs; throughput is programs per second with
``--concurrency`` at once (default: the CPU count) through each sandbox's ``map``, measured in
alternating rounds (bare, process, bwrap, bare, ...) and reported as the median per-round ratio,
so load that drifts on a shared machine hits every side alike. Prints
``name: value`` lines, ratios first. Targets: bwrap throughput at least 0.8x bare; the docker
pool at least 5x faster per program than ``docker run``.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import time
import warnings
from concurrent.futures import ThreadPoolExecutor

import envgym
from envgym.sandbox.base import Program

CODE = "print(sum(range(100)))"
PYTHON = "/usr/bin/python3"


def bare(_: int = 0) -> None:
    done = subprocess.run([PYTHON, "-I", "-S", "-c", CODE], capture_output=True, timeout=30)
    assert done.stdout == b"4950\n", done


def latency(fn, runs: int) -> float:
    fn()  # warm
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def throughput_bare(runs: int, concurrency: int) -> float:
    start = time.perf_counter()
    with ThreadPoolExecutor(concurrency) as pool:
        list(pool.map(bare, range(runs)))
    return runs / (time.perf_counter() - start)


def throughput_box(box, runs: int) -> float:
    program = Program([box.python, "-I", "-S", "-c", CODE])
    start = time.perf_counter()
    results = box.map([program] * runs)
    elapsed = time.perf_counter() - start
    bad = [r for r in results if r.stdout != "4950\n"]
    assert not bad, bad[0]
    return runs / elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=240, help="programs per side, split over the rounds")
    parser.add_argument("--rounds", type=int, default=6, help="alternating rounds (a shared machine's load drifts)")
    parser.add_argument("--docker-run", type=int, default=10, help="docker run --rm programs (slow)")
    parser.add_argument("--concurrency", type=int, default=os.cpu_count() or 2)
    args = parser.parse_args()
    envgym.load_plugins()
    boxes = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # process backend: we know it is not isolation
        boxes["process"] = envgym.make_sandbox("process", concurrency=args.concurrency)
    if shutil.which("bwrap"):
        boxes["bwrap"] = envgym.make_sandbox("bwrap", concurrency=args.concurrency)
    docker_image = None
    try:
        boxes["docker"] = envgym.make_sandbox("docker", concurrency=args.concurrency)
        docker_image = boxes["docker"].image
    except Exception as e:  # noqa: BLE001 - no engine, no SDK: say so and go on
        print(f"# docker backend unavailable: {e}")
    for box in boxes.values():  # warm pools and zygotes before anything is timed
        box.map([Program([box.python, "-I", "-S", "-c", CODE])] * args.concurrency)

    per_round = max(args.runs // args.rounds, args.concurrency)
    thr: dict[str, list[float]] = {"bare": [], **{name: [] for name in boxes if name != "docker"}}
    for _ in range(args.rounds):  # each round times every side once, back to back
        thr["bare"].append(throughput_bare(per_round, args.concurrency))
        for name in thr:
            if name != "bare":
                thr[name].append(throughput_box(boxes[name], per_round))
    ratios = {name: statistics.median(x / b for x, b in zip(values, thr["bare"])) for name, values in thr.items() if name != "bare"}

    lat = {"bare": latency(bare, args.runs // 4)}
    for name, box in boxes.items():
        runs = args.runs // 4 if name != "docker" else max(args.docker_run * 2, 10)
        lat[name] = latency(lambda box=box: box.run([box.python, "-I", "-S", "-c", CODE]), runs)
    if docker_image:
        def docker_run() -> None:
            done = subprocess.run(["docker", "run", "--rm", "--network", "none", docker_image, PYTHON, "-I", "-S", "-c", CODE],
                                  capture_output=True, timeout=60)
            assert done.stdout == b"4950\n", done
        lat["docker_run"] = latency(docker_run, args.docker_run)
    for box in boxes.values():
        box.close()

    for name, ratio in ratios.items():
        print(f"{name}_throughput_vs_bare: {ratio:.2f}")
    if "docker_run" in lat:
        print(f"docker_run_latency_vs_docker_pool: {lat['docker_run'] / lat['docker']:.1f}")
    for name, value in lat.items():
        print(f"latency_ms_{name}: {value * 1000:.1f}")
    for name, values in thr.items():
        print(f"throughput_per_s_{name}: {statistics.median(values):.1f}")
    print(f"concurrency: {args.concurrency}")
    print(f"rounds: {args.rounds}")


if __name__ == "__main__":
    main()
