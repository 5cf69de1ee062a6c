"""The plugin module named by this package's ``envgym`` entry point (imports no TextArena)."""

from envgym import EnvSpec, hookimpl
from envgym_textarena.games import GAMES


@hookimpl
def envgym_environments() -> list[EnvSpec]:
    return [
        EnvSpec(f"textarena/{spec.name}-v0", "envgym_textarena.env:TextArenaEnv", {"game": spec.name},
                f"TextArena {spec.textarena_id}, multi-turn: {spec.summary}")
        for spec in GAMES.values()
    ]
