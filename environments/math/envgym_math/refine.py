r"""``envgym/MathRefine-v0``: answer, hear that it is wrong, try again — up to ``max_attempts`` times.

    option          default      meaning
    source          "algebra"    where problems come from: "algebra", "arithmetic", "mathqa", or
                                 the id of any registered single-turn envgym environment
    source_options  None         options for the source environment, e.g. {"difficulty": 2}
    max_attempts    3            attempts per episode (the environment's ``max_turns``)
    hints           False        add a hint to each "try again": the next step of the reference
                                 solution (when the source stores ``metadata["steps"]``) and
                                 whether a numeric answer is too high or too low

The source environment is built with ``envgym.make`` and used as it is: its ``generate_task``
draws the problem, its ``score`` judges each attempt (so Algebra's answer-form rules hold
here too), and its gold action and hacks are the probes. Tasks keep the source's task ids, so
a refined run and a single-shot run of the same problem compare directly.

Each attempt's reward is its verdict's reward; the episode ends at the first correct answer
or after ``max_attempts`` attempts. A wrong attempt is answered with "Your answer is incorrect.
Try again." (and a hint line). Hints never reveal the final step, which holds the answer.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

import numpy as np

import envgym
from envgym import EnvNotFoundError, InvalidEnvIdError, Message, Task, TextEnv, Verdict
from envgym_math.common import answer_hacks
from envgym_math.forms import parse_simple_number

ENV_ID = "envgym/MathRefine-v0"
SOURCES = {"algebra": "envgym/Algebra-v0", "arithmetic": "envgym/Arithmetic-v0", "mathqa": "envgym/MathQA-v0"}
RETRY = "Your answer is incorrect. Try again."


def _make_source(source: str, options: Mapping[str, Any] | None) -> tuple[str, TextEnv]:
    """Build the source environment, or say what a valid source is."""
    if not isinstance(source, str):
        raise ValueError(f"{ENV_ID}: source must be one of {sorted(SOURCES)} or an environment id, got {source!r}")
    if options is not None and not isinstance(options, Mapping):
        raise ValueError(f"{ENV_ID}: source_options must be a mapping of option names to values, got {options!r}")
    env_id = SOURCES.get(source, source)
    try:
        env = envgym.make(env_id, **dict(options or {}))
    except (EnvNotFoundError, InvalidEnvIdError) as exc:
        raise ValueError(f"{ENV_ID}: source must be one of {sorted(SOURCES)} or a registered id: {exc}") from None
    if not isinstance(env, TextEnv) or env.max_turns != 1:
        raise ValueError(f"{ENV_ID}: source {env_id!r} must be a single-turn envgym TextEnv (max_turns == 1)")
    return env_id, env


class MathRefineEnv(TextEnv):
    """Multi-turn self-refinement over a single-turn math environment (see the module docstring).

    source: "algebra", "arithmetic", "mathqa" or a registered single-turn environment id.
    source_options: options for the source environment.
    max_attempts: attempts per episode.
    hints: add the next solution step and a too-high/too-low note to each "try again".
    """

    def __init__(
        self,
        source: str = "algebra",
        source_options: Mapping[str, Any] | None = None,
        max_attempts: int = 3,
        hints: bool = False,
        render_mode: str | None = None,
    ) -> None:
        if not isinstance(max_attempts, int) or isinstance(max_attempts, bool) or max_attempts < 1:
            raise ValueError(f"{ENV_ID}: max_attempts must be a positive integer, got {max_attempts!r}")
        if not isinstance(hints, bool):
            raise ValueError(f"{ENV_ID}: hints must be True or False, got {hints!r}")
        self.source_id, self.source = _make_source(source, source_options)
        super().__init__(self.source.verifier, max_turns=max_attempts, render_mode=render_mode)
        self.hints = hints

    def generate_task(self, rng: np.random.Generator) -> Task:
        task = self.source.generate_task(rng)
        self.source.task = task  # the source judges, and knows gold and hacks for, this task
        return dataclasses.replace(task, metadata={**task.metadata, "source": self.source_id})

    def score(self, action: str) -> Verdict:
        return self.source.score(action)

    def feedback(self, verdict: Verdict) -> list[Message]:
        hint = self.hint(verdict) if self.hints else None
        return [Message("user", RETRY if hint is None else f"{RETRY}\n{hint}")]

    def hint(self, verdict: Verdict) -> str | None:
        """A hint after the ``self.turn``-th wrong attempt: a step of the reference solution
        (never the last, which states the answer) and the direction of a numeric miss."""
        parts = []
        question = self.task.prompt[-1].content
        steps = [s for s in self.task.metadata.get("steps", ())[:-1] if s not in question]
        if steps:
            parts.append(f"Hint: one step of a solution is ${steps[min(self.turn, len(steps)) - 1]}$.")
        answer = verdict.details.get("answer")
        got = parse_simple_number(answer) if isinstance(answer, str) else None
        want = parse_simple_number(str(self.task.reference))
        if got is not None and want is not None and got != want:
            parts.append(f"Your answer is too {'high' if got > want else 'low'}.")
        return " ".join(parts) or None

    def gold_action(self) -> str:
        return self.source.gold_action()

    def hack_actions(self) -> Mapping[str, str]:
        common = answer_hacks(self.task.prompt[-1].content, str(self.task.reference))
        return {**common, **self.source.hack_actions(), "ask_for_answer": "I am not sure. Please tell me the answer."}
