"""A tiny tokenizer and model built locally, for tests and demos (no download, docs/design.md rule 6).

``build_tokenizer`` trains a byte-level BPE tokenizer on a small built-in corpus of chat and
arithmetic text and gives it a ChatML chat template; ``build_model`` makes a seeded Qwen2
causal LM from a config. Sizes default to what vLLM's CPU kernels accept (head dimension 64).
``save_tiny`` writes both as a plain Hugging Face model directory that transformers and vLLM
load without envgym installed.

    tokenizer = build_tokenizer()
    model = build_model(tokenizer)
    path = save_tiny("runs/tiny")
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

IM_START, IM_END, EOS, PAD = "<|im_start|>", "<|im_end|>", "<|endoftext|>", "<|pad|>"
SPECIAL_TOKENS = (PAD, EOS, IM_START, IM_END)

# ChatML, as Qwen uses it. Rendering a conversation and then the same conversation with more
# messages gives a string that starts with the first: the rollout engine relies on that.
CHAT_TEMPLATE = (
    "{% for message in messages %}"
    "{{ '<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>\\n' }}"
    "{% endfor %}"
    "{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}"
)


def default_corpus(seed: int = 0, n: int = 3000) -> list[str]:
    """Chat-formatted arithmetic and prose: enough for a BPE vocabulary of a few hundred tokens."""
    import random

    rng = random.Random(seed)
    words = ("Solve the problem. Show your work briefly, then put the final answer in \\boxed{}. "
             "Compute What is the answer Your answer is incorrect. Try again. The answer is so we get "
             "first then next step result total sum difference product equals plus minus times").split()
    out = []
    for _ in range(n):
        a, b = rng.randint(0, 999), rng.randint(0, 999)
        op = rng.choice("+-*")
        c = a + b if op == "+" else a - b if op == "-" else a * b
        out.append(f"{IM_START}user\nCompute {a} {op} {b}.{IM_END}\n{IM_START}assistant\n"
                   f"{a} {op} {b} = {c}\nThe answer is \\boxed{{{c}}}.{IM_END}\n")
        out.append(" ".join(rng.choice(words) for _ in range(12)))
    return out


def build_tokenizer(corpus: Iterable[str] | None = None, vocab_size: int = 512) -> Any:
    """A byte-level BPE ``PreTrainedTokenizerFast`` with a ChatML chat template. Deterministic.

    It splits text before BPE exactly as Qwen2's tokenizer does (NFC, Qwen's pre-tokenizing
    regex: one token per digit among others), because a saved directory of a Qwen2 model is
    loaded back by ``AutoTokenizer`` (and vLLM) as ``Qwen2Tokenizer``, which imposes that split:
    any other would tokenize differently after a save and load.
    """
    from tokenizers import Regex, Tokenizer, decoders, models, normalizers, pre_tokenizers, trainers
    from transformers import PreTrainedTokenizerFast
    from transformers.models.qwen2.tokenization_qwen2 import PRETOKENIZE_REGEX

    tok = Tokenizer(models.BPE())
    tok.normalizer = normalizers.NFC()
    tok.pre_tokenizer = pre_tokenizers.Sequence([
        pre_tokenizers.Split(Regex(PRETOKENIZE_REGEX), behavior="isolated", invert=False),
        pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=False),
    ])
    tok.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=vocab_size, special_tokens=list(SPECIAL_TOKENS), show_progress=False,
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
    )
    tok.train_from_iterator(list(corpus if corpus is not None else default_corpus()), trainer=trainer)
    fast = PreTrainedTokenizerFast(
        tokenizer_object=tok, eos_token=IM_END, pad_token=PAD, bos_token=None, unk_token=None,
        additional_special_tokens=[EOS, IM_START],
    )
    fast.chat_template = CHAT_TEMPLATE
    fast.padding_side = "left"
    return fast


def build_model(tokenizer: Any, *, hidden_size: int = 128, layers: int = 2, heads: int = 2,
                intermediate_size: int = 256, max_positions: int = 1024, seed: int = 0) -> Any:
    """A seeded Qwen2 causal LM sized for the tokenizer. Head dimension = hidden_size / heads."""
    import torch
    from transformers import Qwen2Config, Qwen2ForCausalLM

    if hidden_size % heads:
        raise ValueError(f"hidden_size {hidden_size} must be divisible by heads {heads}")
    config = Qwen2Config(
        vocab_size=len(tokenizer), hidden_size=hidden_size, num_hidden_layers=layers,
        num_attention_heads=heads, num_key_value_heads=heads, intermediate_size=intermediate_size,
        max_position_embeddings=max_positions, tie_word_embeddings=True,
        eos_token_id=tokenizer.eos_token_id, pad_token_id=tokenizer.pad_token_id, bos_token_id=None,
        torch_dtype="float32",
    )
    torch.manual_seed(seed)
    model = Qwen2ForCausalLM(config)
    model.generation_config.eos_token_id = tokenizer.eos_token_id
    model.generation_config.pad_token_id = tokenizer.pad_token_id
    return model.eval()


def save_tiny(path: str | Path, *, seed: int = 0, **model_kwargs: Any) -> Path:
    """Build the tiny tokenizer and model and save them as a Hugging Face directory."""
    path = Path(path)
    tokenizer = build_tokenizer()
    model = build_model(tokenizer, seed=seed, **model_kwargs)
    path.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(path, safe_serialization=True)
    tokenizer.save_pretrained(path)
    return path


__all__ = ["CHAT_TEMPLATE", "SPECIAL_TOKENS", "build_model", "build_tokenizer", "default_corpus", "save_tiny"]


def hf_policy(model: str | Path, *, seed: int = 0) -> Any:
    """An ``hf`` policy for ``model``: a Hugging Face model directory, or ``"tiny"`` built here (no download)."""
    import envgym

    if str(model) == "tiny":
        tokenizer = build_tokenizer()
        return envgym.make_policy("hf", build_model(tokenizer, seed=seed), tokenizer, name="tiny")
    return envgym.make_policy("hf", model)
