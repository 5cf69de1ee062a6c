"""``envgym/CodeRefine-v0``: write a function, read which hidden tests failed, fix it, try again.

The function tasks of ``envgym/PythonFunction-v0``, over several turns (option ``max_turns``,
default 3; the other options are PythonFunction's). After an attempt that does not pass every
hidden test, the environment answers with the harness's report: how many tests passed and the
first failing ones, with their inputs, expected values and what the code returned or raised.
The episode ends when every test passes or the attempts run out.

Each attempt's reward is its own verdict's (the fraction of tests passed, or all-or-nothing
with ``reward="all"``), so a learner sees the improvement from one attempt to the next.
"""

from __future__ import annotations

from collections.abc import Sequence

from envgym import Message, Verdict
from envgym_code.env import CodeEnv
from envgym_code.function_tasks import FUNCTION_TASKS
from envgym_code.verifier import RewardMode

RETRY = "Fix the code and answer with the complete corrected function in a ```python code block."


class CodeRefineEnv(CodeEnv):
    """Multi-turn PythonFunction with failing-test feedback (see the module docstring).

    max_turns: attempts per episode (at least 1).
    reward: each attempt's reward, "fraction" (share of tests passed) or "all" (1 only when all pass).
    backend: the sandbox; None for envgym's default (bwrap where installed).
    tasks: names of the function tasks to draw from; None for all of them.
    wall_s: seconds the sandbox run of all tests may take.
    case_s: seconds one call of the function may take.
    """

    env_id = "envgym/CodeRefine-v0"
    pool = FUNCTION_TASKS
    kind = "fn"

    def __init__(self, max_turns: int = 3, reward: RewardMode = "fraction", backend: str | None = None,
                 tasks: Sequence[str] | None = None, wall_s: float = 2.0, case_s: float = 0.5,
                 render_mode: str | None = None) -> None:
        if isinstance(max_turns, bool) or not isinstance(max_turns, int) or max_turns < 1:
            raise ValueError(f"{self.env_id}: max_turns must be a positive integer, got {max_turns!r}")
        super().__init__(reward=reward, backend=backend, tasks=tasks, wall_s=wall_s, case_s=case_s,
                         max_turns=max_turns, render_mode=render_mode)

    def feedback(self, verdict: Verdict) -> list[Message]:
        report = verdict.details.get("feedback") or verdict.reason
        return [Message("user", f"Your code did not pass the hidden tests.\n{report}\n{RETRY}")]
