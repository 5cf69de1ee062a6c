"""The fixed-shape decode path (``decode="static"``, CUDA graphs on a GPU) gives the loop's output.

Greedy decoding must be token-identical to the plain loop, with the same log-probabilities, end
reasons, stop strings and end-of-turn tokens; seeded sampling with row seeds must draw the same
tokens too (the same uniform numbers meet the same distributions). The CUDA-graph variant is
checked the same way wherever a GPU is present. The model is the tiny one with sharpened weights
(as in ``test_policy_hf``), so greedy paths differ between prompts and completions end at
different steps.
"""

from __future__ import annotations

import copy

import pytest

torch = pytest.importorskip("torch")

from envgym.models import build_tokenizer  # noqa: E402
from envgym.policy.base import SamplingParams  # noqa: E402
from envgym.policy.hf import HFPolicy  # noqa: E402
from test_policy_hf import chat_prompts, sharp_model  # noqa: E402

QUESTIONS = ("Compute 2 + 2.", "What is 17 * 3? Show your work briefly, then answer.", "Hi", "Name a prime above 100.")
DEVICES = ["cpu"] + (["cuda"] if torch.cuda.is_available() else [])


@pytest.fixture(scope="module")
def tokenizer():
    return build_tokenizer()


@pytest.fixture(scope="module")
def model(tokenizer):
    return sharp_model(tokenizer, seed=5, draw=1)


@pytest.fixture(scope="module")
def prompts(tokenizer):
    return chat_prompts(tokenizer, QUESTIONS)


def ending_early(model, tokenizer, prompts):
    """A copy of ``model`` that also ends on tokens its greedy paths reach at different steps."""
    paths = [g[0].token_ids for g in HFPolicy(model, tokenizer, decode="loop").generate(prompts, SamplingParams(temperature=0, max_tokens=24))]
    extra = [path[step] for path, step in zip(paths, (3, 9, 15)) if path[step] not in path[:step]]
    model = copy.deepcopy(model)
    model.generation_config.eos_token_id = [model.generation_config.eos_token_id, *extra]
    return model


def completions(groups):
    return [[(c.token_ids, c.finish_reason, c.text) for c in g] for g in groups]


def same_logprobs(a, b, tol=1e-4):
    return all(ca.logprobs == pytest.approx(cb.logprobs, abs=tol) for ga, gb in zip(a, b) for ca, cb in zip(ga, gb))


@pytest.mark.parametrize("device", DEVICES)
def test_static_greedy_is_token_identical_to_the_loop(model, tokenizer, prompts, device):
    model = ending_early(model, tokenizer, prompts).to(device)
    params = SamplingParams(temperature=0, max_tokens=24, n=2)
    loop = HFPolicy(model, tokenizer, device=device, decode="loop").generate(prompts, params)
    fast = HFPolicy(model, tokenizer, device=device, decode="static").generate(prompts, params)
    assert completions(fast) == completions(loop)
    assert len({len(c.token_ids) for g in loop for c in g}) >= 3  # rows end at different steps, while others go on
    assert same_logprobs(fast, loop)


@pytest.mark.parametrize("device", DEVICES)
def test_static_keeps_stop_strings_and_row_seeded_samples(model, tokenizer, prompts, device):
    model = copy.deepcopy(model).to(device)
    greedy = HFPolicy(model, tokenizer, device=device, decode="loop").generate(prompts, SamplingParams(temperature=0, max_tokens=20))
    stop = greedy[1][0].text[6:9]  # a string the second prompt's greedy path completes
    for params in (SamplingParams(temperature=0, max_tokens=20, stop=(stop,)),
                   SamplingParams(temperature=0.9, top_p=0.8, max_tokens=20, n=3, row_seeds=(4, 5, 6, 7))):
        loop = HFPolicy(model, tokenizer, device=device, decode="loop").generate(prompts, params)
        fast = HFPolicy(model, tokenizer, device=device, decode="static").generate(prompts, params)
        assert completions(fast) == completions(loop)
        assert same_logprobs(fast, loop)
    assert completions(fast) != completions(loop[::-1])  # the comparison can fail: completions differ between prompts


@pytest.mark.skipif(not torch.cuda.is_available(), reason="CUDA graphs need a GPU; the static path is checked on the CPU above")
def test_cuda_graph_decode_is_token_identical_to_the_loop(model, tokenizer, prompts):
    model = ending_early(model, tokenizer, prompts).to("cuda")
    params = SamplingParams(temperature=0, max_tokens=24, n=3)
    loop = HFPolicy(model, tokenizer, device="cuda", decode="loop").generate(prompts, params)
    graphed = HFPolicy(model, tokenizer, device="cuda", decode="static", cuda_graphs=True)
    assert graphed.cuda_graphs
    assert completions(graphed.generate(prompts, params)) == completions(loop)
    assert completions(graphed.generate(prompts[::-1], params)) == completions(loop[::-1])  # a fresh capture per batch


def test_generation_copy_follows_the_model_and_bf16_stays_close(model, tokenizer, prompts):
    model = copy.deepcopy(model)
    policy = HFPolicy(model, tokenizer, decode="loop", generation_dtype="bfloat16")
    assert next(policy.generator_model.parameters()).dtype == torch.bfloat16
    assert next(model.parameters()).dtype == torch.float32  # the training weights stay as they are
    with torch.no_grad():
        for p in model.parameters():
            p.mul_(0.5)
    version = policy.version
    policy.refresh()
    assert policy.version == version + 1
    for mine, theirs in zip(policy.shadow.parameters(), model.parameters()):
        assert torch.equal(mine, theirs.to(torch.bfloat16))
    params = SamplingParams(temperature=0, max_tokens=12)
    bf16 = policy.generate(prompts, params)
    fp32 = HFPolicy(model, tokenizer, decode="loop").generate(prompts, params)
    agree = sum(a[0].token_ids[:4] == b[0].token_ids[:4] for a, b in zip(bf16, fp32))
    assert agree >= len(prompts) // 2  # bf16 rounds, so later tokens may part; the first ones mostly agree


def test_batch_size_auto_and_bad_settings(model, tokenizer, prompts):
    policy = HFPolicy(model, tokenizer, batch_size="auto")
    assert policy.rows_per_batch(500, 30, 64) == 64  # on the CPU
    assert policy.decode == ("static" if torch.cuda.is_available() else "loop")
    with pytest.raises(ValueError, match="batch_size"):
        HFPolicy(model, tokenizer, batch_size=0)
    with pytest.raises(ValueError, match="decode"):
        HFPolicy(model, tokenizer, decode="fast")
    if not torch.cuda.is_available():
        with pytest.raises(ValueError, match="cuda_graphs"):
            HFPolicy(model, tokenizer, device="cpu", cuda_graphs=True)
