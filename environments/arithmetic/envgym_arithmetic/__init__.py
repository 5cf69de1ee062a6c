"""envgym/Arithmetic-v0: integer arithmetic problems, generated from a seed."""

from envgym_arithmetic.env import ArithmeticEnv
from envgym_arithmetic.expr import Expr, random_expression

__all__ = ["ArithmeticEnv", "Expr", "random_expression"]
