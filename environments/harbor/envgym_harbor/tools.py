"""The tools of a Harbor episode: ``envgym_repo``'s five (``bash``, ``read_file``, ``write_file``,
``str_replace``, ``run_tests``) on the task's working directory.

They are ``envgym_repo.tools.Workspace``'s tools, unchanged in what they do; this subclass only
accepts paths written under the task's working directory (``/app/out.txt`` as well as
``out.txt``) and describes them to the model as a task's working directory, not a repository.
Commands run through ``envgym_harbor.rootfs.RootedSandbox``, so the shell sees the directory at
its real path.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from envgym_repo.tools import Workspace


class HarborWorkspace(Workspace):
    """One episode's working directory (files by path relative to ``workdir``) and its sandbox."""

    def __init__(self, files: dict[str, bytes], open_box: Callable[[], Any], workdir: str) -> None:
        super().__init__(files, open_box)
        self.workdir = workdir

    def _local(self, path: str) -> str:
        if isinstance(path, str) and (path.strip() == self.workdir or path.strip().startswith(self.workdir + "/")):
            return path.strip()[len(self.workdir):].lstrip("/") or "."
        return path

    def bash(self, command: str) -> str:
        """Run a shell command (/bin/sh) in the task's working directory and return its output (stdout and stderr).

        Each command runs in a fresh sandbox holding the working directory's current files: changes
        inside the working directory are kept (file contents only: not file modes, symlinks or empty
        folders), anything else (processes, other directories, /tmp) is gone afterwards. No network,
        nothing can be installed. At most 20 seconds; long output is cut.
        bash, coreutils, `python` and `pytest` are available.

        Args:
            command: The command line, e.g. "ls -la && head -n 5 data.csv".
        """
        return super().bash(command)

    def read_file(self, path: str) -> str:
        """Read a text file of the working directory, with line numbers.

        Args:
            path: The file's path, relative to the working directory or absolute inside it.
        """
        return super().read_file(self._local(path))

    def write_file(self, path: str, content: str) -> str:
        """Create or overwrite a file of the working directory with the given content.

        Args:
            path: The file's path, relative to the working directory or absolute inside it.
            content: The whole new content of the file.
        """
        return super().write_file(self._local(path), content)

    def str_replace(self, path: str, old: str, new: str) -> str:
        """Replace one exact occurrence of a piece of text in a file (it must occur exactly once).

        Args:
            path: The file's path, relative to the working directory or absolute inside it.
            old: The exact text to replace, with enough context to occur only once.
            new: The text to put in its place.
        """
        return super().str_replace(self._local(path), old, new)

    def run_tests(self, path: str = "tests") -> str:
        """Run pytest on test files in the working directory (ones the task ships, or ones you write)
        and return the summary. The task's own verifier is not here: it runs after you finish.

        Args:
            path: A test file or folder, relative to the working directory (default: "tests").
        """
        return super().run_tests(self._local(path))
