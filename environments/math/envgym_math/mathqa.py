r"""``envgym/MathQA-v0``: math questions from a file, answers checked by the ``math`` verifier.

    option          default                   meaning
    path            the shipped sample set    a .jsonl/.ndjson file, a .parquet file, or a folder
                                              written by ``datasets``' ``save_to_disk``
    question_field  "question"                the column holding the question ("problem" for MATH)
    answer_field    "answer"                  the column holding the answer: a bare answer, a
                                              solution ending in ``\boxed{}`` ("solution" for MATH)
                                              or a GSM8K rationale ending in ``#### 42``
    split           None                      the split of a ``DatasetDict`` folder (default
                                              "train", or its only split)
    system_prompt   ask for ``\boxed{}``      the system message, or None for none

The sample set (``envgym_math/data/mathqa_sample.jsonl``, 45 questions) has answers of every
form the verifier knows: integers, decimals, fractions, percentages, radicals, multiples of
pi, intervals, ordered pairs, expressions, an equation, a list of roots and a matrix. None of
its questions contains its own answer, so echoing a question back never scores.

An answer the verifier accepts still scores 0 when it only restates the question's own math
(``\boxed{\binom{8}{3}}`` for "Compute $\binom{8}{3}$"): a symbolic verifier rightly calls it equal
to the reference, but it answers nothing. See ``envgym_math.common.restatements``.

Tasks are drawn uniformly from the records; a task's id is a hash of its question, so it is
the same whichever file or order the question comes from.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

import numpy as np

import envgym
from envgym import Task, TextEnv, Verdict
from envgym_math.common import SYSTEM_PROMPT, answer_hacks, boxed, prompt, restatements, restates, task_id
from envgym_math.records import ENV_ID, QARecord, load_records, sample_path


class MathQAEnv(TextEnv):
    """Single-turn math questions read from a local file (the module docstring has the details).

    path: a .jsonl/.ndjson file, a .parquet file or a ``save_to_disk`` folder; None for the sample set.
    question_field / answer_field: the columns to read ("problem" / "solution" for MATH).
    split: the split of a ``DatasetDict`` folder; None for "train" or the only split.
    system_prompt: the system message, or None for none.
    answer_mode: how the final answer is found (the ``math`` verifier's ``mode``): ``final-answer``
        (default: boxed or not, as models answer a dataset's questions) or ``boxed`` (only boxes count).
    """

    def __init__(
        self,
        path: str | Path | None = None,
        question_field: str = "question",
        answer_field: str = "answer",
        split: str | None = None,
        system_prompt: str | None = SYSTEM_PROMPT,
        render_mode: str | None = None,
        answer_mode: str = "final-answer",
    ) -> None:
        if path is not None and not isinstance(path, (str, os.PathLike)):
            raise ValueError(f"{ENV_ID}: path must be a file or folder path, got {path!r}")
        for name, value in (("question_field", question_field), ("answer_field", answer_field)):
            if not isinstance(value, str) or not value:
                raise ValueError(f"{ENV_ID}: {name} must be a column name, got {value!r}")
        if question_field == answer_field:
            raise ValueError(f"{ENV_ID}: question_field and answer_field are both {question_field!r}")
        if split is not None and not isinstance(split, str):
            raise ValueError(f"{ENV_ID}: split must be a split name or None, got {split!r}")
        super().__init__(envgym.make_verifier("math", mode=answer_mode), render_mode=render_mode)
        self.path = sample_path() if path is None else Path(path)
        self.records: list[QARecord] = load_records(self.path, question_field, answer_field, split)
        self.system_prompt = system_prompt

    def generate_task(self, rng: np.random.Generator) -> Task:
        return self.task_at(int(rng.integers(len(self.records))))

    def task_at(self, index: int) -> Task:
        """The task for record ``index``: for evaluating every record in order."""
        record = self.records[index]
        return Task(
            task_id("mathqa", record.question),
            prompt(self.system_prompt, record.question),
            record.answer,
            {
                "question": record.question,
                "index": index,
                "answer_source": record.source,
                "restatements": restatements(record.question, record.answer),
            },
        )

    def score(self, action: str) -> Verdict:
        """The verifier's verdict, except that restating the question's own math scores 0."""
        verdict = self.verifier.verify(action, self.task.reference)
        if verdict.correct and restates(verdict.details.get("answer"), self.task.metadata["restatements"]):
            return Verdict.fail("the answer restates the question instead of answering it", **verdict.details)
        return verdict

    def task_count(self) -> int | None:
        """One task per record: the space is the records."""
        return len(self.records)

    def gold_action(self) -> str:
        return f"Working through the problem gives the final answer.\nThe answer is {boxed(self.task.reference)}."

    def hack_actions(self) -> Mapping[str, str]:
        question, answer = self.task.metadata["question"], self.task.reference
        return {
            **answer_hacks(question, answer),
            "boxed_question": f"The answer is {boxed(question)}.",
            "boxed_question_math": f"The answer is {boxed(_last_math(question))}.",
        }


def _last_math(question: str) -> str:
    """The last ``$...$`` span of the question, or the question when it has none."""
    spans = question.split("$")
    return spans[-2] if len(spans) >= 3 else question
