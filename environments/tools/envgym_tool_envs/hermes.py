"""Tool calls written the way ``envgym.tools.tools_prompt`` asks a model to write them (Hermes / Qwen)."""

from __future__ import annotations

import json
from collections.abc import Mapping


def tool_call_text(name: str, arguments: Mapping[str, object]) -> str:
    """One ``<tool_call>`` block: what the gold policies emit.

    >>> tool_call_text("search", {"query": "Oskeld"})
    '<tool_call>\\n{"name": "search", "arguments": {"query": "Oskeld"}}\\n</tool_call>'
    """
    return f"<tool_call>\n{json.dumps({'name': name, 'arguments': dict(arguments)})}\n</tool_call>"
