"""Math environments for envgym: MathQA-v0 (questions from files), Algebra-v0 (generated, with
worked steps) and MathRefine-v0 (multi-turn self-refinement over either)."""

from envgym_math.algebra import AlgebraEnv
from envgym_math.mathqa import MathQAEnv
from envgym_math.refine import MathRefineEnv

__all__ = ["AlgebraEnv", "MathQAEnv", "MathRefineEnv"]
