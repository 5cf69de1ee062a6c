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
from envgym.versions import fingerprints


def gold_traces(env: Any, seeds: Sequence[int], tokenizer: Any, scaffold: Any = None) -> list[Trajectory]:
    """One verified trace per seed from the environment's gold policy (single turn).

    scaffold: a ``Scaffold`` the trace is written for: its opening messages (``prepare``) and its
    way of reaching the gold answer (``demonstration``: tool calls with their real results, for
    ``tool_loop``); the answer the environment judges is the gold one either way.
    """
    env_id = env.spec.id if env.spec is not None else type(env).__name__
    provenance = Provenance("off_policy", source=f"gold:{env_id}" + (f" via {scaffold.name}" if scaffold else ""),
                            **fingerprints(env))
    out = []
    for seed in seeds:
        obs, info = env.reset(seed=seed)
        answer = env.gold_action()
        _, reward, _, _, step_info = env.step(answer)
        verdict = step_info["verdict"]
        if scaffold is None:
            messages = [*obs, {"role": "assistant", "content": answer}]
        else:
            messages = [*scaffold.prepare(obs), *scaffold.demonstration(answer)]
        out.append(from_messages(messages, tokenizer, provenance, env_id=env_id, task_id=info["task_id"], seed=seed,
                                 reward=float(reward), correct=verdict.correct, group_id=f"{env_id}:{seed}"))
    return out


def consolidated(env: Any, trajectories: Sequence[Trajectory], scaffold: Any, tokenizer: Any) -> list[Trajectory]:
    """Scaffolded trajectories as bare ones: the environment's own prompt for each task (reset from
    the trajectory's seed), then one answer that carries what the scaffold worked out
    (``scaffold.bare_answer``: tool calls and results written into the answer). Token targets for
    consolidation: they were not sampled as they stand, so they carry no log-probs."""
    out = []
    for t in trajectories:
        obs, info = env.reset(seed=t.seed)
        if info["task_id"] != t.task_id:
            raise ValueError(f"consolidation: seed {t.seed} gives task {info['task_id']}, not {t.task_id}")
        messages = [*obs, {"role": "assistant", "content": scaffold.bare_answer(t)}]
        out.append(from_messages(messages, tokenizer, t.provenance, env_id=t.env_id, task_id=t.task_id, seed=t.seed,
                                 reward=t.reward, correct=t.correct, group_id=t.group_id))
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


def load_traces(source: str, tokenizer: Any, env_id: str) -> list[Trajectory]:
    """Off-policy traces from a trajectory store (``.jsonl`` written by envgym) or a dataset.

    A dataset is a folder saved with ``datasets.save_to_disk`` or a JSON Lines / Parquet file
    whose rows have ``messages`` (chat messages, assistant answers included) and optionally
    ``correct`` (default True) and ``task_id`` (default: the row number).
    """
    from pathlib import Path

    from envgym.rollout.store import TrajectoryStore

    path = Path(source)
    if not path.exists():
        raise FileNotFoundError(f"traces: {source} does not exist (a trajectory store or a dataset)")
    if path.suffix == ".jsonl" and _is_store(path):
        return [retokenize(t, tokenizer, Provenance("off_policy", source=source)) for t in TrajectoryStore(path)]
    import datasets

    if path.is_dir():
        rows = datasets.load_from_disk(str(path))
    else:
        kind = {".jsonl": "json", ".json": "json", ".parquet": "parquet"}.get(path.suffix)
        if kind is None:
            raise ValueError(f"traces: {source}: expected a .jsonl, .json or .parquet file or a saved dataset folder")
        rows = datasets.load_dataset(kind, data_files=str(path), split="train")
    if "messages" not in rows.column_names:
        raise ValueError(f"traces: {source} has columns {rows.column_names}; a 'messages' column (chat messages) is needed")
    provenance = Provenance("off_policy", source=source)
    out = []
    for i, row in enumerate(rows):
        correct = bool(row.get("correct", True))
        task_id = str(row.get("task_id") or i)
        out.append(from_messages(row["messages"], tokenizer, provenance, env_id=env_id, task_id=task_id, seed=None,
                                 reward=float(correct), correct=correct, group_id=f"{source}:{task_id}"))
    return out


def _is_store(path: Any) -> bool:
    import json

    with open(path, encoding="utf-8") as f:
        first = f.readline()
    try:
        return "turns" in json.loads(first)
    except json.JSONDecodeError:
        return False
