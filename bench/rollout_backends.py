"""Rollout throughput of the ``vllm`` policy against the ``hf`` policy on the same model and prompts.

Builds the tiny local model (envgym.models.save_tiny), renders P chat prompts, and times one warm
``generate`` of each backend on the whole batch: n samples per prompt at temperature 1, up to T
new tokens each, the same seed. Throughput is generated tokens (end-of-turn tokens included) per
second of wall clock; the engines' start-up is reported apart and not counted. Needs vLLM.

    python bench/rollout_backends.py [--prompts 32] [--n 4] [--max-tokens 64] [--repeats 3]

Prints ``name: value`` lines, ratio first.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path

from envgym.models import save_tiny
from envgym.policy.base import SamplingParams


def prompts_for(tokenizer, count: int) -> list[list[int]]:
    rendered = [tokenizer.apply_chat_template([{"role": "user", "content": f"Compute {i} + {2 * i + 1}."}],
                                              add_generation_prompt=True, tokenize=False) for i in range(count)]
    return [tokenizer.encode(text, add_special_tokens=False) for text in rendered]


def tokens_per_s(policy, prompts: list[list[int]], params: SamplingParams, repeats: int) -> tuple[float, int]:
    """Median generated tokens per second over ``repeats`` runs, after one untimed warm-up."""
    policy.generate(prompts[:2], params)
    rates, tokens = [], 0
    for _ in range(repeats):
        start = time.perf_counter()
        out = policy.generate(prompts, params)
        seconds = time.perf_counter() - start
        tokens = sum(len(c.token_ids) for group in out for c in group)
        rates.append(tokens / seconds)
    return statistics.median(rates), tokens


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--prompts", type=int, default=32)
    parser.add_argument("--n", type=int, default=4)
    parser.add_argument("--max-tokens", type=int, default=64)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    # vLLM logs to stdout by default; keep stdout for the results (set before vLLM is imported).
    os.environ.setdefault("VLLM_LOGGING_STREAM", "ext://sys.stderr")

    from envgym.policy.hf import HFPolicy
    from envgym.policy.vllm import VLLMPolicy

    params = SamplingParams(temperature=1.0, max_tokens=args.max_tokens, n=args.n, seed=0)
    with tempfile.TemporaryDirectory() as tmp:
        path = save_tiny(Path(tmp) / "tiny")
        start = time.perf_counter()
        hf = HFPolicy(path, device="cpu")
        hf_start = time.perf_counter() - start
        prompts = prompts_for(hf.tokenizer, args.prompts)
        hf_rate, hf_tokens = tokens_per_s(hf, prompts, params, args.repeats)
        del hf
        start = time.perf_counter()
        with VLLMPolicy(path) as vllm:
            vllm_start = time.perf_counter() - start
            vllm_rate, vllm_tokens = tokens_per_s(vllm, prompts, params, args.repeats)

    print(f"vllm_over_hf_tokens_per_s: {vllm_rate / hf_rate:.3f}")
    print(f"vllm_tokens_per_s: {vllm_rate:.1f}")
    print(f"hf_tokens_per_s: {hf_rate:.1f}")
    print(f"vllm_start_s: {vllm_start:.1f}")
    print(f"hf_start_s: {hf_start:.1f}")
    print(f"vllm_tokens: {vllm_tokens}")
    print(f"hf_tokens: {hf_tokens}")
    print(f"sequences: {args.prompts * args.n}")


if __name__ == "__main__":
    main()
