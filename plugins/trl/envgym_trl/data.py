"""Training prompts for TRL from an envgym environment, held-out tasks left out.

``dataset`` resets the environment at training seeds (drawn below ``envgym.heldout.EVAL_SEED_BASE``,
as envgym's own trainer draws them) and keeps each new task that is not in the held-out partition
(``envgym.heldout.held_out``: the tasks ``envgym eval`` scores), so a model trained by TRL on
these rows can be evaluated by envgym without having seen the evaluation tasks.

Each row is TRL's prompt plus what the reward functions need to find the task again:

    prompt    the opening conversation (TRL's conversational format: a list of
              {"role", "content"} messages), or its messages' contents joined (standard format)
    seed      the reset seed: env.reset(seed=seed) gives back the task, reference included
    task_id   the environment's id of the task
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal

import envgym
from envgym.errors import InputError
from envgym.heldout import held_out, training_tasks

PromptFormat = Literal["conversational", "standard"]


def dataset(env_id: str, n: int, *, seed: int = 0, held_out_tasks: int = 100,
            prompt_format: PromptFormat = "conversational", **env_kwargs: Any) -> Any:
    """A ``datasets.Dataset`` of ``n`` distinct training tasks of ``env_id`` (columns: prompt, seed, task_id).

    seed: draws the task seeds (the same seed gives the same rows).
    held_out_tasks: the size of the held-out partition to avoid; 100 is ``envgym train``'s
        ``eval_tasks`` default, so the rows never include a task ``envgym eval`` scores by default.
    env_kwargs: the environment's options (e.g. ``difficulty=1``), also to be given to the reward function.
    """
    from datasets import Dataset

    if n < 1:
        raise ValueError(f"envgym_trl.dataset({env_id!r}): n must be at least 1, got {n}")
    if prompt_format not in ("conversational", "standard"):
        raise ValueError(f"envgym_trl.dataset: prompt_format must be 'conversational' or 'standard', got {prompt_format!r}")
    env = envgym.make(env_id, **env_kwargs)
    try:
        part = held_out(env_id, env_kwargs, held_out_tasks, env=env)
        tasks = training_tasks(env, n, held=part, seed=seed)
    except InputError as exc:
        raise ValueError(f"envgym_trl.dataset: {exc}") from None
    finally:
        env.close()
    return Dataset.from_dict({
        "prompt": [obs if prompt_format == "conversational" else plain_text(obs) for _, _, obs in tasks],
        "seed": [task_seed for task_seed, _, _ in tasks],
        "task_id": [task_id for _, task_id, _ in tasks],
    })


def plain_text(messages: Sequence[dict[str, Any]]) -> str:
    """A conversation as one standard-format prompt: the messages' contents, a blank line apart.

    >>> plain_text([{"role": "system", "content": "Be brief."}, {"role": "user", "content": "2+2?"}])
    'Be brief.\\n\\n2+2?'
    """
    return "\n\n".join(str(m.get("content") or "") for m in messages)
