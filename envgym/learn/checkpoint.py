"""Checkpoints: writing them atomically, resuming from them, and exporting standalone models.

``checkpoint/`` is a plain Hugging Face model directory (config, safetensors, tokenizer) that loads
without envgym, plus ``trainer.pt``: the optimizer (a full, unsharded state under FSDP), the
learning-rate schedule, the step, RNG states, the policy version and the learner's own state. It
is written to ``checkpoint.tmp`` and renamed over the old one, so a run killed at any moment
leaves a whole checkpoint behind; ``resume`` reads it (or ``checkpoint.old`` if the kill fell
between the two renames). Under data parallelism every rank takes part in gathering the
optimizer state, then rank 0 alone writes.
"""

from __future__ import annotations

import os
import random
import shutil
from pathlib import Path
from typing import Any

import numpy as np
import torch

from envgym.errors import CheckpointError
from envgym.learn import distributed


def save(trainer: Any) -> Path:
    """Write ``checkpoint/`` atomically: a temporary folder renamed over the old one."""
    trainer._flush_rollouts()
    optimizer = optimizer_state(trainer)  # a collective under FSDP: before rank 0 goes its own way
    final, tmp, old = trainer.out / "checkpoint", trainer.out / "checkpoint.tmp", trainer.out / "checkpoint.old"
    if not trainer.group.main:
        distributed.barrier(trainer.group)  # until rank 0 has written it
        return final
    trainer._logger.sync()
    shutil.rmtree(tmp, ignore_errors=True)
    export_model(trainer.full_model, trainer.tokenizer, tmp)  # under FSDP, the whole copy the last push filled
    state = {
        "step": trainer.step, "optimizer": optimizer, "optimizer_layout": "sharded" if trainer.sharded else "plain",
        "scheduler": trainer.scheduler.state_dict(),
        "trainable": {k: v for k, v in trainer.model.state_dict().items()} if trainer.config.lora_rank else None,
        "policy_version": trainer.policy.version, "learner": trainer.learner.state_dict(),
        "sampler": trainer.sampler.state_dict(),
        "first_length": trainer._first_length,
        "rng": {"torch": torch.get_rng_state(), "python": random.getstate(), "numpy": np.random.get_state()},
    }
    torch.save(state, tmp / "trainer.pt")
    fsync_dir(tmp)
    if final.exists():
        shutil.rmtree(old, ignore_errors=True)
        final.rename(old)
    tmp.rename(final)
    shutil.rmtree(old, ignore_errors=True)
    distributed.barrier(trainer.group)
    return final


def optimizer_state(trainer: Any) -> dict[str, Any]:
    if not trainer.sharded:
        return trainer.optimizer.state_dict()
    from torch.distributed.checkpoint.state_dict import StateDictOptions, get_optimizer_state_dict

    return get_optimizer_state_dict(trainer.model, trainer.optimizer, options=StateDictOptions(full_state_dict=True))


def resume(trainer: Any) -> None:
    final, old = trainer.out / "checkpoint", trainer.out / "checkpoint.old"
    source = final if (final / "trainer.pt").exists() else old if (old / "trainer.pt").exists() else None
    if source is None:
        trainer._logger.truncate(0)
        return
    state = torch.load(source / "trainer.pt", weights_only=False)
    layout = state.get("optimizer_layout", "plain")
    if layout != ("sharded" if trainer.sharded else "plain"):
        raise CheckpointError(f"checkpoint {source} was written by a run {'with' if layout == 'sharded' else 'without'} "
                           f"FSDP; resume it the same way (parallel='fsdp' under torchrun, or not)")
    if state["trainable"] is not None:
        trainer.model.load_state_dict(state["trainable"])
    else:
        from safetensors.torch import load_file

        weights = load_file(source / "model.safetensors", device=str(trainer.device))
        target = trainer._full if trainer.sharded else trainer.model
        missing, unexpected = target.load_state_dict(weights, strict=False)
        if unexpected or [k for k in missing if "lm_head" not in k]:
            raise CheckpointError(f"checkpoint {source} does not fit the model: missing {missing[:3]}, unexpected {unexpected[:3]}")
        if trainer.sharded:
            from torch.distributed.checkpoint.state_dict import StateDictOptions, set_model_state_dict

            set_model_state_dict(trainer.model, trainer._full.state_dict(), options=StateDictOptions(full_state_dict=True))
    if trainer.sharded:
        from torch.distributed.checkpoint.state_dict import StateDictOptions, set_optimizer_state_dict

        set_optimizer_state_dict(trainer.model, trainer.optimizer, state["optimizer"], options=StateDictOptions(full_state_dict=True))
    else:
        trainer.optimizer.load_state_dict(state["optimizer"])
    trainer.scheduler.load_state_dict(state["scheduler"])
    torch.set_rng_state(state["rng"]["torch"])
    random.setstate(state["rng"]["python"])
    np.random.set_state(state["rng"]["numpy"])
    trainer.learner.load_state_dict(state["learner"])
    trainer.sampler.load_state_dict(state.get("sampler", {}))  # absent in checkpoints from before samplers
    trainer._first_length = state.get("first_length")
    trainer.step = state["step"]
    trainer.push_weights()
    trainer.policy.version = state["policy_version"]
    trainer._logger.truncate(trainer.step)


def export_model(model: Any, tokenizer: Any, path: Path) -> Path:
    """A standalone Hugging Face directory (LoRA merged in), loadable without envgym."""
    path = Path(path)
    path.mkdir(parents=True, exist_ok=True)
    if hasattr(model, "merge_and_unload"):
        import copy

        model = copy.deepcopy(model).merge_and_unload()
    model.save_pretrained(path, safe_serialization=True)
    tokenizer.save_pretrained(path)
    return path


def plain_state_dict(model: Any) -> dict[str, Any]:
    if hasattr(model, "merge_and_unload"):
        import copy

        model = copy.deepcopy(model).merge_and_unload()
    return {k: v.detach() for k, v in model.state_dict().items()}


def fsync_dir(path: Path) -> None:
    for f in path.iterdir():
        with open(f, "rb") as handle:
            os.fsync(handle.fileno())
