"""calc: evaluate arithmetic expressions (+ - * / and parentheses) without eval()."""
from calc.evaluator import evaluate

__all__ = ["evaluate"]
