"""What a learner may use of the run it is part of: ``LearnerContext``.

Learners (``envgym.learn.learners``) turn a step number into weighted samples. They reach the run
only through this protocol, so a learner can be written, read and tested without the trainer:
``Trainer`` implements it, and so can anything else that drives learners.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

if TYPE_CHECKING:
    import numpy as np

    from envgym.env import TextEnv
    from envgym.learn.trainer import TrainConfig
    from envgym.policy.base import SamplingParams
    from envgym.types import Trajectory


@runtime_checkable
class LearnerContext(Protocol):
    """The run as a learner sees it.

    config: the run's ``TrainConfig`` (environment, sampling settings, loss, seed).
    tokenizer: the policy's tokenizer (chat template, pad and end tokens).
    device: where the training model lives ("cpu", "cuda:0").
    policy: the rollout engine (generates with the current weights).
    scaffolded: the engine under the run's scaffold (the engine itself without one).
    full_model: the whole training model, unsharded (for a frozen reference copy, teacher gaps).
    """

    config: TrainConfig
    tokenizer: Any
    device: str
    policy: Any
    scaffolded: Any

    @property
    def full_model(self) -> Any: ...

    def rng(self, step: int, stream: int = 0) -> np.random.Generator:
        """The random generator of a step (and a learner's stream): the same on resume."""
        ...

    def task_seeds(self, step: int, n: int, stream: int = 0) -> list[int]:
        """``n`` training task seeds for a step: reproducible, never a held-out task."""
        ...

    def held_out_tasks(self) -> set[str]:
        """The task ids evaluation holds out (training must not see them)."""
        ...

    def environment(self) -> TextEnv:
        """An instance of the run's environment, for reading tasks (gold traces, hints)."""
        ...

    def sampling(self, **overrides: Any) -> SamplingParams:
        """The run's sampling parameters for the current call, with ``overrides``."""
        ...

    def rollout(self, seeds: Sequence[int], group_size: int = 1, *, policy: Any = None, tag: str = "rollout",
                sampling: SamplingParams | None = None) -> list[Trajectory]:
        """On-policy episodes for the current step (stored, so a resumed step trains on the same ones)."""
        ...
