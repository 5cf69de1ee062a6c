"""Tools a model can call: ``Tool`` and ``@tool``, call parsing and running, built-in tools.

Nothing here is imported by ``import envgym``; tool-use environments import it themselves.
``MCPServer`` and ``mcp_tools`` (``envgym.tools.mcp``) load on first use, and need the optional
mcp package only when a server starts.
"""

from envgym.tools.base import Tool, check_arguments, tool
from envgym.tools.budget import BudgetUse, ToolBudget, ToolMeter
from envgym.tools.builtin import calculator
from envgym.tools.env import ToolEnv
from envgym.tools.calls import (
    ToolCall,
    ToolError,
    parse_openai_tool_calls,
    parse_tool_calls,
    run_call,
    run_tool_calls,
    tools_prompt,
)

__all__ = [
    "BudgetUse",
    "MCPServer",
    "Tool",
    "ToolBudget",
    "ToolCall",
    "ToolEnv",
    "ToolError",
    "ToolMeter",
    "calculator",
    "check_arguments",
    "mcp_tools",
    "parse_openai_tool_calls",
    "parse_tool_calls",
    "run_call",
    "run_tool_calls",
    "tool",
    "tools_prompt",
]


def __getattr__(name: str) -> object:
    """``MCPServer`` and ``mcp_tools``, imported on first use so the core never loads MCP support."""
    if name in ("MCPServer", "mcp_tools"):
        from envgym.tools import mcp

        return getattr(mcp, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
