"""The plugin module named by this package's ``envgym`` entry point (imports no verifiers)."""

from envgym import EnvSpec, hookimpl
from envgym_verifiers.catalog import installed, spec


@hookimpl
def envgym_environments() -> list[EnvSpec]:
    return [spec(distribution, f"verifiers environment {distribution} (PrimeIntellect verifiers 0.4.0), its rewards "
                               "as the verdict") for distribution in installed().values()]
