"""Data-parallel training over processes on torch.distributed: ranks, collectives, FSDP2 and DDP.

A run launched by ``torchrun --nproc-per-node N`` (or ``envgym train --nproc N``) finds its rank
and world in the environment torchrun sets; ``init`` joins the process group (NCCL on CUDA,
gloo on the CPU). Without torchrun the group is one rank and every collective here is a no-op,
so the trainer is written once for both.

How the trainer divides a step (``envgym.learn.trainer``):

- every rank holds the same model at the start (rank 0's weights are broadcast);
- a step's episodes are split over the ranks (``shard``); each collects its own share with its
  own copy of the rollout engine, and the trajectories are gathered back on every rank
  (``gather``), so every rank forms the same samples;
- the samples are split again for the update; each rank back-propagates its share, weighted by
  its share of the whole batch's normaliser, and the gradients are summed over the ranks (DDP's
  all-reduce, or FSDP's reduce-scatter), so the step is the one a single process would take;
- rank 0 alone writes metrics, checkpoints and the trajectory store, and evaluates.

Episodes are seeded by their own task, sample and turn (``RolloutConfig.episode_seeds``), so the
split does not change what is sampled: N ranks train on the trajectories one process would.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal, TypeVar

import torch

T = TypeVar("T")
Parallel = Literal["fsdp", "ddp"]


@dataclass(frozen=True)
class Group:
    """This process's place in the run: ``rank`` of ``world``, and its device index on its machine."""

    rank: int = 0
    world: int = 1
    local_rank: int = 0

    @property
    def main(self) -> bool:
        """Rank 0: the one that writes files and evaluates."""
        return self.rank == 0

    @property
    def distributed(self) -> bool:
        return self.world > 1


SINGLE = Group()


def launched() -> bool:
    """Whether this process was started by torchrun (or another launcher that sets ``WORLD_SIZE``)."""
    return int(os.environ.get("WORLD_SIZE", "1")) > 1


def init(device: str) -> Group:
    """Join the process group torchrun describes (once); a single process gets ``SINGLE``."""
    if not launched():
        return SINGLE
    import torch.distributed as dist

    local_rank = int(os.environ.get("LOCAL_RANK", "0"))
    if not dist.is_initialized():
        backend = "nccl" if device == "cuda" else "gloo"
        if device == "cuda":
            torch.cuda.set_device(local_rank)
        dist.init_process_group(backend)
    return Group(dist.get_rank(), dist.get_world_size(), local_rank)


def device_for(device: str, group: Group) -> str:
    """The device string of this rank: ``cuda:<local rank>`` on GPUs, ``cpu`` otherwise."""
    return f"cuda:{group.local_rank}" if device == "cuda" and group.distributed else device


def shard(items: Sequence[T], group: Group) -> list[T]:
    """This rank's share of ``items``: every ``world``-th item from its rank.

    >>> [shard(range(7), Group(r, 3)) for r in range(3)]
    [[0, 3, 6], [1, 4], [2, 5]]
    """
    return list(items[group.rank :: group.world])


def gather(obj: T, group: Group) -> list[T]:
    """Every rank's ``obj`` (picklable), on every rank, in rank order."""
    if not group.distributed:
        return [obj]
    import torch.distributed as dist

    parts: list[Any] = [None] * group.world
    dist.all_gather_object(parts, obj)
    return parts


def broadcast(obj: T, group: Group) -> T:
    """Rank 0's ``obj`` (picklable), on every rank."""
    if not group.distributed:
        return obj
    import torch.distributed as dist

    box = [obj if group.main else None]
    dist.broadcast_object_list(box, src=0)
    return box[0]


def most(value: int, group: Group, device: str = "cpu") -> int:
    """The largest ``value`` over the ranks."""
    if not group.distributed:
        return value
    import torch.distributed as dist

    t = torch.tensor([value], device=device)
    dist.all_reduce(t, op=dist.ReduceOp.MAX)
    return int(t.item())


def barrier(group: Group) -> None:
    if group.distributed:
        import torch.distributed as dist

        dist.barrier()


def close(group: Group) -> None:
    """Leave the process group (at the end of a run)."""
    if group.distributed:
        import torch.distributed as dist

        if dist.is_initialized():
            dist.barrier()
            dist.destroy_process_group()


def sync_parameters(model: torch.nn.Module, group: Group) -> None:
    """Make every rank's weights rank 0's (before the model is wrapped)."""
    if not group.distributed:
        return
    import torch.distributed as dist

    with torch.no_grad():
        for tensor in [*model.parameters(), *model.buffers()]:
            dist.broadcast(tensor.data, src=0)


def wrap(model: torch.nn.Module, group: Group, parallel: Parallel, device: str) -> torch.nn.Module:
    """The model ready for data-parallel training.

    fsdp: FSDP2's ``fully_shard`` on each decoder layer and then the whole model: parameters,
        gradients and optimizer state are sharded over the ranks and gathered a layer at a time.
        The module stays itself (its class is swapped for an FSDP subclass), so the trainer keeps
        calling it as before.
    ddp: ``DistributedDataParallel``: a whole copy per rank, gradients all-reduced.
    """
    if not group.distributed:
        return model
    if parallel == "ddp":
        from torch.nn.parallel import DistributedDataParallel

        ids = [group.local_rank] if device.startswith("cuda") else None
        return DistributedDataParallel(model, device_ids=ids, broadcast_buffers=False)
    from torch.distributed.fsdp import fully_shard

    for layer in decoder_layers(model):
        fully_shard(layer)
    fully_shard(model)
    return model


def decoder_layers(model: torch.nn.Module) -> list[torch.nn.Module]:
    """The repeated blocks of a transformers causal LM (``model.model.layers`` and its kin), or []."""
    for module in model.modules():
        layers = getattr(module, "layers", None) or getattr(module, "h", None)
        if isinstance(layers, torch.nn.ModuleList) and len(layers):
            return list(layers)
    return []


def unwrapped(model: torch.nn.Module) -> torch.nn.Module:
    """The module under a DDP wrapper (FSDP2 modules are their own)."""
    return model.module if hasattr(model, "module") and type(model).__name__ == "DistributedDataParallel" else model


def is_sharded(model: torch.nn.Module) -> bool:
    """Whether FSDP2 shards the model's parameters (each is a ``DTensor``)."""
    return any(type(p).__name__ == "DTensor" for p in model.parameters())


def full_state_dict(model: torch.nn.Module) -> dict[str, torch.Tensor]:
    """The whole, unsharded state dict on every rank (a collective under FSDP: every rank calls it)."""
    model = unwrapped(model)
    if not is_sharded(model):
        return {k: v.detach() for k, v in model.state_dict().items()}
    return {k: (v.full_tensor() if type(v).__name__ == "DTensor" else v).detach() for k, v in model.state_dict().items()}
