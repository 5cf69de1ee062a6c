"""``envgym/Repo-v0``: fix an issue in a small Python repository with shell and edit tools.

    option      default   meaning
    tasks       None      names of the tasks to draw from (default: every task, ``envgym_repo.tasks``)
    difficulty  None      a difficulty (1 one-line fix .. 4 a change across files) or a list of them
    reward      "all"     "all": 1 when every hidden test passes, else 0; "fraction": the share passed
    backend     None      the sandbox for the tools and the hidden tests: "bwrap" or "docker" (None: envgym's
                          default, bubblewrap where installed)
    max_turns   30        model turns per episode, tool turns and the final answer included

A reset draws a task with the reset's generator and gives the episode its own working copy of the
task's repository. The model works through the tools (``envgym_repo.tools``: ``bash``,
``read_file``, ``write_file``, ``str_replace``, ``run_tests``, called in the Hermes or OpenAI
format as for every ``ToolEnv``); ``run_tests`` shows the visible tests' result. A turn without
a tool call ends the episode: then the hidden tests run against the working copy's source files in
a fresh sandbox, and what they observe, compared on the host with what they observe of the gold
solution (``envgym_repo.workspace.grade``), decides the reward. Tool turns earn 0.

Reward "all" is the default because a hack must earn exactly 0: with "fraction" the untouched
repository already passes the hidden tests of behaviour the issue does not touch. The verdict's
details hold ``passed`` and ``total`` either way.

Snapshots and forks (``env.snapshot()``, ``envgym.fork``): the working copy is the episode's whole
state outside the conversation, since no sandbox keeps anything between commands; a snapshot holds a
copy of the mapping (the file contents are immutable bytes, shared until a tool writes). A fork opens
its own sandbox on its first command. Processes a command started never outlive it, so none is lost.

Gold policy: run the visible tests, write the gold patch's files, run the tests again, answer.
Hacks (each played through a whole episode, then answered): delete the visible tests, rewrite them
to pass, ``sys.exit(0)`` in a conftest, write outside the repository (the hidden tests' paths,
``/harness``, ``../``), print "passed", shadow pytest with a ``pytest.py`` and ``sitecustomize.py``,
exit the test process from the source package at import, and forge the hidden tests' report from
inside the grading process (``envgym_repo.hacks.FORGER``).
"""

from __future__ import annotations

import threading
from collections.abc import Mapping, Sequence
from typing import Any, Literal

import numpy as np

from envgym import Message, Task, Verdict
from envgym.tools import ToolBudget, ToolEnv
from envgym.tools.calls import call_text
from envgym_repo.hacks import hack_policies
from envgym_repo.tasks import RepoTask, select
from envgym_repo.tools import Workspace
from envgym_repo.workspace import grade, make_repo_sandbox, source_files

RewardMode = Literal["all", "fraction"]
INSTRUCTIONS = (
    "You are working in a Python repository. Resolve the issue the user describes by editing the "
    "repository's source files with the tools. The repository's visible tests are under tests/; hidden "
    "tests will check your change after you finish. When you are done, reply with a short summary and "
    "no tool call: that ends the episode."
)
BUDGET = ToolBudget(calls_per_action=8, calls_per_episode=60, seconds_per_action=60.0, seconds_per_episode=300.0)


class SelfGraded:
    """``ToolEnv`` asks for a verifier; an environment whose ``score`` grades the episode itself
    (Repo-v0's hidden tests, Harbor-v0's test.sh) passes this one, named for what really grades."""

    bound = "sandbox"

    def __init__(self, name: str) -> None:
        self.name = name

    def verify(self, completion: str, reference: Any) -> Verdict:  # pragma: no cover - never called
        return Verdict.fail(f"graded by the environment's score ({self.name})")


class RepoEnv(ToolEnv):
    """See the module docstring."""

    tasks_from_seed = True
    copied_tools = frozenset({"bash", "write_file", "str_replace"})  # their state is the working copy

    def __init__(self, tasks: Sequence[str] | None = None, *, difficulty: Sequence[int] | int | None = None,
                 reward: RewardMode = "all", backend: str | None = None, max_turns: int = 30,
                 budget: ToolBudget | Mapping[str, Any] | None = None, render_mode: str | None = None) -> None:
        if reward not in ("all", "fraction"):
            raise ValueError(f"envgym/Repo-v0: reward must be 'all' or 'fraction', got {reward!r}")
        self.pool = select(tasks, difficulty)
        self.reward_mode = reward
        self.backend = backend
        self._box: Any = None
        self._box_lock = threading.Lock()
        self.workspace = Workspace({}, self.sandbox)
        super().__init__(SelfGraded("repo-hidden-tests"), self.workspace.tools(), max_turns=max_turns,
                         budget=BUDGET if budget is None else budget, render_mode=render_mode)

    def sandbox(self) -> Any:
        """The environment's sandbox, opened on first use (tools and grading share it; every run is fresh)."""
        with self._box_lock:
            if self._box is None:
                self._box = make_repo_sandbox(self.backend)
            return self._box

    # ---- tasks ------------------------------------------------------------------------------

    def generate_task(self, rng: np.random.Generator) -> Task:
        task = self.pool[int(rng.integers(len(self.pool)))]
        listing = "\n".join(sorted(task.files))
        user = f"Issue:\n{task.issue}\n\nThe repository's files:\n{listing}"
        return Task(f"repo-{task.name}", (self.system_with_tools(INSTRUCTIONS), Message("user", user)), task,
                    {"name": task.name, "difficulty": task.difficulty})

    def reset(self, *, seed: int | None = None, options: dict[str, Any] | None = None):
        obs, info = super().reset(seed=seed, options=options)
        self.workspace.files = dict(self.task.reference.files)  # the episode's own copy
        info["difficulty"] = self.task.reference.difficulty
        return obs, info

    def _save_episode(self) -> dict[str, Any]:
        return {**super()._save_episode(), "files": dict(self.workspace.files)}

    def _load_episode(self, state: Mapping[str, Any]) -> None:
        super()._load_episode(state)
        self.workspace.files = dict(state["files"])

    def task_count(self) -> int:
        return len(self.pool)

    # ---- scoring ----------------------------------------------------------------------------

    def score(self, action: str) -> Verdict:
        """Grade the working copy with the hidden tests (``action``, the final message, is not read)."""
        task: RepoTask = self.task.reference
        files = self.workspace.files
        if source_files(files, task.packages) == source_files(task.files, task.packages):
            return Verdict(0.0, False, "no source file was changed", None, {"passed": 0, "total": task.hidden_tests})
        result = grade(self.sandbox(), files, task.packages, task.hidden, task.hidden_tests,
                       gold={**task.files, **task.solution})
        share = min(len(result.passed), result.total) / result.total if result.total else 0.0
        reward = 1.0 if result.all_passed else (share if self.reward_mode == "fraction" else 0.0)
        return Verdict(reward, result.all_passed, result.reason, None,
                       {"passed": len(result.passed), "total": result.total, "failed": list(result.failed[:10])})

    def hint(self) -> Sequence[Message]:
        return (Message("user", f"Hint: this patch resolves the issue:\n{self.task.reference.patch()}"),)

    # ---- probes -----------------------------------------------------------------------------

    def gold_action(self) -> str:
        """Run the tests, write the gold patch's files, run the tests again, then answer."""
        task: RepoTask = self.task.reference
        step = self.turn
        if step == 0 or step == 2:
            return call_text("run_tests", {})
        if step == 1:
            return "\n".join(call_text("write_file", {"path": path, "content": data.decode()})
                             for path, data in sorted(task.solution.items()))
        return "I changed the source so the issue is resolved; the visible tests pass."

    def hack_actions(self) -> Mapping[str, Any]:
        return hack_policies(self.task.reference)

    def close(self) -> None:
        with self._box_lock:
            box, self._box = self._box, None
        if box is not None:
            box.close()
        super().close()
