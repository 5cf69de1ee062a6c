"""OpenEnv environments as envgym environments (``openenv/<Name>-v0``); see env.py and README.md.

Importing the package (as envgym's plugin host does, for ``envgym_openenv.plugin``) imports
neither OpenEnv nor the adapter: ``OpenEnvEnv`` loads on first use.
"""

from __future__ import annotations

from typing import Any


def register(env_id: str, *, url: str | None = None, package: str | None = None, summary: str = "",
             **options: Any) -> Any:
    """Register an OpenEnv environment under ``env_id`` (e.g. ``"mine/Guess-v0"``): a running server's
    ``url`` or an installed ``package``, with ``OpenEnvEnv``'s other options (``gold=``, ``hacks=``,
    ``action_field=``, ...). Then ``envgym.make(env_id)`` and ``check_environment(env_id)`` work."""
    import envgym

    where = {"url": url} if url is not None else {"package": package}
    return envgym.register(env_id, "envgym_openenv.env:OpenEnvEnv", kwargs={**where, **options},
                           summary=summary or f"OpenEnv {url or package}")


def __getattr__(name: str) -> Any:
    if name in ("OpenEnvEnv", "OpenEnvReward"):
        from envgym_openenv import env

        return getattr(env, name)
    raise AttributeError(f"module 'envgym_openenv' has no attribute {name!r}")


__all__ = ["OpenEnvEnv", "OpenEnvReward", "register"]
