"""Rollouts: prefix-preserving chat tokens, the batched multi-turn collector, the trajectory store."""
