"""The world of Aldermarch: a fictional kingdom's encyclopedia, its questions and its search tool.

``data/world.jsonl`` holds short articles (``id``, ``title``, ``text``) about an invented
kingdom: its towns, companies, people, buildings, inventions and events. Every fact is made up
for envgym, so no model knows them from pretraining and a correct answer needs the search tool.
Facts link across articles (a bridge names its builder, the builder's article names its
founder), so questions can take several searches.

``data/questions.jsonl`` holds questions written from those facts: the ``answer`` and any
``aliases``, the ``support`` articles in the order the hops reach them, and one gold search
``queries`` entry per hop (the gold policy's searches; tests check that each finds its article).

Both files ship as package data and are read with ``importlib.resources``, on first use.
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from importlib.resources import files

from envgym.tools.search import Document, Search, make_search_tool

ABOUT = "an encyclopedia of the kingdom of Aldermarch (its towns, people, companies, buildings and events)"


@dataclass(frozen=True)
class Question:
    """A question about the world, its answers and the gold path to them.

    answers: the reference answer first, then accepted aliases.
    support: ids of the articles that hold the facts, in hop order.
    queries: one gold search query per hop.
    """

    id: str
    question: str
    answers: tuple[str, ...]
    support: tuple[str, ...]
    queries: tuple[str, ...]

    @property
    def hops(self) -> int:
        return len(self.support)


def _read_jsonl(name: str) -> list[dict]:
    text = (files("envgym_tool_envs") / "data" / name).read_text(encoding="utf-8")
    return [json.loads(line) for line in text.splitlines() if line.strip()]


@functools.cache
def documents() -> tuple[Document, ...]:
    """Every article of the world, in file order."""
    return tuple(_read_jsonl("world.jsonl"))


@functools.cache
def questions() -> tuple[Question, ...]:
    """Every question about the world, in file order."""
    return tuple(
        Question(r["id"], r["question"], (r["answer"], *r.get("aliases", ())), tuple(r["support"]), tuple(r["queries"]))
        for r in _read_jsonl("questions.jsonl")
    )


search = make_search_tool(Search.lazy(documents), about=ABOUT)
"""The ``search`` tool over the world's articles (the index is built on the first call)."""
