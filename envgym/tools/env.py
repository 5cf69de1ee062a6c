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

Budgets (``envgym.tools.budget``): each episode's tool use is held to a ``ToolBudget`` (the
``budget`` argument): calls past a call or time limit are not run and count as failed, calls
with oversized arguments are refused, and the tool message says what was cut; ``info["budget"]``
(a ``BudgetUse``) counts it. The failure penalties of an episode add up to at most
``budget.max_penalty``, so with ``call_reward`` 0 and a verifier rewarding in [0, 1] a return
lies in [-max_penalty, 1]. An action longer than ``max_action_chars`` is not read: no call in
it runs, it scores 0 and ends the episode, as an oversized answer would.
"""

from __future__ import annotations

import copy
import dataclasses
from collections.abc import Mapping, Sequence
from typing import Any, ClassVar

from envgym.env import Played, TextEnv
from envgym.tools.base import Tool
from envgym.tools.budget import ToolBudget, ToolMeter
from envgym.tools.calls import (
    ToolError,
    parse_openai_tool_calls,
    parse_tool_calls,
    to_text,
    tool_map,
    tools_prompt,
)
from envgym.types import Message, Verdict
from envgym.verify.base import Verifier


class ToolEnv(TextEnv):
    """Subclasses give ``generate_task`` (a prompt whose system message ``system_with_tools`` builds),
    ``gold_action`` / ``hack_actions``, and the tools.

    budget: the episode's tool budget (a ``ToolBudget``, a mapping of some of its fields, or None
        for the defaults); see the module docstring.

    Snapshots (``envgym.snapshot``) keep, besides ``TextEnv``'s state, the budget account (the calls,
    tool seconds and penalty the episode has used: a fork's budget goes on from there). They keep no
    tool state: an environment offering a ``stateful`` tool cannot be snapshot unless its class copies
    that tool's state itself and names it in ``copied_tools``.
    """

    copied_tools: ClassVar[frozenset[str]] = frozenset()  # stateful tools whose state the class's snapshot copies

    def __init__(self, verifier: Verifier, tools: Sequence[Tool] | Mapping[str, Tool], *, max_turns: int = 6,
                 call_reward: float = 0.0, error_reward: float = 0.0,
                 budget: ToolBudget | Mapping[str, Any] | None = None, **kwargs: Any) -> None:
        super().__init__(verifier, max_turns=max_turns, **kwargs)
        self.tools = tool_map(tools)
        self.call_reward, self.error_reward = call_reward, error_reward
        self.budget = ToolBudget.of(budget)
        self.meter = ToolMeter(self.budget)

    def reset(self, *, seed: int | None = None, options: dict[str, Any] | None = None):
        self.meter = ToolMeter(self.budget)  # a fresh account for each episode
        return super().reset(seed=seed, options=options)

    def _save_episode(self) -> dict[str, Any]:
        uncopied = sorted(name for name, t in self.tools.items() if t.stateful and name not in self.copied_tools)
        if uncopied:
            from envgym.errors import SnapshotUnsupported

            raise SnapshotUnsupported(
                f"{self._label()} cannot be snapshot or forked: its tool(s) {', '.join(map(repr, uncopied))} keep "
                "state between calls (a server's session, a database they write) that envgym cannot copy; copy it in "
                f"{type(self).__name__}._save_episode and list the tools in copied_tools, or fork before calling them")
        return {**super()._save_episode(), "meter": copy.copy(self.meter)}

    def _load_episode(self, state: Mapping[str, Any]) -> None:
        super()._load_episode(state)
        self.meter = copy.copy(state["meter"])

    def system_with_tools(self, instructions: str) -> Message:
        """The system message: the task's instructions, then the tools and how to call them."""
        return Message("system", f"{instructions}\n\n{tools_prompt(self.tools)}")

    def _accepts(self, action: Any) -> bool:
        return type(action) is str or isinstance(action, Mapping)

    def _play(self, action: str | Mapping[str, Any]) -> Played:
        """``action``: the model's text, or an OpenAI assistant message dict with ``tool_calls``.

        Tool calls run and their results are the reply; an answer (a turn without calls) ends the
        episode, right or wrong: TextEnv alone would let a wrong answer be followed by another
        guess while turns remain (``feedback`` is therefore not used)."""
        if isinstance(action, Mapping):  # an API policy's message: its tool calls, or its content as the answer
            calls = parse_openai_tool_calls(action)
            text = action.get("content") or ""
            text = text if isinstance(text, str) else str(text)
            if not calls:
                return Played(self.score(text), said={"role": "assistant", "content": text}, terminated=True)
            # Every call gets an id (the API's, or one made here) that its tool message answers.
            calls = [c if c.id else dataclasses.replace(c, id=f"call_{self.turn}_{i}") for i, c in enumerate(calls)]
            return self._tool_turn(text, calls, _openai_record(action["tool_calls"], calls))
        if len(action) > self.action_space.max_length:  # not read: an oversized answer, whatever it holds
            return Played(Verdict.fail(f"the action is {len(action)} characters long, over the limit of "
                                       f"{self.action_space.max_length}: it was not read and no tool call in it "
                                       "was run"), terminated=True)
        calls = parse_tool_calls(action)
        if not calls:
            return Played(self.score(action), terminated=True)
        return self._tool_turn(action, calls)

    def _tool_turn(self, text: str, calls: Sequence[Any], openai_calls: list[dict[str, Any]] | None = None) -> Played:
        results, use = self.meter.run(calls, self.tools)
        answered = len(calls) - use.calls_cut  # the first messages answer these calls, in order
        failed = sum(isinstance(c, ToolError) or r.content.startswith("Error:")
                     for c, r in zip(calls[:answered], results)) + use.calls_cut
        ran = len(calls) - failed
        penalty = failed * max(0.0, -self.error_reward)
        paid = self.meter.penalize(penalty)  # the episode's total stops at budget.max_penalty
        reward = ran * self.call_reward + failed * max(0.0, self.error_reward) - paid
        if paid < penalty:
            use = dataclasses.replace(use, penalty_waived=penalty - paid)
        details = {"tool_calls": len(calls), "tool_errors": failed, "tool_calls_cut": use.calls_cut}
        last = self.turn + 1 >= self.max_turns
        reason = "ran out of turns while calling tools" if last else f"{ran} tool call(s) ran, {failed} failed"
        if use.note:
            reason = f"{reason}; {use.note}"
        said: dict[str, Any] = {"role": "assistant", "content": text}
        if openai_calls is not None:  # kept, so the history replays to an OpenAI-compatible endpoint
            said["tool_calls"] = openai_calls
        return Played(Verdict(reward, False, reason, None, details), said=said, replies=results, terminated=last,
                      info={"tool_messages": results, "budget": use})


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
