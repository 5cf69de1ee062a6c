"""envgym environments in TRL's ``GRPOTrainer`` (TRL pinned at 1.16.0; see this package's README).

    train = envgym_trl.dataset("envgym/Arithmetic-v0", 256, difficulty=1)   # prompt, seed, task_id
    reward = envgym_trl.env_reward("envgym/Arithmetic-v0", difficulty=1)    # a TRL reward function
    GRPOTrainer(model, reward_funcs=reward, train_dataset=train, args=GRPOConfig(...)).train()

Multi-turn: ``rollout_func=envgym_trl.EpisodeRollout(env_id, train)`` with
``reward_funcs=envgym_trl.episode_return``.
"""

from envgym_trl.data import dataset, plain_text
from envgym_trl.rewards import completion_text, env_reward, episode_return, verifier_reward
from envgym_trl.rollout import EpisodeRollout

__all__ = ["EpisodeRollout", "completion_text", "dataset", "env_reward", "episode_return", "plain_text", "verifier_reward"]
