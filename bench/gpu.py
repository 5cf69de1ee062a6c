"""envgym's training path on a GPU, against plain transformers and plain torch, in one process.

1. Decoding: the ``hf`` policy (fixed-shape decode, CUDA graphs, bf16) against raw
   ``model.generate`` on the same left-padded batch (256 prompts x 64 new tokens by default),
   tokens per second; and the policy's share of the memory-bandwidth bound (every decode step
   reads all weights once: batch / (weight bytes / peak bandwidth) tokens per second).
   Target: at least 10x the issue's measured 18.9k tokens/s on one H200.
2. An RLVR step (64 prompts x 8 samples) through ``Trainer``: the share of its time spent
   generating. Target: at most 0.4.
3. The update: ``Trainer.update`` on that step's samples against a plain torch step (bf16
   autocast forward, cross-entropy on the same completion tokens, backward, fused AdamW) over the
   same sequences in the same micro-batches; and the update's model FLOP utilisation
   (6 x parameters x tokens / time / peak bf16 FLOP/s). Target: update at most 1.3x plain.
4. Learning: a ~270M Qwen2 built from config (envgym's vocabulary) trained by SFT then RLVR on
   Arithmetic-v0 difficulty 2; held-out greedy pass@1 before, after SFT and after RLVR, with
   Wilson intervals. The SFT steps stop early when ``--budget-s`` runs out.

    python bench/gpu.py                # one GPU, the sizes above (about 8 minutes on an H200)
    python bench/gpu.py --small        # the tiny model on the CPU, a smoke test (the test suite runs it)

Prints ``name: value`` lines, ratios first. Peak figures are looked up by GPU name (H100, H200,
A100); on other devices the bound-relative lines print ``n/a``.
"""

from __future__ import annotations

import argparse
import dataclasses
import math
import tempfile
import time

import torch

# Peak HBM bandwidth (bytes/s) and dense bf16 tensor FLOP/s, from the vendors' datasheets (SXM parts).
PEAKS = {"H200": (4.8e12, 989e12), "H100": (3.35e12, 989e12), "A100": (2.0e12, 312e12)}
ENV = "envgym/Arithmetic-v0"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", action="store_true", help="the tiny model on the CPU, small sizes (a smoke test)")
    parser.add_argument("--batch", type=int, default=256, help="prompts decoded at once in part 1")
    parser.add_argument("--tokens", type=int, default=64, help="new tokens per prompt")
    parser.add_argument("--sft-steps", type=int, default=300)
    parser.add_argument("--rlvr-steps", type=int, default=8)
    parser.add_argument("--budget-s", type=float, default=330.0, help="the most seconds the SFT steps may take")
    args = parser.parse_args()
    if args.small:
        args.batch, args.tokens, args.sft_steps, args.rlvr_steps, args.budget_s = 16, 16, 3, 2, 60.0
    device = "cuda" if torch.cuda.is_available() and not args.small else "cpu"
    ratios, absolute = run(args, device)
    for name, value in [*ratios, *absolute]:
        print(f"{name}: {value if isinstance(value, str) else format(value, '.4g')}")


def run(args: argparse.Namespace, device: str) -> tuple[list, list]:
    from envgym.models import build_model, build_tokenizer

    tokenizer = build_tokenizer()
    size = dict(hidden_size=128, layers=2, heads=2, intermediate_size=256) if args.small else \
        dict(hidden_size=1024, layers=21, heads=16, intermediate_size=2816)
    model = build_model(tokenizer, seed=0, **size).to(device)
    params = sum(p.numel() for p in model.parameters())
    bandwidth, flops = peaks(device)
    ratios: list[tuple[str, object]] = []
    absolute: list[tuple[str, object]] = [("device", torch.cuda.get_device_name() if device == "cuda" else "cpu"),
                                          ("parameters", params)]

    # 1. decoding
    dtype = torch.bfloat16 if device == "cuda" else torch.float32
    prompts = arithmetic_prompts(tokenizer, args.batch)
    gen_model = build_model(tokenizer, seed=0, **size).to(device=device, dtype=dtype)
    policy_tps = decode_policy(gen_model, tokenizer, prompts, args.tokens, device)
    raw_tps = decode_generate(gen_model, tokenizer, prompts, args.tokens, device)
    ratios.append(("hf_policy_over_generate", policy_tps / raw_tps))
    weight_bytes = sum(p.numel() * p.element_size() for p in gen_model.parameters())
    bound = args.batch / (weight_bytes / bandwidth) if bandwidth else None
    ratios.append(("share_of_bandwidth_bound", policy_tps / bound if bound else "n/a"))
    absolute += [("hf_policy_tokens_per_s", policy_tps), ("generate_tokens_per_s", raw_tps),
                 ("bandwidth_bound_tokens_per_s", bound or "n/a")]
    del gen_model

    # 4, with 2 and 3 measured on the way: SFT, then RLVR steps (timed), then the update against plain torch
    learned, timing = learn(model, tokenizer, device, args, params, flops)
    return ratios + timing, absolute + learned


def peaks(device: str) -> tuple[float | None, float | None]:
    if device != "cuda":
        return None, None
    name = torch.cuda.get_device_name()
    return next((peak for key, peak in PEAKS.items() if key in name), (None, None))


def arithmetic_prompts(tokenizer, count: int) -> list[list[int]]:
    import envgym

    env = envgym.make(ENV, difficulty=2)
    prompts = []
    for seed in range(count):
        observation, _ = env.reset(seed=seed)
        prompts.append(list(tokenizer.apply_chat_template(observation, add_generation_prompt=True)["input_ids"]))
    return prompts


def synced(device: str) -> float:
    if device == "cuda":
        torch.cuda.synchronize()
    return time.perf_counter()


def timed(fn, device: str, repeats: int = 3) -> float:
    """The fastest of ``repeats`` runs after one warm-up, in seconds."""
    fn()
    best = math.inf
    for _ in range(repeats):
        start = synced(device)
        fn()
        best = min(best, synced(device) - start)
    return best


def decode_policy(model, tokenizer, prompts, tokens: int, device: str) -> float:
    from envgym.policy.base import SamplingParams
    from envgym.policy.hf import HFPolicy

    policy = HFPolicy(model, tokenizer, device=device, batch_size=len(prompts))
    params = SamplingParams(temperature=1.0, max_tokens=tokens, seed=0)
    count = [0]

    def go():
        out = policy.generate(prompts, params)
        count[0] = sum(len(g[0].token_ids) for g in out)

    seconds = timed(go, device)
    return count[0] / seconds


def decode_generate(model, tokenizer, prompts, tokens: int, device: str) -> float:
    width = max(len(p) for p in prompts)
    ids = torch.full((len(prompts), width), tokenizer.pad_token_id, dtype=torch.long)
    mask = torch.zeros_like(ids)
    for row, p in enumerate(prompts):
        ids[row, width - len(p):] = torch.tensor(p)
        mask[row, width - len(p):] = 1
    ids, mask = ids.to(device), mask.to(device)
    count = [0]

    def go():
        with torch.inference_mode():
            out = model.generate(input_ids=ids, attention_mask=mask, do_sample=True, top_k=0, max_new_tokens=tokens,
                                 pad_token_id=tokenizer.pad_token_id)
        new = out[:, width:]
        count[0] = int((new != tokenizer.pad_token_id).sum())

    seconds = timed(go, device)
    return count[0] / seconds


def plain_step(model, samples, micro: int, pad_id: int, device: str) -> None:
    """Cross-entropy on the samples' masked tokens, bf16 autocast on a GPU, then fused AdamW: no envgym."""
    optimizer = getattr(plain_step, "optimizer", None)
    if optimizer is None or optimizer.param_groups[0]["params"][0] is not next(model.parameters()):
        optimizer = plain_step.optimizer = torch.optim.AdamW(model.parameters(), lr=1e-6, fused=True)
    model.train()
    total = sum(sum(s.mask) for s in samples)
    for start in range(0, len(samples), micro):
        chunk = samples[start:start + micro]
        width = max(len(s.ids) for s in chunk)
        ids = torch.full((len(chunk), width), pad_id, dtype=torch.long)
        weights = torch.zeros((len(chunk), width))
        attention = torch.zeros((len(chunk), width), dtype=torch.long)
        for row, s in enumerate(chunk):
            ids[row, :len(s.ids)] = torch.tensor(s.ids)
            weights[row, :len(s.ids)] = torch.tensor(s.mask, dtype=torch.float)
            attention[row, :len(s.ids)] = 1
        ids, weights, attention = ids.to(device), weights.to(device), attention.to(device)
        with torch.autocast("cuda" if device == "cuda" else "cpu", dtype=torch.bfloat16, enabled=device == "cuda"):
            logits = model(input_ids=ids, attention_mask=attention).logits[:, :-1]
        loss = torch.nn.functional.cross_entropy(logits.float().transpose(1, 2), ids[:, 1:], reduction="none")
        ((loss * weights[:, 1:]).sum() / total).backward()
    optimizer.step()
    optimizer.zero_grad(set_to_none=True)


def make_trainer(model, tokenizer, out: str, device: str, args, *, learner: str, steps: int = 1000, lr: float = 1e-5,
                 learner_config=None):
    from envgym.learn.learners import RLVRConfig
    from envgym.learn.trainer import TrainConfig, Trainer

    small = args.small
    config = TrainConfig(
        env=ENV, env_kwargs={"difficulty": 2}, learner=learner, steps=steps, lr=lr, output_dir=out,
        learner_config=learner_config or RLVRConfig(prompts_per_step=4 if small else 64, group_size=4 if small else 8),
        max_tokens=args.tokens, max_context_tokens=512, micro_batch=64, micro_batch_tokens=0 if small else 64 * 160,
        precision="bf16" if device == "cuda" else "fp32", eval_tasks=20 if small else 200, progress=False,
        checkpoint_every=10**6, device=device,
    )
    return Trainer(config, model=model, tokenizer=tokenizer)


def learn(model, tokenizer, device: str, args, params: int, flops: float | None) -> tuple[list, list]:
    from envgym.learn.learners import RLVRConfig, SFTConfig
    from envgym.learn.sequences import sample
    from envgym.stats import wilson

    lines: list[tuple[str, object]] = []
    ratios: list[tuple[str, object]] = []
    small = args.small
    with tempfile.TemporaryDirectory() as out:
        sft = make_trainer(model, tokenizer, out + "/sft", device, args, learner="sft", lr=3e-3 if small else 1e-3,
                           steps=args.sft_steps, learner_config=SFTConfig(examples_per_step=16 if small else 256))
        tasks = sft.config.eval_tasks
        before = sft.evaluate()["eval_pass@1"]
        start = time.perf_counter()
        while sft.step < args.sft_steps and time.perf_counter() - start < args.budget_s:
            sft.train_step()
        sft_seconds, sft_steps = time.perf_counter() - start, sft.step
        after_sft = sft.evaluate()["eval_pass@1"]
        sft.close()

        group = 4 if small else 8
        rlvr = make_trainer(model, tokenizer, out + "/rlvr", device, args, learner="rlvr", lr=1e-4 if small else 2e-6,
                            steps=args.rlvr_steps, learner_config=RLVRConfig(prompts_per_step=4 if small else 64, group_size=group))
        steps = [rlvr.train_step() for _ in range(args.rlvr_steps)]
        after_rlvr = rlvr.evaluate()["eval_pass@1"]
        timed_steps = steps[1:] or steps  # the first step also captures graphs and grows the allocator
        generating = sum(m["rollout_seconds"] for m in timed_steps) / sum(m["seconds"] for m in timed_steps)
        ratios.append(("generation_share_of_rlvr_step", generating))
        lines += [("rlvr_step_s", sum(m["seconds"] for m in timed_steps) / len(timed_steps))]

        # The update on one step's rollouts (every one weighted, so none is dropped) against plain torch.
        trajectories = rlvr.rollout(rlvr.task_seeds(10**6, 4 if small else 64), group)
        samples = [sample(t, advantage=1.0) for t in trajectories]
        update_s = timed(lambda: rlvr.update(samples), device)
        plain_s = timed(lambda: plain_step(model, samples, rlvr.config.micro_batch, tokenizer.pad_token_id, device), device)
        tokens = sum(len(s.ids) for s in samples)
        ratios.append(("update_over_plain_torch", update_s / plain_s))
        ratios.append(("update_mfu", 6 * params * tokens / update_s / flops if flops else "n/a"))
        lines += [("update_s", update_s), ("plain_torch_step_s", plain_s), ("update_sequences", len(samples)),
                  ("update_tokens", tokens)]
        rlvr.close()
    for name, value in (("pass@1_before", before), ("pass@1_after_sft", after_sft), ("pass@1_after_rlvr", after_rlvr)):
        interval = wilson(round(value * tasks), tasks)
        lines.append((name, f"{value:.3f} [{interval.low:.3f}, {interval.high:.3f}]"))
    lines += [("heldout_tasks", tasks), ("sft_steps", sft_steps), ("sft_seconds", sft_seconds),
              ("rlvr_steps", args.rlvr_steps)]
    return lines, ratios


if __name__ == "__main__":
    main()
