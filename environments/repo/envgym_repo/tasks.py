"""Repository tasks, read from data files: one directory per task under ``envgym_repo/data``.

    data/<name>/
      task.toml       difficulty (1 easiest .. 4), packages (the source packages grading takes
                      from the agent's copy), hidden_tests (how many the hidden files hold), issue
      repo/           the repository as the agent first sees it: source packages and visible tests
      hidden/         test_*.py files the agent never sees (flat: no folders); they hold inputs
                      and no expected values: each ``test_*`` function calls the code and
                      records what it returns with ``from observe import observe,
                      observe_raises`` (``envgym_repo.observe``), and grading compares that
                      with what the same test records of the gold solution
      solution/       the gold patch: every file it changes or adds, whole, at its repository path

Adding a task is adding a directory; ``tests/test_repo_env.py`` checks every task: the gold
solution passes all hidden and visible tests, the original repository fails a hidden test. A
hidden test that records nothing, or raises on the gold solution, is refused by name at grading.
"""

from __future__ import annotations

import difflib
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

DIFFICULTIES = (1, 2, 3, 4)


@dataclass(frozen=True)
class RepoTask:
    """One task: its repository, the issue, the hidden tests and the gold patch (files by path)."""

    name: str
    difficulty: int
    packages: tuple[str, ...]
    issue: str
    files: Mapping[str, bytes]
    hidden: Mapping[str, bytes]
    solution: Mapping[str, bytes]
    hidden_tests: int

    def patch(self) -> str:
        """The gold patch as a unified diff, for people reading it."""
        out = []
        for path, new in sorted(self.solution.items()):
            old = self.files.get(path, b"").decode().splitlines(keepends=True)
            out += difflib.unified_diff(old, new.decode().splitlines(keepends=True), f"a/{path}", f"b/{path}")
        return "".join(out)


def _tree(root: Any, prefix: str = "") -> dict[str, bytes]:
    files = {}
    for entry in sorted(root.iterdir(), key=lambda e: e.name):
        if entry.name == "__pycache__":
            continue
        if entry.is_dir():
            files.update(_tree(entry, f"{prefix}{entry.name}/"))
        else:
            files[f"{prefix}{entry.name}"] = entry.read_bytes()
    return files


@cache
def load_tasks() -> tuple[RepoTask, ...]:
    """Every task shipped in ``envgym_repo/data``, by name."""
    data = resources.files("envgym_repo") / "data"
    tasks = []
    for folder in sorted((d for d in data.iterdir() if d.is_dir() and not d.name.startswith(("_", "."))),
                         key=lambda d: d.name):
        meta = tomllib.loads((folder / "task.toml").read_text())
        hidden = _tree(folder / "hidden")
        if not hidden or any("/" in n or not n.startswith("test_") for n in hidden):
            raise ValueError(f"envgym/Repo-v0 task {folder.name!r}: hidden/ must hold flat test_*.py files")
        difficulty = int(meta["difficulty"])
        if difficulty not in DIFFICULTIES:
            raise ValueError(f"envgym/Repo-v0 task {folder.name!r}: difficulty must be one of {DIFFICULTIES}")
        tasks.append(RepoTask(folder.name, difficulty, tuple(meta["packages"]), meta["issue"].strip(),
                              _tree(folder / "repo"), hidden, _tree(folder / "solution"), int(meta["hidden_tests"])))
    return tuple(tasks)


def select(names: Sequence[str] | None, difficulty: Sequence[int] | int | None) -> tuple[RepoTask, ...]:
    """The tasks named (default all), of the difficulties asked for (default all)."""
    every = load_tasks()
    by_name = {t.name: t for t in every}
    if names is not None:
        unknown = [n for n in names if n not in by_name]
        if unknown:
            raise ValueError(f"envgym/Repo-v0: unknown task(s) {unknown}; the tasks are {sorted(by_name)}")
        chosen = tuple(by_name[n] for n in names)
    else:
        chosen = every
    if difficulty is not None:
        levels = {difficulty} if isinstance(difficulty, int) else set(difficulty)
        chosen = tuple(t for t in chosen if t.difficulty in levels)
    if not chosen:
        raise ValueError(f"envgym/Repo-v0: no task matches tasks={names} difficulty={difficulty}")
    return chosen
