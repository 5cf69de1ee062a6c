"""Tool calls written the way ``envgym.tools.tools_prompt`` asks a model to write them (Hermes / Qwen)."""

from __future__ import annotations

from collections.abc import Mapping

from envgym.tools.calls import call_text


def tool_call_text(name: str, arguments: Mapping[str, object]) -> str:
    """One ``<tool_call>`` block: what the gold policies emit (``envgym.tools.calls.call_text``).

    >>> tool_call_text("search", {"query": "Oskeld"})
    '<tool_call>\\n{"name": "search", "arguments": {"query": "Oskeld"}}\\n</tool_call>'
    """
    return call_text(name, arguments)
