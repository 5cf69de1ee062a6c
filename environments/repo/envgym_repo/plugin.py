"""The plugin module named by this package's ``envgym`` entry point."""

from envgym import EnvSpec, hookimpl


@hookimpl
def envgym_environments() -> list[EnvSpec]:
    return [
        EnvSpec("envgym/Repo-v0", "envgym_repo.env:RepoEnv", {},
                "fix an issue in a small Python repository with bash and edit tools in a sandbox; hidden tests decide"),
    ]
