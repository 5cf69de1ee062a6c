"""Learning: the one loss every learner shares and the advantages it is weighted with.

Needs the ``train`` extra (torch); ``import envgym`` never imports this package.
"""

from envgym.learn.advantages import ADVANTAGES, compute_advantages, spread, spread_steps, zero_variance_groups
from envgym.learn.loss import IS_CORRECTIONS, KL_ESTIMATORS, NORMALIZERS, LossConfig, LossInputs, Registry, policy_loss

__all__ = [
    "ADVANTAGES",
    "IS_CORRECTIONS",
    "KL_ESTIMATORS",
    "NORMALIZERS",
    "LossConfig",
    "LossInputs",
    "Registry",
    "compute_advantages",
    "policy_loss",
    "spread",
    "spread_steps",
    "zero_variance_groups",
]
