"""The plugin module named by this package's ``envgym`` entry point."""

from envgym import EnvSpec, hookimpl


@hookimpl
def envgym_environments() -> list[EnvSpec]:
    return [
        EnvSpec("envgym/Harbor-v0", "envgym_harbor.env:HarborEnv", {},
                "tasks in Harbor's layout (instruction.md, tests/test.sh, ...; path=) with bash and edit tools in "
                "bubblewrap; test.sh's reward file decides"),
    ]
