"""Off-policy traces as trajectories: the environment's gold solutions, and stored or external text.

External traces are text; the learner's tokenizer turns them into tokens the way a rollout would
(the chat template for the conversation, the answer's tokens and an end-of-turn token for each
assistant message), so they train exactly like sampled ones. They carry no sampling log-probs.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from envgym.policy.base import Completion
from envgym.rollout.chat import TokenConversation
from envgym.types import Message, Provenance, Trajectory, Turn


def gold_traces(env: Any, seeds: Sequence[int], tokenizer: Any) -> list[Trajectory]:
    """One verified trace per seed from the environment's gold policy (single turn)."""
    env_id = env.spec.id if env.spec is not None else type(env).__name__
    provenance = Provenance("off_policy", source=f"gold:{env_id}")
    out = []
    for seed in seeds:
        obs, info = env.reset(seed=seed)
        answer = env.gold_action()
        _, reward, _, _, step_info = env.step(answer)
        verdict = step_info["verdict"]
        messages = [*obs, {"role": "assistant", "content": answer}]
        out.append(from_messages(messages, tokenizer, provenance, env_id=env_id, task_id=info["task_id"], seed=seed,
                                 reward=float(reward), correct=verdict.correct, group_id=f"{env_id}:{seed}"))
    return out


def from_messages(messages: Sequence[dict], tokenizer: Any, provenance: Provenance, *, env_id: str, task_id: str,
                  seed: int | None, reward: float, correct: bool, group_id: str | None = None) -> Trajectory:
    """A trajectory from a conversation's text: every assistant message becomes a turn."""
    first = next((i for i, m in enumerate(messages) if m["role"] == "assistant"), None)
    if first is None:
        raise ValueError(f"trace {task_id}: no assistant message to train on")
    conv = TokenConversation(tokenizer, messages[:first])
    turns, pending = [], list(messages[first:])
    while pending:
        answer = pending.pop(0)
        replies = []
        while pending and pending[0]["role"] != "assistant":
            replies.append(pending.pop(0))
        ids = tokenizer.encode(answer["content"], add_special_tokens=False) + [tokenizer.eos_token_id]
        prompt = tuple(conv.ids)
        conv.add_completion(Completion(tuple(ids), None, answer["content"], "stop"))
        if replies:
            conv.add_messages(replies)
        last = not pending
        turns.append(Turn(prompt, tuple(ids), None, answer["content"], reward if last else 0.0,
                          env_messages=tuple(Message.from_dict(m) for m in replies)))
    return Trajectory(env_id, task_id, seed, tuple(Message.from_dict(m) for m in conv.messages), tuple(turns),
                      reward, correct, provenance, group_id=group_id or f"{env_id}:{task_id}")


def retokenize(trajectory: Trajectory, tokenizer: Any, provenance: Provenance | None = None) -> Trajectory:
    """A stored or external trajectory re-encoded from its text with ``tokenizer`` (off-policy use)."""
    return from_messages([m.to_dict() for m in trajectory.messages], tokenizer, provenance or trajectory.provenance,
                         env_id=trajectory.env_id, task_id=trajectory.task_id, seed=trajectory.seed,
                         reward=trajectory.reward, correct=trajectory.correct, group_id=trajectory.group_id)
