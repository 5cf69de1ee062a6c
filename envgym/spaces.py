"""Gymnasium spaces for text: a model's action is any string, an observation a conversation.

Gymnasium's own ``Text`` space only holds strings over a fixed character set, and its
``Sequence(Dict(...))`` needs every message to carry exactly the same keys. Model output is
arbitrary Unicode and chat messages carry optional keys, so envgym defines the two spaces here;
both subclass Gymnasium's classes, so ``gymnasium.utils.env_checker.check_env`` accepts them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
from gymnasium import spaces

from envgym.types import ROLES

# Sampled characters: ASCII printable plus a few that trip naive parsers (LaTeX, Unicode, NUL-free).
_SAMPLE_CHARS = tuple(chr(c) for c in range(32, 127)) + ("\n", "\t", "é", "π", "√", "−", "数", "🙂")
_OPTIONAL_KEYS = frozenset(("name", "tool_call_id", "tool_calls"))


class TextSpace(spaces.Text):
    """Any Python string of at most ``max_length`` characters (no character-set restriction)."""

    def __init__(self, max_length: int = 1 << 20, *, seed: int | np.random.Generator | None = None):
        super().__init__(max_length=max_length, min_length=0, charset="".join(_SAMPLE_CHARS), seed=seed)

    def contains(self, x: Any) -> bool:
        return isinstance(x, str) and len(x) <= self.max_length

    def sample(self, mask: Any = None, probability: Any = None) -> str:
        length = int(self.np_random.integers(0, min(self.max_length, 64) + 1))
        idx = self.np_random.integers(0, len(_SAMPLE_CHARS), size=length)
        return "".join(_SAMPLE_CHARS[i] for i in idx)

    def __repr__(self) -> str:
        return f"TextSpace(max_length={self.max_length})"

    def __eq__(self, other: Any) -> bool:
        return isinstance(other, TextSpace) and other.max_length == self.max_length


def _openai_tool_calls(calls: Any) -> bool:
    """An OpenAI assistant message's ``tool_calls``: functions with a name and JSON-string arguments."""
    if not isinstance(calls, list):
        return False
    for call in calls:
        function = call.get("function") if isinstance(call, Mapping) else None
        if not (isinstance(function, Mapping) and isinstance(call.get("id"), str) and call.get("type") == "function"
                and isinstance(function.get("name"), str) and isinstance(function.get("arguments"), str)):
            return False
    return True


class ConversationSpace(spaces.Space[list]):
    """A list of OpenAI-format chat messages: dicts with ``role`` and ``content`` strings.

    An assistant message may also carry OpenAI ``tool_calls`` (each ``{"id", "type": "function",
    "function": {"name", "arguments"}}`` with the arguments as a JSON string), as tool environments
    record an API policy's calls, so the history replays to an OpenAI-compatible endpoint as it is.
    """

    def __init__(self, max_messages: int = 4096, *, seed: int | np.random.Generator | None = None):
        super().__init__(shape=None, dtype=None, seed=seed)
        self.max_messages = max_messages

    @property
    def is_np_flattenable(self) -> bool:
        return False

    def contains(self, x: Any) -> bool:
        if not isinstance(x, (list, tuple)) or len(x) > self.max_messages:
            return False
        for m in x:
            if not isinstance(m, Mapping) or m.get("role") not in ROLES:
                return False
            if not isinstance(m.get("content"), str):
                return False
            if not set(m).issubset(_OPTIONAL_KEYS | {"role", "content"}):
                return False
            if "tool_calls" in m and not (m["role"] == "assistant" and _openai_tool_calls(m["tool_calls"])):
                return False
        return True

    def sample(self, mask: Any = None, probability: Any = None) -> list[dict[str, str]]:
        text = TextSpace(seed=int(self.np_random.integers(2**31)))
        n = int(self.np_random.integers(1, 4))
        roles = ("user", "assistant")
        return [{"role": roles[i % 2], "content": text.sample()} for i in range(n)]

    def __repr__(self) -> str:
        return f"ConversationSpace(max_messages={self.max_messages})"

    def __eq__(self, other: Any) -> bool:
        return isinstance(other, ConversationSpace) and other.max_messages == self.max_messages
