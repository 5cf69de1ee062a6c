"""The plugin module named by this package's ``envgym`` entry point (imports no verifiers)."""

from envgym import EnvSpec, hookimpl
from envgym_verifiers.catalog import installed, spec


@hookimpl
def envgym_environments() -> list[EnvSpec]:
    """``verifiers/<module>-v0`` for every installed verifiers environment (``envgym_verifiers.catalog``)."""
    return [spec(distribution) for distribution in installed().values()]
