"""What Harbor-v0's root costs: a tool command through ``envgym_harbor.rootfs.RootedSandbox``
(user and mount namespace, bind mounts, chroot, then the same command) against the same command
through Repo-v0's plain sandbox, and one whole verifier run (``bash /tests/test.sh``, reward read).

    python bench/harbor_launcher.py [--runs 30]

Both sides run ``ls -la`` on the same three-file working copy with ``envgym_repo``'s
``run_command`` in one warm bubblewrap sandbox, alternating (plain, rooted, plain, ...) so load
that drifts on a shared machine hits both alike. Prints ``name: value`` lines, ratio first:
medians in milliseconds. No target: it says what the paths cost.
"""

from __future__ import annotations

import argparse
import statistics
import time

from envgym_harbor.rootfs import RootedSandbox, run_verifier
from envgym_harbor.tasks import load_tasks
from envgym_repo.workspace import make_repo_sandbox, run_command

FILES = {"a.txt": b"a\n", "src/b.py": b"print(1)\n", "data/c.csv": b"x,y\n1,2\n"}


def timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return (time.perf_counter() - start) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30, help="commands per side")
    args = parser.parse_args()
    box = make_repo_sandbox("bwrap", concurrency=1)
    rooted = RootedSandbox(box, "/app")
    task = next(t for t in load_tasks() if t.name == "hello-file")
    solved = {"hello.txt": b"Hello, world!\n"}
    try:
        for side in (box, rooted):  # warm the zygote and the page cache
            assert run_command(side, FILES, "ls -la").exit_code == 0
        plain, root, verify = [], [], []
        for _ in range(args.runs):
            plain.append(timed(lambda: run_command(box, FILES, "ls -la")))
            root.append(timed(lambda: run_command(rooted, FILES, "ls -la")))
        for _ in range(max(3, args.runs // 5)):
            verify.append(timed(lambda: run_verifier(box, task.workdir, solved, task.tests, timeout_s=30)))
        assert run_verifier(box, task.workdir, solved, task.tests, timeout_s=30).reward == 1.0
    finally:
        box.close()
    print(f"rooted_over_plain_command: {statistics.median(root) / statistics.median(plain):.2f}")
    print(f"plain_command_ms: {statistics.median(plain):.1f}")
    print(f"rooted_command_ms: {statistics.median(root):.1f}")
    print(f"verifier_run_ms: {statistics.median(verify):.1f}")
    print(f"runs: {args.runs}")


if __name__ == "__main__":
    main()
