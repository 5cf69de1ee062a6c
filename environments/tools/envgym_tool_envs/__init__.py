"""envgym/ToolMath-v0 and envgym/Lookup-v0: environments whose tools the environment runs."""

from envgym_tool_envs.answer import AnswerMatch, normalize, token_f1
from envgym_tool_envs.lookup import LookupEnv
from envgym_tool_envs.toolmath import ToolMathEnv

__all__ = ["AnswerMatch", "LookupEnv", "ToolMathEnv", "normalize", "token_f1"]
