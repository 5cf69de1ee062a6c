"""A training run's logs: metrics.jsonl and trained.jsonl, plus TensorBoard / W&B when asked.

Lines are appended as steps finish and made durable at each checkpoint; on resume, lines of steps
after the checkpoint (written by a run that was then killed) are dropped, so each step appears once.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any


class RunLog:
    """metrics.jsonl and trained.jsonl (plus TensorBoard / W&B when asked), cut back on resume."""

    def __init__(self, out: Path, config: Any, enabled: bool = True) -> None:
        self.out, self.config, self.enabled = out, config, enabled  # data parallel: rank 0 alone writes
        self._tb = self._wandb = None

    def truncate(self, step: int) -> None:
        """Drop lines of steps after ``step`` (logged after the last checkpoint by a killed run)."""
        if not self.enabled:
            return
        self.out.mkdir(parents=True, exist_ok=True)
        for name in ("metrics.jsonl", "trained.jsonl"):
            path = self.out / name
            if path.exists():
                keep = []
                for line in path.read_text().splitlines():
                    try:
                        if step > 0 and json.loads(line)["step"] <= step:  # a fresh run (step 0) keeps nothing
                            keep.append(line)
                    except (json.JSONDecodeError, KeyError):
                        continue
                path.write_text("".join(k + "\n" for k in keep))
        if step == 0:
            shutil.rmtree(self.out / "rollouts", ignore_errors=True)

    def log(self, metrics: Mapping[str, Any], trained: Sequence[str] | None = None,
            tasks: Sequence[str] | None = None) -> None:
        """A step's metrics; ``trained``: the keys of the trajectories it trained on, ``tasks``: their tasks."""
        if not self.enabled:
            return
        self._append("metrics.jsonl", dict(metrics))
        if trained is not None:
            self._append("trained.jsonl", {"step": metrics["step"], "keys": list(trained), "tasks": list(tasks or ())})
        numbers = {k: v for k, v in metrics.items() if isinstance(v, (int, float)) and k != "step"}
        if self.config.tensorboard:
            if self._tb is None:
                try:
                    from torch.utils.tensorboard import SummaryWriter
                except ImportError as exc:
                    raise ImportError("TrainConfig.tensorboard needs tensorboard: pip install tensorboard") from exc
                self._tb = SummaryWriter(str(self.out / "tensorboard"))
            for k, v in numbers.items():
                self._tb.add_scalar(k, v, metrics["step"])
        if self.config.wandb_project:
            if self._wandb is None:
                try:
                    import wandb
                except ImportError as exc:
                    raise ImportError("TrainConfig.wandb_project needs wandb: pip install wandb") from exc
                self._wandb = wandb.init(project=self.config.wandb_project, dir=str(self.out), resume="allow")
            self._wandb.log(numbers, step=metrics["step"])

    def _append(self, name: str, record: Mapping[str, Any]) -> None:
        self.out.mkdir(parents=True, exist_ok=True)
        with open(self.out / name, "a") as f:
            f.write(json.dumps(record, default=float) + "\n")

    def sync(self) -> None:
        """Make the logs durable (at each checkpoint: lines after it are dropped on resume anyway)."""
        for name in ("metrics.jsonl", "trained.jsonl"):
            if (self.out / name).exists():
                with open(self.out / name, "rb") as f:
                    os.fsync(f.fileno())

    def close(self) -> None:
        if self._tb is not None:
            self._tb.close()
            self._tb = None
        if self._wandb is not None:
            self._wandb.finish()
            self._wandb = None
