"""The plugin module named by this package's ``envgym`` entry point."""

from envgym import ComponentSpec, EnvSpec, hookimpl


@hookimpl
def envgym_environments() -> list[EnvSpec]:
    return [
        EnvSpec("envgym/ToolMath-v0", "envgym_tool_envs.toolmath:ToolMathEnv", {},
                "tedious number problems with calculator and sandboxed python tools; exact integer answer"),
        EnvSpec("envgym/Lookup-v0", "envgym_tool_envs.lookup:LookupEnv", {"reward": "exact"},
                "1- and 2-hop questions about a fictional kingdom with a search tool; exact match or token F1"),
    ]


@hookimpl
def envgym_tools() -> list[ComponentSpec]:
    return [
        ComponentSpec("search", "envgym_tool_envs.world:search",
                      "full-text search (SQLite FTS5) over the fictional encyclopedia of Aldermarch"),
    ]
