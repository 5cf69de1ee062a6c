"""The coding tools of a working copy: ``bash``, ``read_file``, ``write_file``, ``str_replace``, ``run_tests``.

Each tool reads and changes the episode's working copy (``Workspace.files``, a dict of path ->
bytes kept on the host). ``bash`` and ``run_tests`` run in a fresh sandbox each time
(``envgym_repo.workspace.run_command``); the file tools work on the mapping directly. Paths are
relative to the repository root (``/work/...`` is accepted too); a path that leaves the
repository is refused. Every tool returns text and never raises: a mistake is an ``Error:``
message the agent reads.
"""

from __future__ import annotations

import re

from collections.abc import Callable
from typing import Any

from envgym.tools import Tool
from envgym_repo.workspace import MAX_FILE_BYTES, MAX_TREE_FILES, run_command, safe_path

BASH_WALL_S = 20.0
TESTS_WALL_S = 30.0
READ_CHARS = 12_000
RESULT_CHARS = READ_CHARS + 1_000  # the longest result a tool here returns: a file read, with its header
TESTS_COMMAND = "python -m pytest -q -p no:cacheprovider -x --no-header -rN tests 2>&1 | tail -n 40"


class Workspace:
    """One episode's working copy and the sandbox its commands run in (``box`` opened on first use)."""

    def __init__(self, files: dict[str, bytes], open_box: Callable[[], Any]) -> None:
        self.files = files
        self._open_box = open_box

    # ---- the tools, as the model sees them (docstrings are their descriptions) ------------------

    def bash(self, command: str) -> str:
        """Run a shell command (/bin/sh) in the repository's root and return its output (stdout and stderr).

        Each command runs in a fresh sandbox holding the current files: changes to files in the
        repository are kept, anything else (processes, /tmp) is gone afterwards. No network. At
        most 20 seconds; long output is cut. `python` and `pytest` are available.

        Args:
            command: The command line, e.g. "grep -rn 'def parse' . && python -m pytest -q tests".
        """
        if not isinstance(command, str) or not command.strip():
            return "Error: the command is empty"
        result = run_command(self._open_box(), self.files, command, wall_s=BASH_WALL_S)
        if result.files is not None:
            self.files = result.files
        code = "did not finish" if result.exit_code is None else f"exit code {result.exit_code}"
        return f"{result.output.rstrip()}\n[{code}]".lstrip()

    def read_file(self, path: str) -> str:
        """Read a text file of the repository, with line numbers.

        Args:
            path: The file's path relative to the repository root, e.g. "pkg/module.py".
        """
        name = safe_path(path)
        if name is None:
            return f"Error: {path!r} is not a path inside the repository"
        if name not in self.files:
            folder = name.rstrip("/") + "/"
            inside = sorted(n for n in self.files if n.startswith(folder))
            if inside:
                return f"Error: {name} is a folder; its files: " + ", ".join(inside[:50])
            return f"Error: no file {name}; the files are: " + ", ".join(sorted(self.files)[:50])
        text = self.files[name].decode("utf-8", "replace")
        numbered = "\n".join(f"{i:4d}  {line}" for i, line in enumerate(text.splitlines(), 1))
        if len(numbered) > READ_CHARS:
            numbered = numbered[:READ_CHARS] + f"\n[file cut at {READ_CHARS} characters; use bash (sed -n) for the rest]"
        return numbered or "(empty file)"

    def write_file(self, path: str, content: str) -> str:
        """Create or overwrite a file of the repository with the given content.

        Args:
            path: The file's path relative to the repository root, e.g. "pkg/new_module.py".
            content: The whole new content of the file.
        """
        name = safe_path(path)
        if name is None:
            return f"Error: {path!r} is not a path inside the repository"
        data = content.encode() if isinstance(content, str) else None
        if data is None:
            return "Error: content must be a string"
        if len(data) > MAX_FILE_BYTES:
            return f"Error: the content is {len(data)} bytes; a file may hold at most {MAX_FILE_BYTES}"
        if name not in self.files and len(self.files) >= MAX_TREE_FILES:
            return f"Error: the repository already holds {MAX_TREE_FILES} files"
        if any(n.startswith(name + "/") for n in self.files):
            return f"Error: {name} is a folder"
        parent = next((p for p in _parents(name) if p in self.files), None)
        if parent is not None:  # the sandbox could not hold both; every later command would fail
            return f"Error: {parent} is a file, so {name} cannot be created inside it"
        self.files = {**self.files, name: data}
        return f"Wrote {len(data)} bytes to {name}"

    def str_replace(self, path: str, old: str, new: str) -> str:
        """Replace one exact occurrence of a piece of text in a file (it must occur exactly once).

        Args:
            path: The file's path relative to the repository root.
            old: The exact text to replace, with enough context to occur only once.
            new: The text to put in its place.
        """
        name = safe_path(path)
        if name is None:
            return f"Error: {path!r} is not a path inside the repository"
        if name not in self.files:
            return f"Error: no file {name}"
        if not isinstance(old, str) or not isinstance(new, str) or not old:
            return "Error: old must be a non-empty string and new a string"
        text = self.files[name].decode("utf-8", "replace")
        count = text.count(old)
        if count != 1:
            return f"Error: the text occurs {count} times in {name}; it must occur exactly once"
        return self.write_file(name, text.replace(old, new, 1)).replace("Wrote", "Edited: wrote", 1)

    def run_tests(self, path: str = "tests") -> str:
        """Run the repository's visible tests with pytest and return the summary.

        Args:
            path: A test file or folder to run, relative to the repository root (default: "tests").
        """
        name = safe_path(path or "tests")
        if name is None:
            return f"Error: {path!r} is not a path inside the repository"
        command = TESTS_COMMAND.replace(" tests ", f" '{name}' ")
        result = run_command(self._open_box(), self.files, command, wall_s=TESTS_WALL_S)
        return without_timing(result.output.strip()) or "(no output)"

    def tools(self) -> list[Tool]:
        # bash, read_file and run_tests cut their own output (keeping its end: pytest's summary, the
        # exit code); the tool layer's default 2,000 characters would cut those off.
        return [Tool.from_function(self.bash, timeout_s=BASH_WALL_S + 15, stateful=True, max_result_chars=RESULT_CHARS),
                Tool.from_function(self.read_file, timeout_s=5, max_result_chars=RESULT_CHARS),
                Tool.from_function(self.write_file, timeout_s=5, stateful=True),
                Tool.from_function(self.str_replace, timeout_s=5, stateful=True),
                Tool.from_function(self.run_tests, timeout_s=TESTS_WALL_S + 15, max_result_chars=RESULT_CHARS)]


def without_timing(summary: str) -> str:
    """pytest's summary without its run time, so the same actions give the same observation.

    >>> without_timing("1 failed, 2 passed in 0.05s")
    '1 failed, 2 passed'
    >>> without_timing("==== 3 passed in 61.20s (0:01:01) ====")
    '==== 3 passed ===='
    """
    return _TIMING.sub("", summary)


_TIMING = re.compile(r" in \d+(?:\.\d+)?s(?: \(\d+:\d\d:\d\d\))?(?=(?: =+)?[ \t]*$)", re.M)


def _parents(name: str) -> list[str]:
    """``a/b/c`` -> ``["a", "a/b"]``."""
    parts = name.split("/")
    return ["/".join(parts[:i]) for i in range(1, len(parts))]
