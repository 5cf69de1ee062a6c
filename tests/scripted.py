"""A scripted policy for unit tests beside the real ones: its answers are a function of the prompt.

It speaks the Policy protocol exactly (token ids in, token ids out, via the real tiny tokenizer),
so scaffolds and the collector run unchanged; only the model is replaced by a script.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence

from envgym.policy.base import Completion, SamplingParams


class ScriptedPolicy:
    """``script(prompt_text, call_index)`` returns the completion text; every call is recorded."""

    def __init__(self, tokenizer, script: Callable[[str, int], str], name: str = "scripted", delay_s: float = 0.0):
        self.tokenizer, self.script, self.name, self.version = tokenizer, script, name, 0
        self.delay_s = delay_s
        self.prompts: list[str] = []
        self.generating = threading.Event()
        self.generate_calls = 0
        self._calls = 0

    def generate(self, prompts: Sequence[Sequence[int]], params: SamplingParams) -> list[list[Completion]]:
        self.generating.set()
        self.generate_calls += 1
        try:
            time.sleep(self.delay_s)
            out = []
            for prompt in prompts:
                text = self.tokenizer.decode(list(prompt), skip_special_tokens=False)
                self.prompts.append(text)
                group = []
                for _ in range(params.n):
                    ids = self.tokenizer.encode(self.script(text, self._calls), add_special_tokens=False)
                    ids.append(self.tokenizer.eos_token_id)
                    self._calls += 1
                    group.append(Completion(tuple(ids), tuple(-0.5 for _ in ids), self.tokenizer.decode(ids), "stop"))
                out.append(group)
            return out
        finally:
            self.generating.clear()
