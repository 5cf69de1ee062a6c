"""``UnitTests``: run the program in a completion against a task's hidden tests, in a sandbox.

The completion's code (``envgym_code.extract``) runs in an envgym sandbox through envgym's
trusted harness (``envgym.sandbox.harness``): function tasks call the function on each test's
arguments and compare the return values outside the sandbox; program tasks compare stdout.
The expected values never enter the sandbox, so nothing the program prints, patches or exits
with can pass a test it did not compute.

Reward, by ``reward``:
    "fraction"  the fraction of hidden tests passed (partial credit, the default)
    "all"       1 when every hidden test passes, else 0
Either way the verdict is ``correct`` only when every test passes.

Time is bounded by the sandbox, not by a worker process: each run is killed at ``wall_s``
seconds, and each function call also stops at ``case_s`` seconds. The sandbox is created on
first use and kept until ``close()``.
"""

from __future__ import annotations

from typing import Any, ClassVar, Literal, get_args

import envgym
from envgym import Verdict
from envgym.sandbox.harness import TestReport, run_function_tests, run_stdio_tests
from envgym_code.extract import extract_code
from envgym_code.tasks import FunctionTask, StdioTask

RewardMode = Literal["fraction", "all"]
REWARD_MODES: tuple[str, ...] = get_args(RewardMode)
# Sandbox runs at once: at least a program task's test count, so its tests take one wall_s at most.
PARALLEL_RUNS = 8
NO_CODE = "no Python code found: put the program in a ```python code block"


class UnitTests:
    """Scores a completion against a ``FunctionTask`` or ``StdioTask`` reference (see the module docstring).

    reward: "fraction" (tests passed / tests) or "all" (1 only when every test passes).
    backend: the sandbox ("bwrap", "docker", "process"); None picks envgym's default.
    wall_s: seconds one sandbox run may take (all of a function task's tests run in one run;
        each of a program task's tests is its own run, and those run in parallel).
    case_s: seconds one call of the candidate function may take.
    """

    name: ClassVar[str] = "unit-tests"
    bound: ClassVar[str] = "sandbox"  # inline: the sandbox's wall-clock kill bounds it

    def __init__(self, env_id: str, *, reward: RewardMode = "fraction", backend: str | None = None,
                 wall_s: float = 2.0, case_s: float = 0.5) -> None:
        if reward not in REWARD_MODES:
            raise ValueError(f"{env_id}: reward must be one of {list(REWARD_MODES)}, got {reward!r}")
        if backend is not None and backend not in envgym.list_sandboxes():
            raise ValueError(f"{env_id}: backend must be None (the default sandbox) or one of "
                             f"{envgym.list_sandboxes()}, got {backend!r}")
        for option, value in (("wall_s", wall_s), ("case_s", case_s)):
            if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
                raise ValueError(f"{env_id}: {option} must be a positive number of seconds, got {value!r}")
        self.reward = reward
        self.backend = backend
        self.wall_s = wall_s
        self.case_s = case_s
        self._sandbox: Any = None

    def open(self) -> Any:
        """The sandbox, created on first use. Raises when the backend is not installed: that is a
        setup problem to fix, not model output to score."""
        if self._sandbox is None:
            self._sandbox = envgym.make_sandbox(self.backend, wall_s=self.wall_s, concurrency=PARALLEL_RUNS)
        return self._sandbox

    def verify(self, completion: str, reference: FunctionTask | StdioTask) -> Verdict:
        code = extract_code(completion)
        if code is None:
            return Verdict.fail(NO_CODE, **self._details(0, len(reference.tests), NO_CODE))
        return self.judge(self.run(code, reference))

    def run(self, code: str, task: FunctionTask | StdioTask) -> TestReport:
        """Run ``code`` against every hidden test of ``task``."""
        if isinstance(task, FunctionTask):
            return run_function_tests(self.open(), code, task.entry, task.tests, float_tol=task.float_tol,
                                      case_s=self.case_s)
        return run_stdio_tests(self.open(), code, task.tests)

    def judge(self, report: TestReport) -> Verdict:
        """The verdict on a test report, under this verifier's reward mode."""
        details = self._details(report.passed, report.total, report.summary())
        if report.all_passed:
            return Verdict(1.0, True, f"all {report.total} tests passed", None, details)
        reward = report.fraction if self.reward == "fraction" else 0.0
        reason = f"{report.passed}/{report.total} tests passed" + (f"; {report.error}" if report.error else "")
        return Verdict(reward, False, reason, None, details)

    def _details(self, passed: int, total: int, feedback: str) -> dict[str, Any]:
        return {"passed": passed, "total": total, "backend": self.open().name, "reward_mode": self.reward,
                "feedback": feedback}

    def close(self) -> None:
        if self._sandbox is not None:
            self._sandbox.close()
            self._sandbox = None
