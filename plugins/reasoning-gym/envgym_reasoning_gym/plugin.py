"""The plugin module named by this package's ``envgym`` entry point.

The environments are read from reasoning-gym's registry when envgym loads its plugins, so a
dataset added by a newer reasoning-gym appears without a change here (its probes then say
whether it keeps envgym's contract).
"""

from envgym import EnvSpec, hookimpl
from envgym_reasoning_gym.catalog import env_id, exposed_datasets


@hookimpl
def envgym_environments() -> list[EnvSpec]:
    return [
        EnvSpec(env_id(name), "envgym_reasoning_gym.env:ReasoningGymEnv", {"dataset": name},
                f"reasoning-gym {name}: its question, its own scorer; answer in <answer></answer>")
        for name in exposed_datasets()
    ]
