"""The plugin module named by this package's ``envgym`` entry point (imports no OpenEnv package).

It registers ``openenv/<Name>-v0`` for every installed OpenEnv environment package (run in this
process) and for every server named in ``ENVGYM_OPENENV_SERVERS`` (``Name=URL,Name=URL``).
"""

from __future__ import annotations

import os

from envgym import EnvSpec, hookimpl
from envgym.registry import ENV_ID
from envgym_openenv.discover import installed

SERVERS_ENV = "ENVGYM_OPENENV_SERVERS"
ENTRY_POINT = "envgym_openenv.env:OpenEnvEnv"


def servers(text: str) -> dict[str, str]:
    """``Name=URL`` pairs, comma-separated.

    >>> servers("Guess=http://127.0.0.1:8000, Chess=http://10.0.0.2:9000")
    {'Guess': 'http://127.0.0.1:8000', 'Chess': 'http://10.0.0.2:9000'}
    """
    found: dict[str, str] = {}
    for item in filter(None, (part.strip() for part in text.split(","))):
        name, sep, url = item.partition("=")
        if not sep or not ENV_ID.match(f"openenv/{name.strip()}-v0") or not url.strip().startswith(("http://", "https://", "ws://", "wss://")):
            raise ValueError(f"{SERVERS_ENV}: {item!r} must be NAME=URL, e.g. Guess=http://127.0.0.1:8000")
        found[name.strip()] = url.strip()
    return found


@hookimpl
def envgym_environments() -> list[EnvSpec]:
    specs = [EnvSpec(f"openenv/{name}-v0", ENTRY_POINT, {"package": module},
                     f"OpenEnv package {module} (installed), run in this process; reward: the environment's")
             for name, module in sorted(installed().items())]
    specs += [EnvSpec(f"openenv/{name}-v0", ENTRY_POINT, {"url": url},
                      f"the OpenEnv server at {url} ({SERVERS_ENV}); reward: the environment's")
              for name, url in servers(os.environ.get(SERVERS_ENV, "")).items()]
    return specs
