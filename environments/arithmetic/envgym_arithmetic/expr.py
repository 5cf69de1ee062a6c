"""Random integer expressions, their minimal-parenthesis rendering and worked evaluation.

>>> e = Expr("*", Expr("+", 2, 3), 4)
>>> e.render(), e.value
('(2 + 3) * 4', 20)
>>> e.steps()
['2 + 3 = 5', '5 * 4 = 20']
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

_PRECEDENCE = {"+": 1, "-": 1, "*": 2}
_APPLY = {"+": lambda a, b: a + b, "-": lambda a, b: a - b, "*": lambda a, b: a * b}


@dataclass(frozen=True)
class Expr:
    op: str
    left: Expr | int
    right: Expr | int

    @property
    def value(self) -> int:
        return _APPLY[self.op](_value(self.left), _value(self.right))

    def render(self) -> str:
        p = _PRECEDENCE[self.op]
        left = _render(self.left)
        if isinstance(self.left, Expr) and _PRECEDENCE[self.left.op] < p:
            left = f"({left})"
        right = _render(self.right)
        # The right operand needs parentheses at equal precedence too: a - (b + c), a * (b * c) kept as written.
        if isinstance(self.right, Expr) and _PRECEDENCE[self.right.op] <= p:
            right = f"({right})"
        return f"{left} {self.op} {right}"

    def steps(self) -> list[str]:
        """One line per operation, innermost first: the worked solution."""
        out: list[str] = []
        self._steps(out)
        return out

    def _steps(self, out: list[str]) -> int:
        a = self.left._steps(out) if isinstance(self.left, Expr) else self.left
        b = self.right._steps(out) if isinstance(self.right, Expr) else self.right
        result = _APPLY[self.op](a, b)
        out.append(f"{_signed(a)} {self.op} {_signed(b)} = {result}")
        return result

    def operands(self) -> list[int]:
        return [*_operands(self.left), *_operands(self.right)]


def _value(x: Expr | int) -> int:
    return x.value if isinstance(x, Expr) else x


def _render(x: Expr | int) -> str:
    return x.render() if isinstance(x, Expr) else str(x)


def _signed(x: int) -> str:
    return f"({x})" if x < 0 else str(x)


def _operands(x: Expr | int) -> list[int]:
    return x.operands() if isinstance(x, Expr) else [x]


def random_expression(rng: np.random.Generator, n_operands: int, max_operand: int, ops: str, nested: bool) -> Expr:
    """A random expression over ``n_operands`` integers in [2, max_operand].

    nested: whether any binary tree shape may appear (parentheses); otherwise left to right.
    """
    values = [int(v) for v in rng.integers(2, max_operand + 1, size=n_operands)]
    chosen = [ops[int(i)] for i in rng.integers(0, len(ops), size=n_operands - 1)]
    nodes: list[Expr | int] = list(values)
    while len(nodes) > 1:
        i = int(rng.integers(0, len(nodes) - 1)) if nested else 0
        nodes[i : i + 2] = [Expr(chosen.pop(), nodes[i], nodes[i + 1])]
    return nodes[0]
