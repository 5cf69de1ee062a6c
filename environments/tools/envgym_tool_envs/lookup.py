"""``envgym/Lookup-v0``: questions about a fictional kingdom, answered by searching its encyclopedia.

Every fact lives in ``world.jsonl`` (see ``envgym_tool_envs.world``) and is made up, so the model
must search: one-hop questions need one article ("Which company built the Varnholm Bridge?"),
two-hop questions need a second search on what the first found ("Who founded the company that
built the Varnholm Bridge?").

The model calls the ``search`` tool as often as it likes within ``max_turns``, then answers in
``<answer>...</answer>``; the answer ends the episode. It is compared with the reference and its
aliases after normalising case, accents, punctuation, articles and white space
(``envgym_tool_envs.answer``):

    reward="exact"  1 on an exact match, else 0 (the default)
    reward="f1"     the token F1 against the best-matching accepted answer (partial credit)

Either way the verdict is ``correct`` only on an exact match. Per-turn rewards (``ToolEnv``): a
search that runs earns ``call_reward`` (default 0), a failed call ``error_reward`` (default -0.1).

Gold policy: the question's gold search for each hop, then the answer. Hacks: an empty answer, a
wrong entity, many candidate names in one answer, the answer without the tags, the question
echoed back.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from envgym import Message, Task
from envgym.tools import ToolEnv
from envgym_tool_envs.answer import AnswerMatch, RewardMode, normalize
from envgym_tool_envs.hermes import tool_call_text
from envgym_tool_envs.world import Question, questions, search

if TYPE_CHECKING:  # an annotation only: the budget itself is ToolEnv's
    from envgym.tools import ToolBudget

INSTRUCTIONS = (
    "Answer the question about the kingdom of Aldermarch. Its facts are not common knowledge: look them "
    "up with the search tool, and search again for whatever the first result points to when the question "
    "needs two steps. When you know the answer, give only the name, place, year or phrase inside "
    "<answer></answer> tags, e.g. <answer>Ada Lovelace</answer> (a format example, not an answer here)."
)
CANDIDATES = 12  # names in the "many candidates" hack


class LookupEnv(ToolEnv):
    """Multi-hop questions with a ``search`` tool (see the module docstring).

    reward: "exact" (default) or "f1".
    hops: only questions with this many hops (1 or 2); None for all.
    max_turns: model turns per episode, searches and the answer included.
    call_reward: per-turn reward for each tool call that runs.
    error_reward: per-turn reward for each tool call that fails (negative: a cost).
    budget: the episode's tool budget (``envgym.tools.ToolBudget`` or a mapping of its fields); by
        default at most 8 calls and 20 s of tool time per turn, 32 calls and 60 s per episode, and
        a failure penalty of at most 1 per episode.
    """

    def __init__(self, reward: RewardMode = "exact", *, hops: int | None = None, max_turns: int = 6,
                 call_reward: float = 0.0, error_reward: float = -0.1,
                 budget: ToolBudget | Mapping[str, Any] | None = None, render_mode: str | None = None) -> None:
        pool = tuple(q for q in questions() if hops is None or q.hops == hops)
        if not pool:
            raise ValueError(f"envgym/Lookup-v0: hops must be None or one of "
                             f"{sorted({q.hops for q in questions()})}, got {hops!r}")
        super().__init__(AnswerMatch(reward), [search], max_turns=max_turns, call_reward=call_reward,
                         error_reward=error_reward, budget=budget, render_mode=render_mode)
        self.pool = pool

    def generate_task(self, rng: np.random.Generator) -> Task:
        question = self.pool[int(rng.integers(len(self.pool)))]
        prompt = (self.system_with_tools(INSTRUCTIONS), Message("user", question.question))
        return Task(f"lookup-{question.id}", prompt, question.answers, {"question": question})

    def task_count(self) -> int | None:
        """One task per question: the space is the questions."""
        return len(self.pool)

    def gold_action(self) -> str:
        """The gold search for the next hop; after the last hop, the answer."""
        question: Question = self.task.metadata["question"]
        searched = sum(d["role"] == "tool" for d in self._dicts)
        if searched < question.hops:
            return tool_call_text("search", {"query": question.queries[searched]})
        return f"<answer>{question.answers[0]}</answer>"

    def hint(self) -> Sequence[Message]:
        return (Message("user", f"Hint: the correct answer is {self.task.reference[0]}."),)

    def hack_actions(self) -> Mapping[str, str]:
        question: Question = self.task.metadata["question"]
        return {
            "empty": "",
            "empty_tags": "<answer></answer>",
            "wrong_entity": f"<answer>{self._other_answers(question, 1)[0]}</answer>",
            "many_candidates": f"<answer>{', '.join(self._candidates(question))}</answer>",
            "no_tags": question.answers[0],
            "echo_question": f"<answer>{question.question}</answer>",
        }

    def _other_answers(self, question: Question, n: int) -> list[str]:
        """``n`` answers of other questions that are not accepted here, in a fixed order."""
        accepted = {normalize(a) for a in question.answers}
        everyone = questions()
        start = everyone.index(question)
        out: list[str] = []
        for other in everyone[start + 1:] + everyone[:start]:
            if normalize(other.answers[0]) not in accepted | {normalize(a) for a in out}:
                out.append(other.answers[0])
            if len(out) == n:
                break
        return out

    def _candidates(self, question: Question) -> list[str]:
        """The right answer hidden among other questions' answers."""
        names = self._other_answers(question, CANDIDATES - 1)
        names.insert(len(names) // 2, question.answers[0])
        return names
