"""A conversation as a token sequence that only grows (docs/design.md, rule 1).

The opening messages are rendered once with the tokenizer's own chat template. After that,
sampled tokens are appended exactly as sampled, and each environment reply is appended as the
tokens of the template's *textual delta*: the template rendered with the new messages, minus
everything already in the sequence (the earlier render plus the decoded sample). Only that
delta is tokenized; earlier tokens are never re-encoded, so a learner trains on exactly the
tokens that were sampled, and the policy mask marks them.

This needs a template that only appends when messages are appended (ChatML, Llama 3, Qwen 2.5
and most others). Templates that rewrite earlier turns (for example ones that drop past
reasoning) raise ``TemplateError`` instead of silently training on different tokens.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from envgym.errors import EnvgymError
from envgym.policy.base import Completion


class TemplateError(EnvgymError):
    """The tokenizer's chat template rewrote earlier turns when a message was appended."""


def render(tokenizer: Any, messages: Sequence[dict], generation_prompt: bool) -> str:
    if getattr(tokenizer, "chat_template", None) is None:
        raise TemplateError("the tokenizer has no chat template; set tokenizer.chat_template (envgym.models.CHAT_TEMPLATE is ChatML)")
    return tokenizer.apply_chat_template(list(messages), tokenize=False, add_generation_prompt=generation_prompt)


def encode(tokenizer: Any, text: str) -> list[int]:
    return tokenizer.encode(text, add_special_tokens=False)


def completion_text(tokenizer: Any, token_ids: Sequence[int]) -> str:
    """The assistant message a completion makes: its verbatim decode, special tokens included (a
    small model may sample them mid-answer), less a final end-of-turn token (the template adds that)."""
    tokens = list(token_ids)
    if tokens and tokens[-1] == tokenizer.eos_token_id:
        tokens = tokens[:-1]
    return tokenizer.decode(tokens, skip_special_tokens=False)


class TokenConversation:
    """Token ids of a conversation, with a mask of the policy's own (sampled) tokens."""

    def __init__(self, tokenizer: Any, messages: Sequence[dict]) -> None:
        self.tokenizer = tokenizer
        self._eos_text = tokenizer.decode([tokenizer.eos_token_id], skip_special_tokens=False)
        self.messages: list[dict] = [dict(m) for m in messages]
        self._text = render(tokenizer, self.messages, generation_prompt=True)
        self.ids: list[int] = encode(tokenizer, self._text)
        self.policy_mask: list[int] = [0] * len(self.ids)
        self.logprobs: list[float | None] = [None] * len(self.ids)

    def add_completion(self, completion: Completion) -> str:
        """Append the sampled tokens as they are and return the assistant's text (``completion_text``).

        The environment must be stepped with this text, so both sides see the same message.
        """
        tokens = list(completion.token_ids)
        self.ids.extend(tokens)
        self.policy_mask.extend([1] * len(tokens))
        self.logprobs.extend(completion.logprobs if completion.logprobs is not None else [None] * len(tokens))
        sampled = self.tokenizer.decode(tokens, skip_special_tokens=False)
        self._text += sampled
        end = self.tokenizer.eos_token_id
        # special tokens decode on their own, so the content is the decode less the end token's text
        if tokens and tokens[-1] == end:
            cut = sampled.endswith(self._eos_text)
            content = sampled[: len(sampled) - len(self._eos_text)] if cut else completion_text(self.tokenizer, tokens)
        else:
            content = sampled
        self.messages.append({"role": "assistant", "content": content})
        return content

    def fork(self) -> TokenConversation:
        """An independent copy: a scaffold's side conversation (a critique, a revision) grows from it."""
        other = object.__new__(TokenConversation)
        other.tokenizer, other._text, other._eos_text = self.tokenizer, self._text, self._eos_text
        other.messages = [dict(m) for m in self.messages]
        other.ids, other.policy_mask, other.logprobs = list(self.ids), list(self.policy_mask), list(self.logprobs)
        return other

    def add_messages(self, messages: Sequence[dict]) -> list[int]:
        """Append environment messages (and the next generation prompt); return the new tokens."""
        self.messages.extend(dict(m) for m in messages)
        full = render(self.tokenizer, self.messages, generation_prompt=True)
        if not full.startswith(self._text):
            at = next((i for i, (a, b) in enumerate(zip(full, self._text)) if a != b), min(len(full), len(self._text)))
            raise TemplateError(
                "the chat template is not prefix-preserving: rendering the conversation with a new "
                f"message changed earlier text at character {at} ({self._text[at:at + 40]!r} became "
                f"{full[at:at + 40]!r}); use a template that only appends"
            )
        delta = encode(self.tokenizer, full[len(self._text):])
        self._text = full
        self.ids.extend(delta)
        self.policy_mask.extend([0] * len(delta))
        self.logprobs.extend([None] * len(delta))
        return delta

    def __len__(self) -> int:
        return len(self.ids)
