"""envgym scores as TRL reward functions.

TRL's ``GRPOTrainer`` calls each reward function as ``f(prompts=..., completions=...,
completion_ids=..., **columns)``, one list per extra dataset column, plus bookkeeping keywords
(``trainer_state``, ``log_metric``, ...) that these functions ignore. A completion is a string
(standard format) or a list of messages whose last is the assistant's (conversational format).
TRL logs each function's rewards under its ``__name__`` (``rewards/<name>/mean``).

- ``env_reward(env_id)``: resets the environment at the row's ``seed`` and scores the completion
  as the task's first move (``TextEnv.score``: the environment's verifier against the task's
  reference, or a game's judgement of the move). Needs the ``seed`` column that
  ``envgym_trl.dataset`` writes.
- ``verifier_reward(verifier)``: an envgym verifier against a ``reference`` column, for a
  dataset of your own.
- ``episode_return``: the return of a multi-turn episode played by ``envgym_trl.EpisodeRollout``.

Scores never raise on model output: envgym's verifiers are ``Guarded`` (malformed output, a
crash or a timeout in the verifier is reward 0 with a reason).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import envgym

RewardFunc = Callable[..., list[float]]


def completion_text(completion: str | Sequence[dict[str, Any]]) -> str:
    """The text of one TRL completion, in either format.

    >>> completion_text("\\\\boxed{4}"), completion_text([{"role": "assistant", "content": "\\\\boxed{4}"}])
    ('\\\\boxed{4}', '\\\\boxed{4}')
    """
    if isinstance(completion, str):
        return completion
    return str(completion[-1].get("content") or "") if completion else ""


def env_reward(env_id: str, **env_kwargs: Any) -> RewardFunc:
    """A TRL reward function: each completion's score as the first move of its row's task (``seed`` column).

    env_kwargs: the environment's options; they must be the ones the dataset was built with.
    """
    env = envgym.make(env_id, **env_kwargs)  # made once: resetting is cheap, making may not be

    def reward(completions: Sequence[Any], seed: Sequence[int], **_: Any) -> list[float]:
        out = []
        for completion, task_seed in zip(completions, seed, strict=True):
            env.reset(seed=int(task_seed))
            out.append(float(env.score(completion_text(completion)).reward))
        return out

    reward.__name__ = env_id  # TRL logs rewards/<env_id>/mean
    return reward


def verifier_reward(verifier: str | Any, **verifier_kwargs: Any) -> RewardFunc:
    """A TRL reward function: an envgym verifier (a registered name, or an object with ``verify``)
    scoring each completion against its row's ``reference`` column."""
    if isinstance(verifier, str):
        name, verifier = verifier, envgym.make_verifier(verifier, **verifier_kwargs)
    else:
        name = getattr(verifier, "name", type(verifier).__name__)
        verifier = verifier if isinstance(verifier, envgym.Guarded) else envgym.Guarded(verifier)

    def reward(completions: Sequence[Any], reference: Sequence[Any], **_: Any) -> list[float]:
        return [float(verifier.verify(completion_text(c), ref).reward) for c, ref in zip(completions, reference, strict=True)]

    reward.__name__ = f"verifier/{name}"
    return reward


def episode_return(completions: Sequence[Any], env_return: Sequence[float], **_: Any) -> list[float]:
    """The sum of an episode's turn rewards, as ``EpisodeRollout`` reports it (its ``env_return`` field).

    >>> episode_return(completions=["a", "b"], env_return=[1.0, 0.25])
    [1.0, 0.25]
    """
    return [float(r) for r in env_return]
