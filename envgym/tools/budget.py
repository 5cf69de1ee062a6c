"""Tool budgets: how many tool calls, and how much tool time, one action and one episode may use.

Without a budget one action can hold thousands of calls (a 200,000-character action fits about
2,000), each waited out to its own time limit: hours in one step, and a failure penalty per call
that adds up without bound. ``ToolBudget`` sets the limits; ``ToolMeter`` keeps one episode's
account and runs each action's calls against it. ``ToolEnv`` and the ``ToolLoop`` scaffold both
run tools through it, so the same limits hold wherever the tools run.

What a budget does, call by call, in order:

- a call past a call limit, or started after the action's or the episode's tool time is spent, is
  not run; one tool message says how many were cut and by which limit (with call ids, as OpenAI
  messages have, each cut call gets its own message, since every id must be answered);
- a call whose arguments are longer than ``max_argument_chars`` (as JSON) is refused unrun;
- a call that runs is waited for at most the time left in the budget (or its tool's own
  ``timeout_s``, if shorter), so an action's tool time exceeds its budget by at most the last
  wait's slack. A tool stopped this way keeps running in the background until its own bound
  ends it (``envgym.tools.calls`` explains why), but no further call starts.

Failure penalties are bounded by ``ToolMeter.penalize``: an episode pays at most ``max_penalty``
in total, however many calls fail.
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields
from typing import Any

from envgym.tools.base import Tool
from envgym.tools.calls import MAX_RESULT_CHARS, ToolCall, ToolError, run_call
from envgym.types import Message


@dataclass(frozen=True)
class ToolBudget:
    """Limits on tool use; the defaults leave ordinary use (a few calls a turn) untouched."""

    calls_per_action: int = 8
    """Call attempts one action (one model turn) may make; later ones are not run. Malformed calls
    count too: each is answered with a message."""
    calls_per_episode: int = 32
    """Call attempts a whole episode may make."""
    seconds_per_action: float = 20.0
    """Wall-clock seconds the tool calls of one action may take together."""
    seconds_per_episode: float = 60.0
    """Wall-clock seconds the tool calls of a whole episode may take together."""
    max_argument_chars: int = 20_000
    """A call whose arguments, written as JSON, are longer than this is refused without running."""
    max_penalty: float = 1.0
    """The most failure penalty (``-error_reward`` per failed or cut call) one episode pays in total."""

    def __post_init__(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, bool) or not isinstance(value, int | float) or value < 0 or \
                    (value == 0 and f.name != "max_penalty"):
                least = "0 or more" if f.name == "max_penalty" else "more than 0"
                raise ValueError(f"ToolBudget.{f.name} must be a number {least}, got {value!r}")

    @classmethod
    def of(cls, budget: ToolBudget | Mapping[str, Any] | None) -> ToolBudget:
        """A budget from an environment's ``budget`` argument: a ``ToolBudget``, a mapping of some of
        its fields (as a JSON config gives it), or None for the defaults."""
        if budget is None:
            return cls()
        if isinstance(budget, ToolBudget):
            return budget
        if isinstance(budget, Mapping):
            names = [f.name for f in fields(cls)]
            unknown = [k for k in budget if k not in names]
            if unknown:
                raise ValueError(f"unknown tool budget field(s) {', '.join(map(repr, unknown))}; "
                                 f"the fields are: {', '.join(names)}")
            return cls(**budget)
        raise TypeError(f"a tool budget must be a ToolBudget or a mapping of its fields, got {type(budget).__name__}")


@dataclass(frozen=True)
class BudgetUse:
    """What one action's tool calls used and what the budget cut: ``info["budget"]`` of a tool turn.

    calls_run: calls that were run, whatever their result.
    calls_cut: calls not run because a call or time limit was reached.
    calls_refused: calls not run because their arguments were over ``max_argument_chars``.
    seconds: wall time the action's calls took together.
    episode_calls, episode_seconds: the episode's totals so far, this action included (call
        attempts, cut ones excluded).
    penalty_waived: the failure penalty not paid because the episode reached ``max_penalty``
        (set by ``ToolEnv``).
    note: what was cut and why, as the tool message says it; "" when nothing was.
    """

    calls_run: int
    calls_cut: int
    calls_refused: int
    seconds: float
    episode_calls: int
    episode_seconds: float
    penalty_waived: float = 0.0
    note: str = ""


class ToolMeter:
    """One episode's account against a ``ToolBudget``; make a new one for each episode."""

    def __init__(self, budget: ToolBudget) -> None:
        self.budget = budget
        self.calls = 0
        self.seconds = 0.0
        self.penalty = 0.0

    def run(self, calls: Sequence[ToolCall | ToolError], tools: Mapping[str, Tool], *,
            max_chars: int = MAX_RESULT_CHARS) -> tuple[list[Message], BudgetUse]:
        """Run one action's calls within the budget: the tool messages answering them, and the use.

        Never raises on model output (``run_call``'s guarantee); every message of a call that ran
        or was refused answers that call, in order; cut calls are answered last."""
        budget = self.budget
        start = time.monotonic()
        messages: list[Message] = []
        attempts = refused = 0
        limit = ""
        for call in calls:
            spent = time.monotonic() - start
            action_left = budget.seconds_per_action - spent
            episode_left = budget.seconds_per_episode - self.seconds - spent
            limit = self._limit(attempts, action_left, episode_left)
            if limit:
                break
            attempts += 1
            size = argument_chars(call.arguments) if isinstance(call, ToolCall) else 0
            if size > budget.max_argument_chars:
                refused += 1
                tool = tools.get(call.name)
                messages.append(Message(
                    "tool", f"Error: the arguments of {call.name!r} are {_size(size)} long; the limit is "
                            f"{budget.max_argument_chars} characters: the call was not run",
                    name=tool.name if tool else None, tool_call_id=call.id))
                continue
            messages.append(run_call(call, tools, max_chars=max_chars, timeout_s=min(action_left, episode_left)))
        cut = len(calls) - attempts
        seconds = time.monotonic() - start
        self.calls += attempts
        self.seconds += seconds
        note = f"tool budget: {cut} of {len(calls)} calls not run ({limit})" if cut else ""
        if cut:
            messages.extend(_cut_messages(calls[attempts:], tools, note))
        return messages, BudgetUse(attempts - refused, cut, refused, seconds, self.calls, self.seconds, 0.0, note)

    def penalize(self, penalty: float) -> float:
        """The part of a turn's failure penalty (>= 0) the episode still pays; its total stops at
        ``max_penalty``."""
        paid = min(penalty, max(0.0, self.budget.max_penalty - self.penalty))
        self.penalty += paid
        return paid

    def _limit(self, attempts: int, action_left: float, episode_left: float) -> str:
        """The limit that stops the next call, described; "" when it may run."""
        budget = self.budget
        if attempts >= budget.calls_per_action:
            return f"action limit {budget.calls_per_action} calls"
        if self.calls + attempts >= budget.calls_per_episode:
            return f"episode limit {budget.calls_per_episode} calls"
        if episode_left <= 0:
            return f"episode tool time limit {budget.seconds_per_episode:g} s used up"
        if action_left <= 0:
            return f"action tool time limit {budget.seconds_per_action:g} s used up"
        return ""


def argument_chars(arguments: Mapping[str, Any]) -> int:
    """The length of a call's arguments written as JSON; arguments that cannot be written count as
    unbounded (too deeply nested for the encoder)."""
    try:
        return len(json.dumps(arguments, ensure_ascii=False, default=str))
    except (TypeError, ValueError, RecursionError):
        return sys.maxsize


def _size(chars: int) -> str:
    return "too deeply nested to measure" if chars == sys.maxsize else f"{chars} characters"


def _cut_messages(cut: Sequence[ToolCall | ToolError], tools: Mapping[str, Tool], note: str) -> list[Message]:
    """Calls without ids share one message; with ids, each id is answered (the first says why)."""
    if all(c.id is None for c in cut):
        return [Message("tool", f"Error: {note}")]
    return [Message("tool", f"Error: {note}" if i == 0 else "Error: not run (tool budget, see above)",
                    name=c.name if c.name in tools else None, tool_call_id=c.id) for i, c in enumerate(cut)]
