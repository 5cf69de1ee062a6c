"""What crosses the wire between ``envgym serve`` and an OpenEnv client: text in, text out.

An action is the model's text for one turn (``{"message": "..."}``). An observation carries the
chat messages the environment added (the prompt at reset, its replies after a step), the step's
reward and ``done``, and the verdict as plain JSON. Tokens never cross: the client tokenizes what
it sends and what it gets, so the token-level bookkeeping (prompt growth by appending, loss masks,
sampling log-probs) stays with the trainer, and an envgym trainer on the other side keeps it
exactly as it does in-process (docs/serve.md).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np
from openenv.core.env_server.types import Action, Observation, State
from pydantic import Field

from envgym.types import Verdict


class EnvgymAction(Action):
    """One turn of the model: its text, as ``env.step`` takes it."""

    message: str = Field(description="The model's text for this turn")


class EnvgymObservation(Observation):
    """What the environment said, with the step's judgement (``reward`` and ``done`` come from
    OpenEnv's ``Observation``; ``done`` is envgym's ``terminated``)."""

    messages: list[dict[str, Any]] = Field(default_factory=list, description=(
        "The chat messages (OpenAI format) the environment added: the prompt at reset, its replies after a step "
        "(none when the episode ended)"))
    verdict: dict[str, Any] | None = Field(default=None, description=(
        "The step's verdict: reward, correct, reason, step_rewards, details (None at reset)"))
    info: dict[str, Any] = Field(default_factory=dict, description="env_id, task_id, turn, truncated")


class EnvgymState(State):
    """The session's episode: which environment, task and turn, with the options it was built with."""

    env_id: str = ""
    task_id: str | None = None
    turn: int = 0
    done: bool = False
    options: dict[str, Any] = Field(default_factory=dict)


def verdict_json(verdict: Verdict) -> dict[str, Any]:
    """A verdict as JSON values (details that are not JSON become their ``repr``).

    >>> verdict_json(Verdict(0.5, False, "close", (1.0, 0.0), {"answer": 3}))
    {'reward': 0.5, 'correct': False, 'reason': 'close', 'step_rewards': [1.0, 0.0], 'details': {'answer': 3}}
    """
    return {"reward": float(verdict.reward), "correct": bool(verdict.correct), "reason": verdict.reason,
            "step_rewards": None if verdict.step_rewards is None else [float(r) for r in verdict.step_rewards],
            "details": jsonable(verdict.details)}


def jsonable(value: Any, depth: int = 0) -> Any:
    """``value`` as JSON: mappings, sequences, strings, finite numbers, booleans and None kept,
    anything else (and anything nested deeper than 20) as its ``repr``.

    >>> jsonable({"x": (1, 2.5), "y": float("nan"), 3: {1, 2}.__class__})
    {'x': [1, 2.5], 'y': 'nan', '3': "<class 'set'>"}
    """
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else repr(value)
    if depth < 20 and isinstance(value, Mapping):
        return {str(k): jsonable(v, depth + 1) for k, v in value.items()}
    if depth < 20 and isinstance(value, (list, tuple)):
        return [jsonable(v, depth + 1) for v in value]
    if isinstance(value, np.generic):  # numpy scalars: np.int64, np.bool_, ...
        return jsonable(value.item(), depth + 1)
    return repr(value)
