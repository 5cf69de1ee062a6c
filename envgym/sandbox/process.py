"""``process``: rlimits and a private temporary directory, nothing more. NOT isolation.

For machines without bubblewrap or Docker. The program sees the host's files, network and
environment variables the user allows; it runs as a throwaway unprivileged uid when envgym runs
as root (so the process limit binds and every leftover process can be killed), as the current
user otherwise (then RLIMIT_NPROC counts all of that user's processes, and daemons that leave
the process group can survive the run). Constructing one warns, loudly, every time.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import warnings
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from envgym.sandbox.base import Limits, RunResult, SandboxBase, check_name, is_root, kill_uid, rlimit_setter, run_process, to_bytes


class NotIsolatedWarning(UserWarning):
    """The ``process`` sandbox is in use: untrusted code runs with only rlimits around it."""


HARNESS_DIR = "_harness"


class ProcessSandbox(SandboxBase):
    name = "process"

    def harness_path(self, name: str) -> str:
        return f"{HARNESS_DIR}/{name}"

    def __init__(self, limits: Limits | None = None, **kwargs: Any) -> None:
        super().__init__(limits, **kwargs)
        warnings.warn("envgym sandbox 'process' is NOT isolation: the program can read host files and reach the "
                      "network; only rlimits bound it. Install bubblewrap (apt-get install bubblewrap) and use 'bwrap'.",
                      NotIsolatedWarning, stacklevel=2)

    def run(self, command: Sequence[str], *, files: Mapping[str, str | bytes] | None = None,
            stdin: str | bytes | None = None, limits: Limits | None = None,
            readonly_files: Mapping[str, str | bytes] | None = None) -> RunResult:
        limits = limits or self.limits
        root = is_root()
        uid = self._slots.acquire() if root else None
        work = Path(tempfile.mkdtemp(prefix="envgym-process-"))
        try:
            for name, data in (files or {}).items():
                path = work / check_name(name)
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(to_bytes(data))
            if uid is not None:
                for path in (work, *work.rglob("*")):
                    os.lchown(path, uid, uid)
            for name, data in (readonly_files or {}).items():  # root's (when root): the program cannot change them
                path = work / HARNESS_DIR / check_name(name)
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(to_bytes(data))
                path.chmod(0o444)
            env = {"PATH": "/usr/bin:/bin", "HOME": str(work), "LANG": "C.UTF-8", "PYTHONDONTWRITEBYTECODE": "1"}
            return run_process(command, stdin=to_bytes(stdin), limits=limits, cwd=str(work), env=env,
                               preexec_fn=rlimit_setter(limits, uid=uid, nproc=uid is not None), backend=self.name,
                               cleanup=(lambda: kill_uid(uid)) if uid is not None else None)
        finally:
            shutil.rmtree(work, ignore_errors=True)
            if uid is not None:
                self._slots.release(uid)
