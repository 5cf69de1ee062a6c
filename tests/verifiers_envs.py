"""Three verifiers (0.4.0) environments written as their authors would, installed by the tests with pip.

- ``vf-sums``: single-turn, an async ``@vf.reward``; its taskset's ``mode`` makes the reward raise,
  hang in a busy loop, or block in ``time.sleep`` (the rubric-bound tests). Declares envgym probes.
- ``vf-guess``: multi-turn, its own ``Env.run``: guess a number in 1-16 from higher/lower hints,
  at most 8 guesses, seeded per task. The env records the outcome; a task reward reads it.
  Declares envgym probes (binary search on the hints).
- ``vf-bare``: single-turn, no probes (``envgym check`` skips them, saying why).
- ``vf-letter``: name a letter; a reply containing it scores 1, so a random tiny model sometimes
  does and one RLVR step has signal (as ``tests/envs_for_learn.py``'s ``Letter-v0``).
"""

from __future__ import annotations

from pathlib import Path

from conftest import write_package

SUMS = '''
import time
from typing import Literal

import verifiers.v1 as vf


class SumData(vf.TaskData):
    a: int
    b: int
    mode: str = "ok"


class SumTask(vf.Task[SumData, vf.State, vf.TaskConfig]):
    @vf.reward
    async def exact(self, trace: vf.Trace) -> float:
        if self.data.mode == "raise":
            raise RuntimeError("the rubric broke")
        if self.data.mode == "spin":
            while True:  # a busy loop: no await, no timeout of verifiers' can interrupt it
                pass
        if self.data.mode == "sleep":
            time.sleep(3600)
        return float(trace.last_reply.strip() == str(self.data.a + self.data.b))

    def envgym_gold(self, messages):
        return str(self.data.a + self.data.b)

    def envgym_hacks(self, messages):
        return {"empty": "", "both_numbers": f"{self.data.a} {self.data.b}", "the_question": messages[-1]["content"]}


class SumConfig(vf.TasksetConfig):
    num_tasks: int = 20
    mode: Literal["ok", "raise", "spin", "sleep"] = "ok"


class SumTaskset(vf.Taskset[SumTask, SumConfig]):
    def load(self):
        for i in range(self.config.num_tasks):
            a, b = 3 * i + 1, 7 * i + 2
            yield SumTask(SumData(prompt=f"What is {a} + {b}? Reply with the number only.",
                                  system_prompt="You add numbers.", a=a, b=b, mode=self.config.mode), self.config.task)


__all__ = ["SumTaskset"]
'''

GUESS = '''
import random

import verifiers.v1 as vf

LOW, HIGH, GUESSES = 1, 16, 8


def secret(seed: int) -> int:
    return random.Random(seed).randint(LOW, HIGH)


class GuessData(vf.TaskData):
    seed: int


class GuessTask(vf.Task[GuessData, vf.State, vf.TaskConfig]):
    @vf.reward
    async def solved(self, trace: vf.Trace) -> float:
        return float(trace.info.get("solved", False))

    @vf.metric
    async def guesses(self, trace: vf.Trace) -> float:
        return float(len(trace.assistant_messages))

    def envgym_gold(self, messages):
        low, high = LOW, HIGH
        for said, hint in zip(messages[1::2], messages[2::2]):
            guess = int(said["content"])
            low, high = (guess + 1, high) if hint["content"] == "higher" else (low, guess - 1)
        return str((low + high) // 2)

    def envgym_hacks(self, messages):
        return {"no_number": "I need a hint first.", "a_range": f"somewhere from {LOW} to {HIGH}"}


class GuessEnvConfig(vf.EnvConfig):
    player: vf.AgentConfig = vf.AgentConfig()


class GuessEnv(vf.Env[GuessEnvConfig]):
    async def run(self, task, agents):
        target = secret(task.data.seed)
        async with agents.player.interaction(task) as interaction:
            segment = await interaction.turn()
            for attempt in range(1, GUESSES + 1):
                if segment.terminated:
                    break
                try:
                    guess = int(segment.last_reply)
                except ValueError:
                    guess = None
                if guess == target:
                    interaction.trace.info["solved"] = True
                    break
                if attempt == GUESSES:
                    break
                hint = "Reply with a number." if guess is None else "higher" if guess < target else "lower"
                segment = await interaction.turn(hint)


class GuessTaskset(vf.Taskset[GuessTask, vf.TasksetConfig]):
    def load(self):
        for seed in range(50):
            prompt = f"Game {seed}: I picked a number from {LOW} to {HIGH}. Guess it: reply with the number only."
            yield GuessTask(GuessData(prompt=prompt, seed=seed), self.config.task)


__all__ = ["GuessEnv", "GuessTaskset"]
'''

BARE = '''
import verifiers.v1 as vf


class YesData(vf.TaskData):
    pass


class YesTask(vf.Task[YesData, vf.State, vf.TaskConfig]):
    @vf.reward
    async def agreed(self, trace: vf.Trace) -> float:
        return float(trace.last_reply.strip().lower() == "yes")


class YesTaskset(vf.Taskset[YesTask, vf.TasksetConfig]):
    def load(self):
        for i in range(10):
            yield YesTask(YesData(prompt=f"Question {i}: will you say yes?"), self.config.task)


__all__ = ["YesTaskset"]
'''

LETTER = '''
import string

import verifiers.v1 as vf


class LetterData(vf.TaskData):
    letter: str


class LetterTask(vf.Task[LetterData, vf.State, vf.TaskConfig]):
    @vf.reward
    async def said_it(self, trace: vf.Trace) -> float:
        return float(self.data.letter in trace.last_reply)

    def envgym_gold(self, messages):
        return f"The letter is {self.data.letter}."

    def envgym_hacks(self, messages):
        return {"empty": ""}


class LetterTaskset(vf.Taskset[LetterTask, vf.TasksetConfig]):
    def load(self):
        for letter in string.ascii_lowercase:
            yield LetterTask(LetterData(prompt=f"Say the letter {letter}.", letter=letter), self.config.task)


__all__ = ["LetterTaskset"]
'''

SOURCES = {"vf-sums": SUMS, "vf-guess": GUESS, "vf-bare": BARE, "vf-letter": LETTER}


def write(root: Path, dist: str, source: str) -> Path:
    """A verifiers environment package as ``vf init`` lays one out: it requires ``verifiers`` and
    exports its taskset (and env) from its module."""
    return write_package(root, dist, dist.replace("-", "_"), {"__init__.py": source}, dependencies=("verifiers",))
