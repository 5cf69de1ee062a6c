"""A verifiers environment's own scoring as an envgym verifier that never raises and never hangs.

``verify(reply, episode)`` plays ``reply`` as the next move of ``episode`` (a ``Replay``: the task,
the moves so far and what each answered) by replaying the whole episode through verifiers
(``envgym_verifiers.replay``). The verdict is the episode's when it ends there: its reward is the
sum of the played seat's weighted rewards as verifiers computed them (the task's ``@vf.reward``
functions, sync or async, and rewards the environment records itself), correct at ``solved_at``
or above. When the environment answers instead, the verdict is 0 for now and carries the next
model call's messages (``details["prompt"]``). A failed episode (a reward function that raised, a
harness error) or a replay that diverged is 0 with the reason.

Reward functions are arbitrary Python, sync or async, so the bound is ``"process"``: envgym's
``Guarded`` runs ``verify`` in its worker process and kills it after ``timeout_s`` (a reward stuck
in a C call or an endless loop included). The worker imports verifiers and loads the taskset on
its first call (about 4 s here), which the bound covers; later calls reuse both.
"""

from __future__ import annotations

import dataclasses
from typing import ClassVar

from envgym import Verdict
from envgym_verifiers.replay import Outcome, Replay, replay


def outcome_verdict(outcome: Outcome, solved_at: float = 1.0) -> Verdict:
    """The verdict on a move from where its replay stopped.

    >>> outcome_verdict(Outcome(reward=1.0, rewards={"exact": 1.0})).reason
    'solved: verifiers rewards exact=1'
    >>> outcome_verdict(Outcome(prompt=(("user", "higher"),))).details["prompt"]
    (('user', 'higher'),)
    >>> outcome_verdict(Outcome(error="the verifiers episode failed: TaskError: boom")).reward
    0.0
    """
    if outcome.error is not None:
        return Verdict.fail(outcome.error, model_calls=outcome.calls)
    if outcome.prompt is not None:
        return Verdict(0.0, False, "the environment answered; the episode goes on", None, {"prompt": outcome.prompt})
    named = ", ".join(f"{name}={value:g}" for name, value in outcome.rewards.items()) or "none"
    correct = outcome.reward >= solved_at
    return Verdict(float(outcome.reward), correct, f"{'solved' if correct else 'not solved'}: verifiers rewards {named}",
                   None, {"rewards": dict(outcome.rewards)})


class VerifiersRubric:
    """Scores a move by replaying its episode through the verifiers environment (see the module docstring).

    solved_at: the episode reward at which the verdict is correct.
    """

    name: ClassVar[str] = "verifiers"
    bound: ClassVar[str] = "process"

    def __init__(self, solved_at: float = 1.0) -> None:
        self.solved_at = solved_at

    def verify(self, completion: str, episode: Replay) -> Verdict:
        return outcome_verdict(replay(dataclasses.replace(episode, moves=(*episode.moves, completion))), self.solved_at)

    def __repr__(self) -> str:
        return f"VerifiersRubric(solved_at={self.solved_at})"
