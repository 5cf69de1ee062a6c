"""The plugin module named by this package's ``envgym`` entry point."""

from envgym import EnvSpec, hookimpl


@hookimpl
def envgym_environments() -> list[EnvSpec]:
    return [
        EnvSpec(
            "envgym/MathQA-v0",
            "envgym_math.mathqa:MathQAEnv",
            {},
            "math questions from JSONL, Parquet or a datasets folder (default: a 45-question sample); math verifier",
        ),
        EnvSpec(
            "envgym/Algebra-v0",
            "envgym_math.algebra:AlgebraEnv",
            {"difficulty": 1},
            "generated linear equations, fractions and polynomial expansion with worked steps; difficulty 1-3",
        ),
        EnvSpec(
            "envgym/MathRefine-v0",
            "envgym_math.refine:MathRefineEnv",
            {"source": "algebra", "max_attempts": 3},
            "multi-turn self-refinement: 'incorrect, try again' (optional hints) over Algebra or another env",
        ),
    ]
