"""``ToolEnv``: a multi-turn environment whose tools the environment itself runs.

The model's turn is either tool calls (Hermes/Qwen ``<tool_call>{json}</tool_call>`` blocks, or an
OpenAI ``tool_calls`` message from an API policy) or a final answer. Tool calls are run by the
environment and answered with one ``tool`` message each; a bad call (broken JSON, an unknown tool,
wrong arguments, a tool that raises or times out) is answered with a message saying what went
wrong, and the episode goes on. A turn without a tool call is the answer, scored by the verifier;
it ends the episode, right or wrong (one answer per episode: no guessing again).

Per-turn rewards: a tool turn earns ``call_reward`` per well-formed call that ran, plus
``error_reward`` (usually negative) per failed call, so learners that use per-turn rewards
(``process``) see which turns helped; the final turn earns the verifier's reward. Running out of
turns ends the episode with the last verdict (0 when there was no answer).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from typing import Any

from envgym.env import TextEnv, copy_messages
from envgym.tools.base import Tool
from envgym.tools.calls import (
    ToolError,
    parse_openai_tool_calls,
    parse_tool_calls,
    run_call,
    to_text,
    tool_map,
    tools_prompt,
)
from envgym.types import Message, Verdict
from envgym.verify.base import Verifier


class ToolEnv(TextEnv):
    """Subclasses give ``generate_task`` (a prompt whose system message ``system_with_tools`` builds),
    ``gold_action`` / ``hack_actions``, and the tools."""

    def __init__(self, verifier: Verifier, tools: Sequence[Tool] | Mapping[str, Tool], *, max_turns: int = 6,
                 call_reward: float = 0.0, error_reward: float = 0.0, **kwargs: Any) -> None:
        super().__init__(verifier, max_turns=max_turns, **kwargs)
        self.tools = tool_map(tools)
        self.call_reward, self.error_reward = call_reward, error_reward

    def system_with_tools(self, instructions: str) -> Message:
        """The system message: the task's instructions, then the tools and how to call them."""
        return Message("system", f"{instructions}\n\n{tools_prompt(self.tools)}")

    def step(self, action: str | Mapping[str, Any]):
        """``action``: the model's text, or an OpenAI assistant message dict with ``tool_calls``."""
        if isinstance(action, Mapping):  # an API policy's message: its tool calls, or its content as the answer
            if self.task is None or self.done:
                self._refuse(action)
            calls = parse_openai_tool_calls(action)
            text = action.get("content") or ""
            if not calls:
                return self._answer_turn(text if isinstance(text, str) else str(text))
            # Every call gets an id (the API's, or one made here) that its tool message answers.
            calls = [c if c.id else dataclasses.replace(c, id=f"call_{self.turn}_{i}") for i, c in enumerate(calls)]
            record = _openai_record(action["tool_calls"], calls)
            return self._tool_turn(text if isinstance(text, str) else "", calls, record)
        if self.task is None or self.done or type(action) is not str:
            self._refuse(action)
        calls = parse_tool_calls(action)
        if not calls:
            return self._answer_turn(action)
        return self._tool_turn(action, calls)

    def _answer_turn(self, text: str):
        """The answer ends the episode, right or wrong: TextEnv alone would let a wrong answer be
        followed by another guess while turns remain (``feedback`` is therefore not used)."""
        obs, reward, _, truncated, info = super().step(text)
        self.done = True
        return obs, reward, True, truncated, info

    def _tool_turn(self, text: str, calls: Sequence[Any], openai_calls: list[dict[str, Any]] | None = None):
        results = [run_call(call, self.tools) for call in calls]
        failed = sum(isinstance(c, ToolError) or r.content.startswith("Error:") for c, r in zip(calls, results))
        ran = len(results) - failed
        reward = ran * self.call_reward + failed * self.error_reward
        verdict = Verdict(reward, False, f"{ran} tool call(s) ran, {failed} failed", None,
                          {"tool_calls": len(results), "tool_errors": failed})
        said: dict[str, Any] = {"role": "assistant", "content": text}
        if openai_calls is not None:  # kept, so the history replays to an OpenAI-compatible endpoint
            said["tool_calls"] = openai_calls
        self._dicts.append(said)
        self.turn += 1
        terminated = self.turn >= self.max_turns
        if not terminated:
            self._dicts.extend(m.to_dict() for m in results)
        else:
            verdict = Verdict(reward, False, "ran out of turns while calling tools", None, dict(verdict.details))
        self.done = terminated
        obs = copy_messages(self._dicts)
        return obs, reward, terminated, False, {"verdict": verdict, "turn": self.turn, "task_id": self.task.id,
                                                "tool_messages": results}


def _openai_record(entries: list[Any], calls: Sequence[Any]) -> list[dict[str, Any]]:
    """The calls of an API policy's message as the history keeps them: OpenAI's shape, with the ids
    the tool messages answer, and the arguments as the JSON string the model wrote."""
    if not isinstance(entries, list):  # one error answers the whole malformed field
        entries = [None] * len(calls)
    record = []
    for entry, call in zip(entries, calls):
        function = entry.get("function") if isinstance(entry, Mapping) else None
        function = function if isinstance(function, Mapping) else {}
        name = function.get("name")
        arguments = function.get("arguments")
        record.append({"id": call.id, "type": "function", "function": {
            "name": name if isinstance(name, str) else "",
            "arguments": arguments if isinstance(arguments, str) else to_text(arguments if arguments is not None else {})}})
    return record
