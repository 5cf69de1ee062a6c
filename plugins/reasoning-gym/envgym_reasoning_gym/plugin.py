"""The plugin module named by this package's ``envgym`` entry point.

The environments are read from reasoning-gym's registry when envgym loads its plugins, so a
dataset added by a newer reasoning-gym appears without a change here (its probes then say
whether it keeps envgym's contract).
"""

from envgym import EnvSpec, hookimpl
from envgym_reasoning_gym.catalog import COMPOSITE, REPLACED_SCORERS, env_id, exposed_datasets


def _summary(name: str) -> str:
    """The one line ``envgym list`` shows for a dataset's environment."""
    if name == COMPOSITE:
        return ("reasoning-gym composite: a weighted mixture of datasets (config={'datasets': [...]}), "
                "each entry scored by its dataset's scorer; answer in <answer></answer>")
    scorer = "a corrected scorer (reasoning-gym's is hackable)" if name in REPLACED_SCORERS else "its own scorer"
    return f"reasoning-gym {name}: its question, {scorer}; answer in <answer></answer>"


@hookimpl
def envgym_environments() -> list[EnvSpec]:
    return [
        EnvSpec(env_id(name), "envgym_reasoning_gym.env:ReasoningGymEnv", {"dataset": name}, _summary(name))
        for name in exposed_datasets()
    ]
