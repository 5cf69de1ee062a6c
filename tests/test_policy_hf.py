"""The ``hf`` policy's own decode loop keeps the Policy contract, and agrees with ``model.generate``.

The tiny model is re-initialised with larger weights ("sharp"), so that greedy paths differ
from prompt to prompt and sampled tokens have uneven probabilities; to make completions end at
different steps, some runs name a few of its greedy tokens as extra end-of-turn tokens.
"""

from __future__ import annotations

import copy
import dataclasses

import pytest

torch = pytest.importorskip("torch")

from envgym.models import build_model, build_tokenizer  # noqa: E402
from envgym.policy.base import SamplingParams  # noqa: E402
from envgym.policy.hf import HFPolicy, _kv_cache, _nucleus  # noqa: E402

QUESTIONS = ("Compute 2 + 2.", "What is 17 * 3? Show your work briefly, then answer.", "Hi")


@pytest.fixture(scope="module")
def tokenizer():
    return build_tokenizer()


def sharp_model(tokenizer, seed: int, draw: int):
    """The tiny model with larger weights (drawn with seed ``draw``): uneven distributions, varied greedy paths."""
    model = build_model(tokenizer, seed=seed)
    generator = torch.Generator().manual_seed(draw)
    with torch.no_grad():
        for p in model.parameters():
            if p.dim() == 2:
                p.normal_(0.0, 0.15, generator=generator)
    return model


def chat_prompts(tokenizer, questions):
    return [tokenizer.apply_chat_template([{"role": "user", "content": q}], add_generation_prompt=True)["input_ids"]
            for q in questions]


@pytest.fixture(scope="module")
def model(tokenizer):
    return sharp_model(tokenizer, seed=3, draw=0)


@pytest.fixture(scope="module")
def prompts(tokenizer):
    """Three prompts of different lengths (10 to 30 tokens), so the batch is left-padded."""
    return chat_prompts(tokenizer, QUESTIONS)


def ending_on(model, eos_ids):
    """A copy of ``model`` whose generation config names ``eos_ids`` as extra end-of-turn tokens."""
    model = copy.deepcopy(model)
    model.generation_config.eos_token_id = [model.generation_config.eos_token_id, *eos_ids]
    return model


def greedy_ending_at(model, tokenizer, prompts, steps):
    """``model`` ending the greedy path of each of the first prompts at the given step (if that token is new to it)."""
    first = HFPolicy(model, tokenizer).generate(prompts, SamplingParams(temperature=0, max_tokens=32))
    paths = [group[0].token_ids for group in first]
    return ending_on(model, [path[step] for path, step in zip(paths, steps) if path[step] not in path[:step]])


def teacher_forced(model, prompt, completion):
    """log pi (temperature 1) of each completion token, from one forward over prompt + completion."""
    ids = torch.tensor([list(prompt) + list(completion)])
    with torch.inference_mode():
        logits = model(input_ids=ids).logits[0, len(prompt) - 1 : -1].float()
    return torch.log_softmax(logits, -1).gather(-1, torch.tensor(completion)[:, None]).squeeze(-1)


def assert_well_formed(policy, completions, params):
    """Each completion ends at its first end token or stop string, or at ``max_tokens``."""
    for c in completions:
        ends = [i for i, t in enumerate(c.token_ids) if t in policy.eos_ids]
        assert c.text == policy.tokenizer.decode(c.token_ids, skip_special_tokens=True)
        assert len(c.logprobs) == len(c.token_ids) <= params.max_tokens
        if ends:
            assert ends == [len(c.token_ids) - 1] and c.finish_reason == "stop"
        elif c.finish_reason == "stop":  # a stop string, completed by the last token
            before = policy.tokenizer.decode(c.token_ids[:-1], skip_special_tokens=True)
            assert any(s in c.text for s in params.stop) and not any(s in before for s in params.stop)
        else:
            assert len(c.token_ids) == params.max_tokens and not any(s in c.text for s in params.stop)


def test_greedy_equals_model_generate(model, tokenizer, prompts):
    ended = greedy_ending_at(model, tokenizer, prompts, steps=(4, 11))  # the third runs on
    params = SamplingParams(temperature=0, max_tokens=18, n=2)
    loop = HFPolicy(ended, tokenizer).generate(prompts, params)
    generate = HFPolicy(ended, tokenizer, decode="generate").generate(prompts, params)
    for ours, theirs in zip(loop, generate):
        assert [c.token_ids for c in ours] == [c.token_ids for c in theirs]
        assert [(c.text, c.finish_reason) for c in ours] == [(c.text, c.finish_reason) for c in theirs]
        for a, b in zip(ours, theirs):
            assert torch.allclose(torch.tensor(a.logprobs), torch.tensor(b.logprobs), atol=1e-4)
    lengths = {len(group[0].token_ids) for group in loop}
    assert len(lengths) > 1 and {c.finish_reason for group in loop for c in group} == {"stop", "length"}


def test_batches_of_any_size_give_the_same_completions(model, tokenizer, prompts):
    params = SamplingParams(temperature=0, max_tokens=12, n=3)
    whole = HFPolicy(model, tokenizer).generate(prompts, params)
    split = HFPolicy(model, tokenizer, batch_size=4).generate(prompts, params)  # groups split across batches
    assert [[c.token_ids for c in g] for g in split] == [[c.token_ids for c in g] for g in whole]
    for a, b in zip(sum(split, []), sum(whole, [])):
        assert a.logprobs == pytest.approx(b.logprobs, abs=1e-5)


def test_logprobs_are_those_of_the_model_at_temperature_1(model, tokenizer, prompts):
    ended = ending_on(model, range(100, 130))  # about one token in twenty ends a completion
    policy = HFPolicy(ended, tokenizer)
    params = SamplingParams(temperature=0.7, top_p=0.9, max_tokens=20, n=8, seed=1)
    out = policy.generate(prompts, params)
    assert len({len(c.token_ids) for group in out for c in group}) > 3  # rows ended, and left the batch, at many steps
    for prompt, group in zip(prompts, out):
        assert_well_formed(policy, group, params)
        for c in group:
            expected = teacher_forced(ended, prompt, c.token_ids)
            assert torch.allclose(torch.tensor(c.logprobs), expected, atol=1e-4)


def test_seeded_sampling_is_reproducible_and_leaves_the_global_rng_alone(model, tokenizer, prompts):
    policy = HFPolicy(model, tokenizer)
    params = SamplingParams(max_tokens=10, n=4, seed=7)
    state = torch.get_rng_state()
    first = policy.generate(prompts, params)
    assert torch.equal(torch.get_rng_state(), state)
    assert policy.generate(prompts, params) == first
    other = policy.generate(prompts, SamplingParams(max_tokens=10, n=4, seed=8))
    assert [c.token_ids for g in other for c in g] != [c.token_ids for g in first for c in g]
    assert len({c.token_ids for c in first[0]}) > 1  # the n samples of a group differ


def test_max_tokens_ends_with_length_and_eos_with_stop(model, tokenizer, prompts):
    policy = HFPolicy(model, tokenizer)
    (short,) = policy.generate(prompts[:1], SamplingParams(temperature=0, max_tokens=5))[0]
    assert len(short.token_ids) == 5 and short.finish_reason == "length"
    eos = short.token_ids[3]
    assert eos not in short.token_ids[:3]
    ended = HFPolicy(ending_on(model, [eos]), tokenizer)
    (stopped,) = ended.generate(prompts[:1], SamplingParams(temperature=0, max_tokens=5))[0]
    assert stopped.token_ids == short.token_ids[:4] and stopped.finish_reason == "stop"  # the end token is kept
    assert stopped.logprobs == pytest.approx(short.logprobs[:4], abs=1e-5)


def test_stop_strings_end_completions_and_are_kept(model, tokenizer, prompts):
    policy = HFPolicy(model, tokenizer)
    (free,) = policy.generate(prompts[1:2], SamplingParams(temperature=0, max_tokens=16))[0]
    stop = policy.tokenizer.decode(free.token_ids[5:7])[-2:]  # ends inside the 7th token
    cut = next(i for i in range(1, 17) if stop in tokenizer.decode(free.token_ids[:i]))
    (stopped,) = policy.generate(prompts[1:2], SamplingParams(temperature=0, max_tokens=16, stop=(stop,)))[0]
    assert stopped.token_ids == free.token_ids[:cut] and stopped.finish_reason == "stop" and stop in stopped.text

    params = SamplingParams(max_tokens=16, n=8, seed=3, stop=("e", "ZZZ"))
    out = policy.generate(prompts, params)
    completions = [c for group in out for c in group]
    assert any(c.finish_reason == "stop" for c in completions) and any(len(c.token_ids) > 1 for c in completions)
    assert_well_formed(policy, completions, params)


def test_top_p_samples_only_from_the_nucleus(model, tokenizer, prompts):
    policy = HFPolicy(model, tokenizer)
    temperature, top_p = 0.5, 0.6
    with torch.inference_mode():
        logits = model(input_ids=torch.tensor([prompts[0]])).logits[0, -1].float()
    probs = torch.softmax(logits / temperature, -1)
    ordered, order = probs.sort(descending=True)
    nucleus = set(order[(ordered.cumsum(-1) - ordered) < top_p].tolist())
    assert 1 < len(nucleus) < 20
    seen = set()
    for seed in range(4):
        params = SamplingParams(temperature=temperature, top_p=top_p, max_tokens=1, n=64, seed=seed)
        out = policy.generate(prompts[:1], params)
        seen |= {c.token_ids[0] for c in out[0]}
    assert seen <= nucleus and len(seen) > 1


@pytest.mark.parametrize("vocab", [50, 1000])
def test_nucleus_matches_sorting_the_whole_distribution(vocab):
    probs = torch.softmax(torch.randn(6, vocab, generator=torch.Generator().manual_seed(vocab)) * 0.3, -1)
    for top_p in (0.1, 0.5, 0.95):
        kept, tokens = _nucleus(probs, top_p)
        ordered, order = probs.sort(-1, descending=True)
        inside = (ordered.cumsum(-1) - ordered) < top_p
        for row in range(len(probs)):
            assert set(tokens[row][kept[row] > 0].tolist()) == set(order[row][inside[row]].tolist())


def test_the_buffered_cache_grows_and_selects_rows_like_transformers(model):
    from transformers import DynamicCache

    ids = torch.randint(5, 400, (3, 9), generator=torch.Generator().manual_seed(0))
    with torch.inference_mode():
        caches = _kv_cache(model.config, capacity=2), DynamicCache(config=model.config)
        logits = []
        for cache in caches:
            model(input_ids=ids[:, :5], past_key_values=cache, use_cache=True)  # outgrows the capacity at once
            model(input_ids=ids[:, 5:6], past_key_values=cache, use_cache=True)
            cache.batch_select_indices(torch.tensor([2, 0]))
            positions = torch.arange(6, 9)[None].expand(2, 3)
            out = model(input_ids=ids[[2, 0], 6:], position_ids=positions, past_key_values=cache, use_cache=True)
            logits.append(out.logits)
    assert torch.allclose(*logits, atol=1e-5)


def test_a_training_model_generates_in_eval_mode_and_stays_training(model, tokenizer, prompts):
    trained = copy.deepcopy(model).train()
    trained.model.norm.eval()  # a submodule in another mode keeps its own
    policy = HFPolicy(trained, tokenizer)
    out = policy.generate(prompts, SamplingParams(temperature=0, max_tokens=6))
    assert trained.training and not trained.model.norm.training and trained.model.layers[0].training
    assert out == HFPolicy(model.eval(), tokenizer).generate(prompts, SamplingParams(temperature=0, max_tokens=6))


def test_unknown_decode_is_refused(model, tokenizer):
    with pytest.raises(ValueError, match="decode must be"):
        HFPolicy(model, tokenizer, decode="beam")


def test_row_seeds_make_a_prompts_samples_independent_of_its_batch(model, tokenizer, prompts):
    """With row seeds a prompt samples the same tokens alone, beside others, in any order or batch size."""
    params = SamplingParams(temperature=1.0, max_tokens=24, seed=1, row_seeds=(11, 22, 33))
    together = HFPolicy(model, tokenizer).generate(prompts, params)
    alone = [HFPolicy(model, tokenizer).generate([p], dataclasses.replace(params, row_seeds=(s,)))[0]
             for p, s in zip(prompts, params.row_seeds)]
    reordered = HFPolicy(model, tokenizer, batch_size=2).generate(prompts[::-1], params.rows([2, 1, 0]))[::-1]
    tokens = lambda groups: [[c.token_ids for c in g] for g in groups]  # noqa: E731
    assert tokens(together) == tokens(alone) == tokens(reordered)
    other = HFPolicy(model, tokenizer).generate(prompts, dataclasses.replace(params, row_seeds=(12, 22, 33)))
    assert tokens(other)[1:] == tokens(together)[1:] and tokens(other)[0] != tokens(together)[0]


def test_row_seeded_copies_differ_and_follow_the_model(model, tokenizer, prompts):
    """A group's copies draw apart, and row-seeded draws follow the model's distribution (a chi-square check)."""
    from envgym.policy.hf import _uniforms

    groups = HFPolicy(model, tokenizer).generate(prompts[:1], SamplingParams(n=6, max_tokens=16, row_seeds=(5,)))
    assert len({c.token_ids for c in groups[0]}) > 1
    u = _uniforms(torch.arange(20000, dtype=torch.long) * 7919 - 2**40, 3).squeeze(-1)
    assert 0 <= float(u.min()) and float(u.max()) < 1
    counts = torch.histc(u.float(), bins=10, min=0, max=1)
    chi2 = float(((counts - 2000) ** 2 / 2000).sum())
    assert chi2 < 27.9  # 9 degrees of freedom, p = 0.001
