"""The plugin module named by this package's ``envgym`` entry point."""

from envgym import EnvSpec, hookimpl


@hookimpl
def envgym_environments() -> list[EnvSpec]:
    return [
        EnvSpec(
            "envgym/PythonFunction-v0",
            "envgym_code.env:PythonFunctionEnv",
            {"reward": "fraction"},
            "implement a Python function; reward: share of hidden unit tests passed in a sandbox (or all-or-nothing)",
        ),
        EnvSpec(
            "envgym/StdioProgram-v0",
            "envgym_code.env:StdioProgramEnv",
            {"reward": "fraction"},
            "write a stdin-to-stdout Python program; reward: share of hidden runs with the expected output",
        ),
        EnvSpec(
            "envgym/CodeRefine-v0",
            "envgym_code.refine:CodeRefineEnv",
            {"max_turns": 3, "reward": "fraction"},
            "multi-turn PythonFunction: failing-test feedback after each attempt, up to max_turns attempts",
        ),
    ]
