"""``envgym/PythonFunction-v0`` and ``envgym/StdioProgram-v0``: write code, pass hidden unit tests.

    option    default      meaning
    reward    "fraction"   "fraction": the share of hidden tests passed; "all": 1 only when all pass
    backend   None         the sandbox ("bwrap", "docker", "process"); None: envgym's default
    tasks     None         names of the tasks to draw from (default: every task of the kind)
    wall_s    2.0          seconds one sandbox run may take
    case_s    0.5          seconds one call of the function may take (function tasks)

A reset draws one task with the reset's generator, so a seed always gives the same task. The
policy answers with code (the last ```python block, see ``envgym_code.extract``); the code runs
in the sandbox against the task's hidden tests (``envgym_code.verifier``). The sandbox is created
at the first step and reused until ``close()``. The verdict's details hold ``passed``, ``total``,
``backend`` and ``feedback`` (the failing tests, as a model would be told them).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from envgym import Message, Task, TextEnv, Verdict
from envgym_code.function_tasks import FUNCTION_TASKS
from envgym_code.hacks import hack_probes, python_block
from envgym_code.stdio_tasks import STDIO_TASKS
from envgym_code.tasks import FunctionTask, StdioTask, draw, select
from envgym_code.verifier import RewardMode, UnitTests


class CodeEnv(TextEnv):
    """What the code environments share: the task pool, the tests verifier and its sandbox.

    Subclasses set ``env_id``, ``pool`` (the task list) and ``kind`` (the task-id prefix), and
    declare their options in their own ``__init__``.
    """

    env_id: str
    pool: tuple[FunctionTask | StdioTask, ...]
    kind: str

    def __init__(self, *, reward: RewardMode, backend: str | None, tasks: Sequence[str] | None, wall_s: float,
                 max_turns: int, render_mode: str | None, case_s: float = 0.5) -> None:
        self.tests = UnitTests(self.env_id, reward=reward, backend=backend, wall_s=wall_s, case_s=case_s)
        self.tasks = select(self.pool, tasks, self.env_id)
        super().__init__(self.tests, max_turns=max_turns, render_mode=render_mode)

    def generate_task(self, rng: np.random.Generator) -> Task:
        task = draw(self.tasks, rng)
        return Task(f"{self.kind}-{task.name}", (Message("user", task.prompt()),), task, {"name": task.name})

    def score(self, action: str) -> Verdict:
        self.tests.open()  # outside the verifier's guard: a missing sandbox backend must raise, not score 0
        return self.verifier.verify(action, self.task.reference)

    def task_count(self) -> int | None:
        """One task per task: the space is the tasks."""
        return len(self.tasks)

    def gold_action(self) -> str:
        return python_block(self.task.reference.reference)

    def hack_actions(self) -> Mapping[str, str]:
        return hack_probes(self.task.reference)

    def hint(self) -> Sequence[Message]:
        return (Message("user", f"Hint: here is a correct solution.\n{self.gold_action()}"),)

    def close(self) -> None:
        self.tests.close()
        super().close()


class PythonFunctionEnv(CodeEnv):
    """Implement a Python function; reward from its hidden unit tests (see the module docstring).

    reward: "fraction" (share of tests passed) or "all" (1 only when every test passes).
    backend: the sandbox; None for envgym's default (bwrap where installed).
    tasks: names of the function tasks to draw from; None for all of them.
    wall_s: seconds the sandbox run of all tests may take.
    case_s: seconds one call of the function may take.
    """

    env_id = "envgym/PythonFunction-v0"
    pool = FUNCTION_TASKS
    kind = "fn"

    def __init__(self, reward: RewardMode = "fraction", backend: str | None = None, tasks: Sequence[str] | None = None,
                 wall_s: float = 2.0, case_s: float = 0.5, render_mode: str | None = None) -> None:
        super().__init__(reward=reward, backend=backend, tasks=tasks, wall_s=wall_s, case_s=case_s, max_turns=1,
                         render_mode=render_mode)


class StdioProgramEnv(CodeEnv):
    """Write a program from stdin to stdout; reward from its hidden runs (see the module docstring).

    reward: "fraction" (share of runs with the expected output) or "all" (1 only when every run has it).
    backend: the sandbox; None for envgym's default (bwrap where installed).
    tasks: names of the program tasks to draw from; None for all of them.
    wall_s: seconds each run may take (the runs of one answer go in parallel).
    """

    env_id = "envgym/StdioProgram-v0"
    pool = STDIO_TASKS
    kind = "stdio"

    def __init__(self, reward: RewardMode = "fraction", backend: str | None = None, tasks: Sequence[str] | None = None,
                 wall_s: float = 2.0, render_mode: str | None = None) -> None:
        super().__init__(reward=reward, backend=backend, tasks=tasks, wall_s=wall_s, max_turns=1, render_mode=render_mode)
