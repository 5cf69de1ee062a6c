"""The plugin module named by this package's ``envgym`` entry point."""

from envgym import EnvSpec, hookimpl


@hookimpl
def envgym_environments() -> list[EnvSpec]:
    return [
        EnvSpec(
            "envgym/Arithmetic-v0",
            "envgym_arithmetic.env:ArithmeticEnv",
            {"difficulty": 1},
            "integer arithmetic (+, -, *, parentheses); difficulty 1-5; exact answer",
        )
    ]
