"""Rollout overheads on the tiny model, side by side in one process.

1. ``hf`` policy against raw ``model.generate`` on the same left-padded batch and sampling
   settings: generated tokens per second (target: the policy within 10% of raw generate; it
   also returns per-token log-probs, which raw generate does not).
2. The collector on envgym/Arithmetic-v0 with the ``hf`` policy: the share of wall time spent
   outside ``policy.generate`` (tokenizing, stepping and verifying; target under 5%).
3. Verification overlapping generation: the collector on an environment whose steps take
   ``--step-ms`` each (a stand-in for a sandbox run): wall time with ``overlap`` on, and with
   overlap and 8 environments stepped at once (``env_threads``), over the sequential collector.

    python bench/rollout.py [--batch 32] [--tokens 128] [--repeats 5]

Prints ``name: value`` lines, ratios first.
"""

from __future__ import annotations

import argparse
import dataclasses
import statistics
import time

import torch

import envgym
from envgym_arithmetic.env import ArithmeticEnv

from envgym.models import build_model, build_tokenizer
from envgym.policy.base import SamplingParams
from envgym.policy.hf import HFPolicy
from envgym.rollout.collector import RolloutConfig, collect


SLOW = "bench/SlowArithmetic-v0"


class SlowArithmetic(ArithmeticEnv):
    """Arithmetic whose every step takes ``step_ms`` (a sandbox run, a remote judge)."""

    def __init__(self, step_ms: float = 20.0, **kwargs):
        super().__init__(**kwargs)
        self.step_ms = step_ms

    def score(self, action):
        time.sleep(self.step_ms / 1000)
        return super().score(action)


class TimedPolicy:
    """Wraps a policy and adds up the time spent in generate."""

    def __init__(self, inner):
        self.inner, self.seconds = inner, 0.0
        self.name, self.version, self.tokenizer = inner.name, inner.version, inner.tokenizer

    def generate(self, prompts, params):
        start = time.perf_counter()
        try:
            return self.inner.generate(prompts, params)
        finally:
            self.seconds += time.perf_counter() - start


def prompts(tokenizer, n: int) -> list[list[int]]:
    return [tokenizer.apply_chat_template([{"role": "user", "content": f"Compute {i} + {2 * i + 7}."}],
                                          add_generation_prompt=True)["input_ids"] for i in range(n)]


def raw_generate(model, tokenizer, batch: list[list[int]], tokens: int, seed: int) -> tuple[int, float]:
    width = max(map(len, batch))
    ids = torch.full((len(batch), width), tokenizer.pad_token_id)
    mask = torch.zeros_like(ids)
    for row, p in enumerate(batch):
        ids[row, width - len(p):] = torch.tensor(p)
        mask[row, width - len(p):] = 1
    torch.manual_seed(seed)
    start = time.perf_counter()
    with torch.inference_mode():
        out = model.generate(input_ids=ids, attention_mask=mask, max_new_tokens=tokens, do_sample=True, top_k=0,
                             pad_token_id=tokenizer.pad_token_id, eos_token_id=tokenizer.eos_token_id)
    seconds = time.perf_counter() - start
    new = out[:, width:]
    return int((new != tokenizer.pad_token_id).sum()), seconds


def policy_generate(policy, batch, tokens: int, seed: int) -> tuple[int, float]:
    start = time.perf_counter()
    out = policy.generate(batch, SamplingParams(max_tokens=tokens, seed=seed))
    seconds = time.perf_counter() - start
    return sum(len(c.token_ids) for group in out for c in group), seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--batch", type=int, default=32)
    parser.add_argument("--tokens", type=int, default=128)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--episodes", type=int, default=64)
    parser.add_argument("--step-ms", type=float, default=20.0, help="time each step of the slow environment takes")
    args = parser.parse_args()
    torch.set_num_threads(max(1, torch.get_num_threads()))

    envgym.register(SLOW, SlowArithmetic)
    tokenizer = build_tokenizer()
    model = build_model(tokenizer, seed=0)
    policy = HFPolicy(model, tokenizer, name="tiny")
    batch = prompts(tokenizer, args.batch)
    raw_generate(model, tokenizer, batch, 4, 0)  # warm-up
    raw_tps, policy_tps = [], []
    for r in range(args.repeats):
        n, s = raw_generate(model, tokenizer, batch, args.tokens, r)
        raw_tps.append(n / s)
        n, s = policy_generate(policy, batch, args.tokens, r)
        policy_tps.append(n / s)

    config = RolloutConfig(group_size=4, sampling=SamplingParams(max_tokens=args.tokens, seed=0), max_context_tokens=512)
    collect("envgym/Arithmetic-v0", policy, seeds=range(2), config=config)  # warm-up: plugin loading, imports
    timed = TimedPolicy(policy)
    start = time.perf_counter()
    trajectories = collect("envgym/Arithmetic-v0", timed, seeds=range(args.episodes // 4), config=config)
    total = time.perf_counter() - start

    overlap = {}
    slow_config = dataclasses.replace(config, sampling=dataclasses.replace(config.sampling, max_tokens=args.tokens // 2))
    for on, threads in [(True, 1), (False, 1), (True, 8)] * 2:
        start = time.perf_counter()
        collect(SLOW, policy, seeds=range(args.episodes // 4), env_kwargs={"step_ms": args.step_ms},
                config=dataclasses.replace(slow_config, overlap=on, env_threads=threads))
        overlap.setdefault((on, threads), []).append(time.perf_counter() - start)
    sequential = min(overlap[False, 1])

    raw, pol = statistics.median(raw_tps), statistics.median(policy_tps)
    print(f"hf_policy_over_raw_generate_tokens_per_s: {pol / raw:.3f}")
    print(f"rollout_non_generation_share: {(total - timed.seconds) / total:.3f}")
    print(f"slow_steps_overlap_over_sequential_seconds: {min(overlap[True, 1]) / sequential:.3f}")
    print(f"slow_steps_overlap_8_threads_over_sequential_seconds: {min(overlap[True, 8]) / sequential:.3f}")
    print(f"raw_generate_tokens_per_s: {raw:.0f}")
    print(f"hf_policy_tokens_per_s: {pol:.0f}")
    print(f"rollout_episodes: {len(trajectories)}")
    print(f"rollout_seconds: {total:.2f}")
    print(f"slow_steps_seconds_sequential: {sequential:.2f}")


if __name__ == "__main__":
    main()
