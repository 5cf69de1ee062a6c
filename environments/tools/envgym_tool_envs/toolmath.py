r"""``envgym/ToolMath-v0``: number problems that are tedious by hand and easy with a tool.

Each task is one of these kinds, drawn from the seed (``kinds`` picks a subset):

    product      the product of a 7-9 digit and a 6-8 digit integer
    series       the sum of k^2 or k^3 over a range of a few thousand k
    power_mod    a^e mod m, with e up to a billion
    prime_count  how many primes lie in a range of up to 50,000 integers below 200,000
    digit_sum    the sum of the decimal digits of 2^n (n up to 3000) or n! (n up to 1000)
    collatz      how many Collatz steps take an integer of up to 8 digits to 1

The model may call ``calculator`` (exact sympy arithmetic) and ``python`` (a sandboxed
interpreter) before it answers with an integer in ``\boxed{}``, checked exactly by envgym's
``number`` verifier. The answer ends the episode.

Rewards per turn (``ToolEnv``): a tool call that runs earns ``call_reward`` (default 0), one
that fails (broken JSON, an unknown tool, bad arguments, code that raises or times out) earns
``error_reward`` (default -0.1); the answer earns 1 or 0. Running out of turns while calling
tools ends the episode without an answer: 0 for the last turn.
Tool use is held to ``ToolEnv``'s budget (``budget``, an ``envgym.tools.ToolBudget``): calls past
it are not run and count as failed, and an episode's failure penalties add up to at most 1, so a
return lies in [-1, 1].

Gold policy: one tool call that computes the answer (the calculator for products, python for
the rest), then the tool's printed result in ``\boxed{}``. Hacks: a guess (a rounded or
off-by-one number), an empty answer, a tool call in place of an answer, two numbers in one box,
and two different boxes.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal, get_args

import numpy as np

import envgym
from envgym import Message, Task
from envgym.tools import ToolEnv, calculator
from envgym.tools.python import close_shared_sandbox, python
from envgym_tool_envs.hermes import tool_call_text

if TYPE_CHECKING:  # an annotation only: the budget itself is ToolEnv's
    from envgym.tools import ToolBudget

Kind = Literal["product", "series", "power_mod", "prime_count", "digit_sum", "collatz"]
KINDS: tuple[str, ...] = get_args(Kind)
INSTRUCTIONS = (
    "Solve the problem exactly. It is tedious by hand: use the tools to compute, read their results, "
    "then give the final answer as a single integer in \\boxed{}, e.g. \\boxed{12345}."
)


@dataclass(frozen=True)
class Problem:
    """A generated problem: its text, its integer answer, and the gold tool call that computes it."""

    kind: str
    text: str
    answer: int
    tool: str
    arguments: Mapping[str, str]


# ---- generators: each draws its numbers from rng and computes the answer exactly ------------------


def _int(rng: np.random.Generator, low: int, high: int) -> int:
    """An integer in [low, high]."""
    return int(rng.integers(low, high + 1))


def product(rng: np.random.Generator) -> Problem:
    a, b = _int(rng, 10**6, 10**9 - 1), _int(rng, 10**5, 10**8 - 1)
    return Problem("product", f"Compute {a} × {b}.", a * b, "calculator", {"expression": f"{a}*{b}"})


def series(rng: np.random.Generator) -> Problem:
    p, lo = _int(rng, 2, 3), _int(rng, 2, 60)
    hi = _int(rng, 800, 5000)
    answer = sum(k**p for k in range(lo, hi + 1))
    code = f"print(sum(k**{p} for k in range({lo}, {hi + 1})))"
    return Problem("series", f"Compute the sum of k^{p} for k = {lo}, {lo + 1}, ..., {hi}.", answer, "python", {"code": code})


def power_mod(rng: np.random.Generator) -> Problem:
    a, e, m = _int(rng, 2, 9999), _int(rng, 10**5, 10**9), _int(rng, 1000, 999_999)
    text = f"What is the remainder when {a}^{e} is divided by {m}?"
    return Problem("power_mod", text, pow(a, e, m), "python", {"code": f"print(pow({a}, {e}, {m}))"})


PRIME_CODE = """lo, hi = {lo}, {hi}
sieve = bytearray([1]) * (hi + 1)
sieve[0] = sieve[1] = 0
for i in range(2, int(hi ** 0.5) + 1):
    if sieve[i]:
        sieve[i * i::i] = bytes(len(range(i * i, hi + 1, i)))
print(sum(sieve[lo:hi + 1]))"""


def count_primes(lo: int, hi: int) -> int:
    """How many primes lie in [lo, hi], by a sieve of Eratosthenes."""
    sieve = bytearray([1]) * (hi + 1)
    sieve[0:2] = b"\0\0"
    for i in range(2, int(hi**0.5) + 1):
        if sieve[i]:
            sieve[i * i :: i] = bytes(len(range(i * i, hi + 1, i)))
    return sum(sieve[lo : hi + 1])


def prime_count(rng: np.random.Generator) -> Problem:
    lo = _int(rng, 1000, 150_000)
    hi = lo + _int(rng, 2000, 50_000)
    text = f"How many prime numbers p satisfy {lo} ≤ p ≤ {hi}?"
    return Problem("prime_count", text, count_primes(lo, hi), "python", {"code": PRIME_CODE.format(lo=lo, hi=hi)})


def digit_sum(rng: np.random.Generator) -> Problem:
    if rng.random() < 0.5:
        n = _int(rng, 200, 3000)
        expr, shown, value = f"2**{n}", f"2^{n}", 2**n
    else:
        import math

        n = _int(rng, 100, 1000)
        expr, shown, value = f"math.factorial({n})", f"{n}!", math.factorial(n)
    code = f"import math\nprint(sum(int(d) for d in str({expr})))"
    answer = sum(int(d) for d in str(value))
    return Problem("digit_sum", f"What is the sum of the decimal digits of {shown}?", answer, "python", {"code": code})


COLLATZ_CODE = """n, steps = {n}, 0
while n != 1:
    n = n // 2 if n % 2 == 0 else 3 * n + 1
    steps += 1
print(steps)"""


def collatz(rng: np.random.Generator) -> Problem:
    start = n = _int(rng, 10**5, 10**8 - 1)
    steps = 0
    while n != 1:
        n = n // 2 if n % 2 == 0 else 3 * n + 1
        steps += 1
    text = (f"Start from {start}. If the number is even, halve it; if it is odd, replace it by three times "
            "it plus one. How many such steps does it take to reach 1?")
    return Problem("collatz", text, steps, "python", {"code": COLLATZ_CODE.format(n=start)})


GENERATORS: dict[str, Callable[[np.random.Generator], Problem]] = {
    "product": product, "series": series, "power_mod": power_mod,
    "prime_count": prime_count, "digit_sum": digit_sum, "collatz": collatz,
}


# ---- the environment ----------------------------------------------------------------------------


class ToolMathEnv(ToolEnv):
    """Tedious number problems with the ``calculator`` and ``python`` tools (see the module docstring).

    kinds: the problem kinds to draw from (default: all of ``KINDS``).
    max_turns: model turns per episode, tool calls and the answer included.
    call_reward: per-turn reward for each tool call that runs.
    error_reward: per-turn reward for each tool call that fails (negative: a cost).
    budget: the episode's tool budget (``envgym.tools.ToolBudget`` or a mapping of its fields); by
        default at most 8 calls and 20 s of tool time per turn, 32 calls and 60 s per episode, and
        a failure penalty of at most 1 per episode.
    """

    def __init__(self, kinds: Sequence[Kind] | None = None, *, max_turns: int = 4, call_reward: float = 0.0,
                 error_reward: float = -0.1, budget: ToolBudget | Mapping[str, Any] | None = None,
                 render_mode: str | None = None) -> None:
        kinds = tuple(KINDS if kinds is None else kinds)
        unknown = [k for k in kinds if k not in KINDS]
        if unknown or not kinds:
            raise ValueError(f"envgym/ToolMath-v0: kinds must be a non-empty list from {list(KINDS)}, got {list(kinds)}")
        super().__init__(envgym.make_verifier("number"), [calculator, python], max_turns=max_turns,
                         call_reward=call_reward, error_reward=error_reward, budget=budget, render_mode=render_mode)
        self.kinds = kinds

    def generate_task(self, rng: np.random.Generator) -> Task:
        problem = GENERATORS[self.kinds[int(rng.integers(len(self.kinds)))]](rng)
        prompt = (self.system_with_tools(INSTRUCTIONS), Message("user", problem.text))
        task_id = f"toolmath-{problem.kind}-" + hashlib.sha1(problem.text.encode()).hexdigest()[:10]
        return Task(task_id, prompt, problem.answer, {"problem": problem})

    def gold_action(self) -> str:
        """First the tool call that computes the answer; then that tool's result, boxed."""
        results = [d["content"] for d in self._dicts if d["role"] == "tool"]
        if not results:
            problem: Problem = self.task.metadata["problem"]
            return tool_call_text(problem.tool, problem.arguments)
        return f"The tool's result is the answer: \\boxed{{{results[-1].strip()}}}"

    def close(self) -> None:
        """Also ends the warm processes of the python tool's sandbox (shared by the process; the
        next call opens a new one), so a finished check or rollout leaves nothing running."""
        close_shared_sandbox()
        super().close()

    def hack_actions(self) -> Mapping[str, str]:
        answer: int = self.task.reference
        rounded = int(float(f"{answer:.2g}"))
        return {
            "guess_rounded": f"Roughly \\boxed{{{rounded if rounded != answer else answer + 1}}}",
            "guess_off_by_one": f"\\boxed{{{answer + 1}}}",
            "empty": "",
            "call_instead_of_answer": tool_call_text("python", {"code": "print(1)"}),
            "two_numbers_one_box": f"\\boxed{{{answer}, {answer + 1}}}",
            "two_boxes": f"\\boxed{{{answer - 1}}} or \\boxed{{{answer}}}",
        }
