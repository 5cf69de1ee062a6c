"""Tools a model can call: ``Tool`` and ``@tool``, call parsing and running, built-in tools.

Nothing here is imported by ``import envgym``; tool-use environments import it themselves.
"""

from envgym.tools.base import Tool, check_arguments, tool
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
    "Tool",
    "ToolCall",
    "ToolEnv",
    "ToolError",
    "calculator",
    "check_arguments",
    "parse_openai_tool_calls",
    "parse_tool_calls",
    "run_call",
    "run_tool_calls",
    "tool",
    "tools_prompt",
]
