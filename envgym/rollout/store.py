"""An append-only trajectory store: JSON Lines, flushed and synced after every batch.

A run killed mid-write leaves at most a torn last line, which reading skips; everything
appended before survives. Each trajectory has a key (its group and sample index), so a resumed
run asks ``keys()`` and collects only what is missing: nothing is lost or stored twice.
Read back as ``Trajectory`` objects, or as a Hugging Face ``datasets.Dataset``.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from envgym.types import Cost, Fingerprint, Message, Provenance, Trajectory, Turn, Verdict


def trajectory_key(t: Trajectory) -> str:
    return f"{t.group_id or t.task_id}#{t.sample}"


def to_dict(t: Trajectory) -> dict[str, Any]:
    def verdict(v: Verdict | None):
        if v is None:
            return None
        return {"reward": v.reward, "correct": v.correct, "reason": v.reason,
                "step_rewards": list(v.step_rewards) if v.step_rewards is not None else None,
                "details": _jsonable(v.details)}

    return {
        "key": trajectory_key(t), "env_id": t.env_id, "task_id": t.task_id, "seed": t.seed,
        "messages": [m.to_dict() for m in t.messages],
        "turns": [{"prompt_ids": list(u.prompt_ids), "completion_ids": list(u.completion_ids),
                   "logprobs": list(u.logprobs) if u.logprobs is not None else None, "text": u.text,
                   "reward": u.reward, "verdict": verdict(u.verdict),
                   "env_messages": [m.to_dict() for m in u.env_messages], "finish_reason": u.finish_reason,
                   "cost": _cost(u.cost)}
                  for u in t.turns],
        "reward": t.reward, "correct": t.correct,
        "provenance": _provenance(t.provenance),
        "cost": _cost(t.cost),
        "group_id": t.group_id, "metadata": _jsonable(t.metadata), "sample": t.sample,
    }


def from_dict(d: dict[str, Any]) -> Trajectory:
    def verdict(v):
        if v is None:
            return None
        steps = tuple(v["step_rewards"]) if v["step_rewards"] is not None else None
        return Verdict(v["reward"], v["correct"], v["reason"], steps, v["details"])

    turns = tuple(
        Turn(tuple(u["prompt_ids"]), tuple(u["completion_ids"]),
             tuple(u["logprobs"]) if u["logprobs"] is not None else None, u["text"], u["reward"],
             verdict(u["verdict"]), tuple(Message.from_dict(m) for m in u["env_messages"]), u["finish_reason"],
             Cost(**u.get("cost", {})))
        for u in d["turns"]
    )
    return Trajectory(
        d["env_id"], d["task_id"], d["seed"], tuple(Message.from_dict(m) for m in d["messages"]), turns,
        d["reward"], d["correct"], _read_provenance(d["provenance"]), Cost(**d["cost"]), d["group_id"], d["metadata"],
        d.get("sample", d["metadata"].get("sample", 0)),  # stores written before the field kept it in metadata
    )


def _provenance(p: Provenance) -> dict[str, Any]:
    out = {k: getattr(p, k) for k in Provenance.__dataclass_fields__}
    out["env"] = p.env.to_dict() if p.env is not None else None
    out["verifier"] = p.verifier.to_dict() if p.verifier is not None else None
    return out


def _read_provenance(d: dict[str, Any]) -> Provenance:
    """Stores written before fingerprints were recorded have no ``env``/``verifier``: they read as None."""
    known = {k: v for k, v in d.items() if k in Provenance.__dataclass_fields__}
    known["env"], known["verifier"] = Fingerprint.from_dict(d.get("env")), Fingerprint.from_dict(d.get("verifier"))
    return Provenance(**known)


def _cost(cost: Cost) -> dict[str, Any]:
    return {k: getattr(cost, k) for k in Cost.__dataclass_fields__}


def _jsonable(value: Any) -> Any:
    return json.loads(json.dumps(value, default=str))


class TrajectoryStore:
    """Trajectories in a JSON Lines file at ``path`` (created with its folder if missing)."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)

    def append(self, trajectories: Iterable[Trajectory]) -> int:
        """Write a batch and sync it to disk; return how many were written."""
        lines = [json.dumps(to_dict(t), ensure_ascii=False) + "\n" for t in trajectories]
        if not lines:
            return 0
        with open(self.path, "a", encoding="utf-8") as f:
            if f.tell() > 0 and not self._ends_with_newline():
                f.write("\n")  # seal a line torn by a crash, so it stays one unreadable line
            f.writelines(lines)
            f.flush()
            os.fsync(f.fileno())
        return len(lines)

    def _ends_with_newline(self) -> bool:
        with open(self.path, "rb") as f:
            f.seek(-1, os.SEEK_END)
            return f.read(1) == b"\n"

    def _records(self) -> Iterator[dict[str, Any]]:
        if not self.path.exists():
            return
        with open(self.path, encoding="utf-8") as f:
            for line in f:
                try:
                    yield json.loads(line)
                except json.JSONDecodeError:
                    continue  # a line torn by a crash

    def __iter__(self) -> Iterator[Trajectory]:
        seen: set[str] = set()
        for record in self._records():
            if record["key"] not in seen:
                seen.add(record["key"])
                yield from_dict(record)

    def keys(self) -> set[str]:
        return {record["key"] for record in self._records()}

    def __len__(self) -> int:
        return len(self.keys())

    def to_dataset(self) -> Any:
        """A ``datasets.Dataset`` with one row per trajectory (needs ``envgym[data]``)."""
        try:
            import datasets
        except ImportError as exc:
            raise ImportError("TrajectoryStore.to_dataset needs the datasets package: pip install 'envgym[data]'") from exc
        seen, rows = set(), []
        for record in self._records():
            if record["key"] not in seen:
                seen.add(record["key"])
                rows.append({**record, "turns": json.dumps(record["turns"]), "metadata": json.dumps(record["metadata"])})
        return datasets.Dataset.from_list(rows)
