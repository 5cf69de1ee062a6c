"""Multi-turn envgym episodes inside TRL's ``GRPOTrainer``, through its ``rollout_func`` hook.

TRL 1.16 lets a trainer take ``rollout_func(prompts, trainer) -> dict`` in place of its own
generation (experimental in 1.16: "may change or be removed at any time"; hence the pin). It
gets the step's prompts, each already repeated ``num_generations`` times, and must return, per
prompt, ``prompt_ids``, ``completion_ids`` and ``logprobs``; an ``env_mask`` (1 on the model's
tokens, 0 on the environment's) becomes the loss mask, and every other field is handed to the
reward functions as a keyword.

``EpisodeRollout`` plays each prompt's task as one envgym episode with envgym's own collector
(``envgym.rollout.collector.collect``), generating with the trainer's model at the trainer's
temperature and top-p, so the rules of docs/design.md hold inside TRL:

- token in, token out: the completion is the episode's token sequence after the opening prompt,
  the sampled tokens exactly as sampled and the environment's replies as appended tokens
  (``envgym.rollout.chat.TokenConversation``); nothing is re-tokenized, and ``env_mask`` puts the
  loss on the sampled tokens only;
- the reward is the environment's: ``env_return`` (the sum of the turn rewards) for the
  ``episode_return`` reward function, with ``env_correct`` and ``env_turns`` alongside.

It runs anywhere the trainer's model does, the CPU included, with ``use_vllm=False`` (it generates
with the trainer's model through envgym's ``hf`` engine, not through TRL's vLLM client). A prompt is
mapped back to its task through the dataset's ``seed`` column (``envgym_trl.dataset``), because
TRL hands ``rollout_func`` the prompts alone.

Where it departs from TRL's own generation: ``max_completion_length`` bounds each turn, not the
episode (``context_tokens`` bounds the whole episode, prompt included); TRL's ``top_k``,
``min_p`` and repetition penalty are not applied.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from envgym.rollout.pool import LocalEnvPool


def prompt_key(prompt: str | Sequence[dict[str, Any]]) -> str:
    """A prompt as a lookup key: its text, or its messages' roles and contents (TRL copies the rows)."""
    if isinstance(prompt, str):
        return prompt
    return json.dumps([[m["role"], m["content"]] for m in prompt])


class EpisodeRollout:
    """TRL's ``rollout_func``: plays the tasks of ``dataset`` (its ``prompt`` and ``seed`` columns) as
    envgym episodes of ``env_id``.

    turn_tokens: the most tokens the model writes per turn (default: the trainer's ``max_completion_length``).
    context_tokens: the most tokens an episode holds, prompt and every turn included; an episode that
        cannot fit another turn ends there (truncated).
    env_kwargs: the environment's options, the ones the dataset was built with.
    """

    def __init__(self, env_id: str, dataset: Any, *, turn_tokens: int | None = None,
                 context_tokens: int = 1024, **env_kwargs: Any) -> None:
        missing = {"prompt", "seed"} - set(dataset.column_names)
        if missing:
            raise ValueError(f"EpisodeRollout({env_id!r}): the dataset has no {sorted(missing)} column; "
                             "build it with envgym_trl.dataset(env_id, n, ...)")
        self.env_id = env_id
        self.turn_tokens = turn_tokens
        self.context_tokens = context_tokens
        self.pool = LocalEnvPool(env_id, env_kwargs)
        self._seeds = {prompt_key(p): int(s) for p, s in zip(dataset["prompt"], dataset["seed"])}

    def seed_of(self, prompt: str | Sequence[dict[str, Any]]) -> int:
        seed = self._seeds.get(prompt_key(prompt))
        if seed is None:
            raise KeyError(f"EpisodeRollout({self.env_id!r}): a prompt that is not in the dataset it was built with "
                           f"({str(prompt)[:80]}...); pass the trainer's train_dataset to EpisodeRollout")
        return seed

    def __call__(self, prompts: list[Any], trainer: Any) -> dict[str, list]:
        from envgym.learn.sequences import training_sequence
        from envgym.policy.base import SamplingParams
        from envgym.policy.hf import HFPolicy
        from envgym.rollout.collector import RolloutConfig, collect

        args = trainer.args
        if args.use_vllm:
            raise ValueError(f"EpisodeRollout({self.env_id!r}) generates with the trainer's own model; set "
                             "GRPOConfig(use_vllm=False) (TRL would otherwise also keep a vLLM engine in sync, unused)")
        seeds = [self.seed_of(p) for p in prompts]
        policy = HFPolicy(trainer.accelerator.unwrap_model(trainer.model), trainer.processing_class, name="trl",
                          device=str(trainer.accelerator.device), decode="loop")
        sampling = SamplingParams(temperature=args.temperature, top_p=args.top_p,
                                  max_tokens=self.turn_tokens or args.max_completion_length)
        config = RolloutConfig(group_size=1, sampling=sampling, max_context_tokens=self.context_tokens)
        out: dict[str, list] = {key: [] for key in ("prompt_ids", "completion_ids", "logprobs", "env_mask",
                                                    "env_return", "env_correct", "env_turns")}
        for trajectory in collect(self.pool, policy, seeds, config):
            if not trajectory.turns:
                raise ValueError(f"EpisodeRollout({self.env_id!r}): task {trajectory.task_id} does not leave room for a "
                                 f"turn of {sampling.max_tokens} tokens in context_tokens={self.context_tokens}; raise it")
            ids, mask, logprobs = training_sequence(trajectory)
            start = len(trajectory.turns[0].prompt_ids)
            out["prompt_ids"].append(ids[:start])
            out["completion_ids"].append(ids[start:])
            out["logprobs"].append(logprobs[start:])  # None on the environment's tokens (TRL reads it as NaN)
            out["env_mask"].append(mask[start:])
            out["env_return"].append(sum(turn.reward for turn in trajectory.turns))
            out["env_correct"].append(trajectory.correct)
            out["env_turns"].append(len(trajectory.turns))
        return out
