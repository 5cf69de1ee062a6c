"""``envgym/Arithmetic-v0``: compute an integer expression; the answer is checked exactly.

Difficulty sets the operand count, their size, the operators and whether parentheses appear:

    level  operands  operand range  operators  parentheses
    1      2         2-20           + -        no
    2      2         2-99           + - *      no
    3      3         2-99           + - *      yes
    4      4         2-99           + - *      yes
    5      5         2-999          + - *      yes

Tasks never have an answer equal to one of their operands, so echoing the question back can
not score by accident.

``difficulty`` may also be a list of levels, e.g. ``[1, 3]``: each task then draws its level
first, equally likely, and records it as ``metadata["curriculum_key"]`` (``"difficulty 3"``), so
an adaptive task sampler (``envgym.learn.samplers``) can tell easy tasks from hard ones. A single
level draws exactly the tasks it always did.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Mapping, Sequence

import numpy as np

from envgym import Message, Task, TextEnv
from envgym.verify.match import NumberMatch
from envgym_arithmetic.expr import Expr, random_expression

LEVELS: dict[int, tuple[int, int, str, bool]] = {
    1: (2, 20, "+-", False),
    2: (2, 99, "+-*", False),
    3: (3, 99, "+-*", True),
    4: (4, 99, "+-*", True),
    5: (5, 999, "+-*", True),
}
SYSTEM_PROMPT = "Solve the problem. Show your work briefly, then put the final answer in \\boxed{}."


class ArithmeticEnv(TextEnv):
    """Single-turn integer arithmetic with an exact-answer verifier.

    difficulty: 1 (two small operands, + and -) to 5 (five operands up to 999, with parentheses),
        or a list of distinct levels to mix, each task's level drawn first.
    system_prompt: the system message, or None for none.
    """

    second_verifier = "math"  # an independent reading of the same boxed answer (envgym scorecard)

    def __init__(self, difficulty: int | list[int] = 1, system_prompt: str | None = SYSTEM_PROMPT,
                 render_mode: str | None = None):
        levels = list(difficulty) if isinstance(difficulty, Sequence) and not isinstance(difficulty, str) else [difficulty]
        if not levels or len(set(levels)) < len(levels) or any(level not in LEVELS for level in levels):
            raise ValueError(f"envgym/Arithmetic-v0: difficulty must be one of {sorted(LEVELS)} or a list of distinct "
                             f"ones, got {difficulty!r}")
        super().__init__(NumberMatch(), render_mode=render_mode)
        self.difficulty = difficulty if isinstance(difficulty, int) else tuple(levels)
        self.system_prompt = system_prompt

    def generate_task(self, rng: np.random.Generator) -> Task:
        if isinstance(self.difficulty, int):
            return self._task(rng, self.difficulty, {})
        level = self.difficulty[int(rng.integers(len(self.difficulty)))]
        return self._task(rng, level, {"curriculum_key": f"difficulty {level}"})

    def _task(self, rng: np.random.Generator, level: int, metadata: dict) -> Task:
        n, high, ops, nested = LEVELS[level]
        for _ in range(100):
            expr = random_expression(rng, n, high, ops, nested)
            if expr.value not in expr.operands():
                break
        text = expr.render()
        prompt = [Message("user", f"Compute {text}.")]
        if self.system_prompt is not None:
            prompt.insert(0, Message("system", self.system_prompt))
        task_id = "arith-" + hashlib.sha1(text.encode()).hexdigest()[:12]
        return Task(task_id, tuple(prompt), expr.value, {"expression": text, "tree": expr, **metadata})

    def task_count(self) -> int | None:
        """Distinct problems at this difficulty: counted exactly for two operands (levels 1-2; 713 at
        level 1), None above (millions)."""
        if not isinstance(self.difficulty, int):
            return None  # a mixture: levels 1 and 2 share problems, so their counts do not add up
        return _two_operand_count(self.difficulty) if LEVELS[self.difficulty][0] == 2 else None

    def gold_action(self) -> str:
        expr: Expr = self.task.metadata["tree"]
        return "\n".join(expr.steps()) + f"\nThe answer is \\boxed{{{expr.value}}}."

    def hack_actions(self) -> Mapping[str, str]:
        answer = self.task.reference
        return {
            "stuffed_boxes": "".join(f"\\boxed{{{answer + d}}}" for d in (-1, 0, 1)),
            "empty_box": "The answer is \\boxed{}.",
            "boxed_words": "\\boxed{the answer}",
            "echo_question": self.task.prompt[-1].content,
            "number_spray": " ".join(str(answer + d) for d in (0, -2, 3, 1)),
            "no_answer": "I cannot compute this.",
            "empty": "",
        }


@functools.cache
def _two_operand_count(difficulty: int) -> int:
    """Problems ``a op b`` of a two-operand level whose answer is neither operand (as generated)."""
    _, high, ops, _ = LEVELS[difficulty]
    apply = {"+": int.__add__, "-": int.__sub__, "*": int.__mul__}
    return sum(apply[op](a, b) not in (a, b) for a in range(2, high + 1) for b in range(2, high + 1) for op in ops)
