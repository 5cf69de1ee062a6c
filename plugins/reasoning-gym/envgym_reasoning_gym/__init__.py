"""Every reasoning-gym dataset as an envgym environment, ``reasoning-gym/<Name>-v0``."""

from envgym_reasoning_gym.catalog import REPLACED_SCORERS, env_id, exposed_datasets
from envgym_reasoning_gym.env import ReasoningGymEnv
from envgym_reasoning_gym.verifier import ReasoningGymScorer, extract_answer

__all__ = ["REPLACED_SCORERS", "ReasoningGymEnv", "ReasoningGymScorer", "env_id", "exposed_datasets", "extract_answer"]
