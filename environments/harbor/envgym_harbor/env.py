"""``envgym/Harbor-v0``: tasks in Harbor's (Terminal-Bench 2's) layout, solved with shell and edit tools.

    option         default  meaning
    path           None     a directory of Harbor task directories, or one task directory
                            (default: the tasks shipped in ``envgym_harbor/data``)
    tasks          None     names of the tasks to draw from (default: every task found)
    max_turns      30       model turns per episode, tool turns and the final answer included
    max_verify_s   600      the most seconds ``tests/test.sh`` may run, whatever task.toml asks

A reset draws a task with the reset's generator; the episode gets its own copy of the working
directory as the task's Dockerfile leaves it (``envgym_harbor.tasks``: WORKDIR and COPY only; the
image is not built). The prompt is ``instruction.md``. The model works through ``envgym_repo``'s
tools (``envgym_harbor.tools``) in bubblewrap, with the working directory at its real path
(``/app`` usually; ``envgym_harbor.rootfs``). A turn without a tool call ends the episode; then
the working directory is copied into a fresh sandbox with the task's ``tests/`` at ``/tests``
(never visible during the episode) and ``bash /tests/test.sh`` runs for at most [verifier]
timeout_sec; the reward is what it wrote to ``/logs/verifier/reward.json`` or ``reward.txt``,
clipped to [0, 1] (none, or a timeout: 0). Correct means reward 1. Tool turns earn 0. An episode
that changed no file earns 0 without a verifier run (as in ``envgym/Repo-v0``: an answer at once
costs no sandbox), so a task that the untouched working directory passes is not supported.

What the agent leaves can change the verdict only through files in the working directory that
test.sh reads or runs, as in Harbor; a task whose test.sh imports or runs the agent's code can be
forged by that code (it may write the reward file itself).

Gold policy: run ``solution/solve.sh`` through the ``bash`` tool, then answer. Hacks
(``envgym_harbor.hacks``): fake reward files, rewritten or deleted tests, printing "passed", a
conftest / pytest.ini / sitecustomize that exits early.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from envgym import Message, Task, Verdict
from envgym.tools import ToolBudget, ToolEnv
from envgym.tools.calls import call_text
from envgym_harbor.hacks import hack_policies
from envgym_harbor.rootfs import RootedSandbox, run_verifier
from envgym_harbor.tasks import HarborTask, HarborTaskError, load_tasks
from envgym_harbor.tools import HarborWorkspace
from envgym_repo.env import BUDGET, SelfGraded
from envgym_repo.workspace import make_repo_sandbox

INSTRUCTIONS = (
    "You are working in a Linux sandbox on the task the user gives. Your working directory is {workdir}; "
    "use the tools to inspect and change files there (only the working directory is kept between commands). "
    "There is no network. After you finish, the task's hidden tests check the working directory. When you "
    "are done, reply with a short summary and no tool call: that ends the episode."
)
SOLVE_MARK = "ENVGYM_SOLVE_EOF"


class HarborEnv(ToolEnv):
    """See the module docstring."""

    tasks_from_seed = True

    def __init__(self, path: str | Path | None = None, *, tasks: Sequence[str] | None = None, max_turns: int = 30,
                 max_verify_s: float = 600.0, budget: ToolBudget | Mapping[str, Any] | None = None,
                 backend: str | None = None, render_mode: str | None = None) -> None:
        if backend not in (None, "bwrap"):
            raise ValueError(f"envgym/Harbor-v0: backend={backend!r} is not supported; it runs on bubblewrap only "
                             "(its launcher needs user namespaces, which Docker containers refuse)")
        self.pool = _select(load_tasks(path), tasks)
        self.max_verify_s = float(max_verify_s)
        self.verifier_output = ""  # the last test.sh run's output (its last 4,000 characters), for people debugging a task
        self._box: Any = None
        self._box_lock = threading.Lock()
        self.workspace = HarborWorkspace({}, self._rooted, self.pool[0].workdir)
        super().__init__(SelfGraded("harbor-test-sh"), self.workspace.tools(), max_turns=max_turns,
                         budget=BUDGET if budget is None else budget, render_mode=render_mode)

    def sandbox(self) -> Any:
        """The environment's sandbox, opened on first use (tools and grading share it; every run is fresh)."""
        with self._box_lock:
            if self._box is None:
                self._box = make_repo_sandbox("bwrap")
            return self._box

    def _rooted(self) -> RootedSandbox:
        return RootedSandbox(self.sandbox(), self.workspace.workdir)

    # ---- tasks ------------------------------------------------------------------------------

    def generate_task(self, rng: np.random.Generator) -> Task:
        task = self.pool[int(rng.integers(len(self.pool)))]
        system = self.system_with_tools(INSTRUCTIONS.format(workdir=task.workdir))
        return Task(f"harbor-{task.name}", (system, Message("user", task.instruction)), task,
                    {"name": task.name, "workdir": task.workdir, **{k: v for k, v in task.metadata.items()
                                                                    if isinstance(v, str | int | float)}})

    def reset(self, *, seed: int | None = None, options: dict[str, Any] | None = None):
        obs, info = super().reset(seed=seed, options=options)
        task: HarborTask = self.task.reference
        self.workspace.files = dict(task.files)  # the episode's own copy
        self.workspace.workdir = task.workdir
        return obs, info

    def task_count(self) -> int:
        return len(self.pool)

    # ---- scoring ----------------------------------------------------------------------------

    def score(self, action: str) -> Verdict:
        """Run the task's tests/test.sh on the working directory (``action``, the final message, is not read)."""
        task: HarborTask = self.task.reference
        if self.workspace.files == task.files:
            self.verifier_output = ""
            return Verdict(0.0, False, "no file in the working directory was changed", None,
                           {"reward_file": "", "metrics": {}, "exit_code": None})
        run = run_verifier(self.sandbox(), task.workdir, self.workspace.files, task.tests,
                           timeout_s=min(task.verifier_timeout_s, self.max_verify_s))
        self.verifier_output = run.output  # kept out of the verdict: timings in it would make steps differ
        reward = 0.0 if run.reward is None else min(max(run.reward, 0.0), 1.0)
        details = {"reward_file": run.source, "metrics": dict(run.metrics), "exit_code": run.exit_code}
        return Verdict(reward, reward >= 1.0, run.reason, None, details)

    # ---- probes -----------------------------------------------------------------------------

    def gold_action(self) -> str:
        """Run solution/solve.sh with bash in the working directory, then answer."""
        task: HarborTask = self.task.reference
        if task.solution is None:
            raise HarborTaskError(f"Harbor task {task.name!r} has no solution/solve.sh, so it has no gold policy")
        if self.turn == 0:
            return call_text("bash", {"command": f"bash <<'{SOLVE_MARK}'\n{task.solution.rstrip()}\n{SOLVE_MARK}\n"})
        return "I ran the solution; the task is done."

    def hack_actions(self) -> Mapping[str, Any]:
        return hack_policies()

    def close(self) -> None:
        with self._box_lock:
            box, self._box = self._box, None
        if box is not None:
            box.close()
        super().close()


def _select(every: Sequence[HarborTask], names: Sequence[str] | None) -> tuple[HarborTask, ...]:
    by_name = {t.name: t for t in every}
    if names is None:
        return tuple(every)
    unknown = [n for n in names if n not in by_name]
    if unknown or not names:
        raise ValueError(f"envgym/Harbor-v0: unknown task(s) {unknown or names}; the tasks are {sorted(by_name)}")
    return tuple(by_name[n] for n in names)
