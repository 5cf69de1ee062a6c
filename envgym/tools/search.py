"""A ``search`` tool over a local document collection, ranked by SQLite's FTS5 full-text index.

    docs = [{"id": "d1", "title": "Varnholm Bridge", "text": "The bridge was built by Orlen Works."}]
    search = make_search_tool(Search(docs))
    search("who built the Varnholm bridge?")     # '1. [d1] Varnholm Bridge: The bridge was built ...'

Nothing leaves the machine: the index is an in-memory SQLite database built from the documents
on the first query. Ranking is FTS5's BM25 with the title weighted above the text; words are
stemmed (Porter) and accents folded, so "founded" finds "founder". The model's query is read
as plain words, never as FTS5 query syntax: any text is a valid query, and punctuation, quotes
or operators in it cannot break or widen the search.

FTS5 ships with the SQLite that CPython's installers and most Linux distributions bundle; where
it is missing, building an index raises ``SearchUnavailable`` saying so (a tool call gets that
message back as an ``Error:`` result).
"""

from __future__ import annotations

import re
import sqlite3
import threading
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from envgym.errors import EnvgymError
from envgym.tools.base import DEFAULT_TIMEOUT_S, Tool

Document = Mapping[str, str]
"""A document: ``{"id": ..., "title": ..., "text": ...}`` (strings)."""

DEFAULT_K = 3
MAX_K = 10
SNIPPET_TOKENS = 64  # FTS5's upper bound for one snippet: short documents are shown whole
MAX_QUERY_WORDS = 32
TITLE_WEIGHT = 4.0
STOP_WORDS = frozenset(
    "a an and are as at be by did do does for from had has have in is it its of on or that the this "
    "to was were what when where which who whom whose why with how".split()
)
_WORD = re.compile(r"\w+")


class SearchUnavailable(EnvgymError):
    """This Python's sqlite3 has no FTS5 module."""


@dataclass(frozen=True)
class Hit:
    """One result: the document's id and title, the best-matching passage, and its BM25 score
    (lower is better, as FTS5 reports it)."""

    id: str
    title: str
    snippet: str
    score: float


def fts5_available() -> bool:
    """Whether this Python's sqlite3 can build FTS5 tables."""
    try:
        sqlite3.connect(":memory:").execute("CREATE VIRTUAL TABLE t USING fts5(x)")
    except sqlite3.OperationalError:
        return False
    return True


def build_index(documents: Iterable[Document]) -> sqlite3.Connection:
    """An in-memory FTS5 index of ``documents`` (columns id, title, text), usable from any thread.

    Raises SearchUnavailable without FTS5, ValueError for a malformed document or a repeated id.
    """
    if not fts5_available():
        raise SearchUnavailable(
            f"the search tool needs SQLite's FTS5 full-text module, which this Python's sqlite3 "
            f"(SQLite {sqlite3.sqlite_version}) lacks: use a Python whose SQLite is built with FTS5 "
            "(python.org and most distribution builds are)")
    db = sqlite3.connect(":memory:", check_same_thread=False)
    db.execute("CREATE VIRTUAL TABLE docs USING fts5(id UNINDEXED, title, text, "
               "tokenize = 'porter unicode61 remove_diacritics 2')")
    seen: set[str] = set()
    for n, doc in enumerate(documents):
        fields = [doc.get(k) if isinstance(doc, Mapping) else None for k in ("id", "title", "text")]
        if not all(isinstance(f, str) for f in fields):
            raise ValueError(f"document {n}: a document is a mapping with string 'id', 'title' and 'text', got {doc!r:.200}")
        if fields[0] in seen:
            raise ValueError(f"document {n}: the id {fields[0]!r} is used twice; document ids must be unique")
        seen.add(fields[0])
        db.execute("INSERT INTO docs (id, title, text) VALUES (?, ?, ?)", fields)
    db.commit()
    return db


def match_expression(query: str) -> str | None:
    """The FTS5 MATCH expression for a plain-text query: its words, quoted, joined by OR; stop
    words are dropped unless nothing else is left. None when the query has no word.

    >>> match_expression('Who built "the" bridge in Varnholm?')
    '"built" OR "bridge" OR "varnholm"'
    """
    words = _WORD.findall(query.casefold())[:MAX_QUERY_WORDS]
    content = [w for w in words if w not in STOP_WORDS] or words
    unique = list(dict.fromkeys(content))
    return " OR ".join(f'"{w}"' for w in unique) if unique else None  # \w+ holds no quote to escape


class Search:
    """Ranked full-text search over a fixed collection; the index is built on the first query.

    documents: the collection (see ``Document``).
    Use ``Search.lazy(load)`` to read the collection only when the first query comes.
    """

    def __init__(self, documents: Iterable[Document]) -> None:
        collection = tuple(documents)
        self._load: Callable[[], Iterable[Document]] = lambda: collection
        self._db: sqlite3.Connection | None = None
        self._lock = threading.Lock()

    @classmethod
    def lazy(cls, load: Callable[[], Iterable[Document]]) -> Search:
        """A search whose documents come from ``load()``, called once, on the first query."""
        search = cls(())
        search._load = load
        return search

    def query(self, text: str, k: int = DEFAULT_K) -> list[Hit]:
        """The ``k`` best documents for ``text``, best first; [] when nothing matches."""
        expression = match_expression(text)
        if expression is None:
            return []
        with self._lock:  # one connection, shared by the tool's threads
            if self._db is None:
                self._db = build_index(self._load())
            rows = self._db.execute(
                "SELECT id, title, snippet(docs, 2, '', '', ' ... ', ?), bm25(docs, 0.0, ?, 1.0) AS score "
                "FROM docs WHERE docs MATCH ? ORDER BY score LIMIT ?",
                (SNIPPET_TOKENS, TITLE_WEIGHT, expression, k)).fetchall()
        return [Hit(*row) for row in rows]

    def __call__(self, query: str, k: int = DEFAULT_K) -> str:
        """The results as the model reads them: one numbered ``[id] Title: snippet`` line each."""
        if not query.strip():
            return "Error: the query is empty; give a few keywords"
        k = max(1, min(k, MAX_K))
        hits = self.query(query, k)
        if not hits:
            return f"No results for {query!r}: try other keywords (names, places, things)."
        return "\n".join(f"{i}. [{h.id}] {h.title}: {h.snippet}" for i, h in enumerate(hits, 1))


def make_search_tool(collection: Search | Iterable[Document], *, name: str = "search",
                     about: str = "a local collection of documents", k: int = DEFAULT_K,
                     timeout_s: float = DEFAULT_TIMEOUT_S) -> Tool:
    """A tool searching ``collection`` (a ``Search``, or the documents themselves).

    name: what the model calls it by.
    about: what the collection holds, for the tool's description ("an encyclopedia of ...").
    k: how many results a call returns unless it asks for another number (1 to ``MAX_K``).
    """
    search = collection if isinstance(collection, Search) else Search(collection)
    if not 1 <= k <= MAX_K:
        raise ValueError(f"search tool {name!r}: k must be from 1 to {MAX_K}, got {k}")
    parameters = {
        "type": "object",
        "properties": {
            "query": {"type": "string", "description": "Keywords to look for, e.g. a name and what you want to know about it."},
            "k": {"type": "integer", "description": f"How many results to return (1-{MAX_K}, default {k})."},
        },
        "required": ["query"],
        "additionalProperties": False,
    }
    description = (f"Search {about} by keywords. Returns the best-matching documents, each as its id, "
                   "title and the passage that matches best.")

    def run(query: str, k: int = k) -> str:
        return search(query, k)

    return Tool(name, description, parameters, run, timeout_s)
