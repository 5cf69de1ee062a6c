"""``process``: rlimits and a private temporary directory. NOT isolation.

For machines without bubblewrap or Docker. The program can read every world-readable host file.
When envgym runs as root it also gets what root can give cheaply: a throwaway unprivileged uid
(so the process limit binds, the host's files are not writable, and every leftover process can
be killed), and private network, IPC and mount namespaces with fresh tmpfs over ``/tmp``,
``/var/tmp`` and ``/dev/shm``. As another user it runs as that user, with the network, and
daemons that leave the process group can survive the run. Constructing one warns, every time.
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
        work = Path(tempfile.mkdtemp(prefix="envgym-process-", dir=_work_base(root)))
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
            limit = rlimit_setter(limits, uid=uid, nproc=uid is not None)

            def preexec() -> None:
                if uid is not None:
                    _private_namespaces(limits)
                limit()

            return run_process(command, stdin=to_bytes(stdin), limits=limits, cwd=str(work), env=env, preexec_fn=preexec, backend=self.name,
                               cleanup=(lambda: kill_uid(uid)) if uid is not None else None)
        finally:
            shutil.rmtree(work, ignore_errors=True)
            if uid is not None:
                self._slots.release(uid)


CLONE_NEWNS, CLONE_NEWUTS, CLONE_NEWIPC, CLONE_NEWNET = 0x00020000, 0x04000000, 0x08000000, 0x40000000
MS_NOSUID, MS_NODEV, MS_REC, MS_PRIVATE = 2, 4, 0x4000, 1 << 18
PRIVATE_TMP = ("/tmp", "/var/tmp", "/dev/shm")


def _work_base(root: bool) -> str | None:
    """Work dirs must not live under the temporary dirs the child masks (as root)."""
    if not root or not os.path.isdir("/run"):
        return None
    base = "/run/envgym-process"
    os.makedirs(base, mode=0o711, exist_ok=True)
    return base


def _private_namespaces(limits: Limits) -> None:
    """In the child, as root, before the uid switch: no network, and private temporary dirs.
    The work directory stays reachable: it is already the child's working directory."""
    import ctypes

    libc = ctypes.CDLL(None, use_errno=True)
    if libc.unshare(CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWNET) != 0:
        return  # not permitted here (a container without CAP_SYS_ADMIN): rlimits only
    libc.mount(None, b"/", None, MS_REC | MS_PRIVATE, None)
    for d in PRIVATE_TMP:
        if os.path.isdir(d):
            libc.mount(b"tmpfs", d.encode(), b"tmpfs", MS_NOSUID | MS_NODEV, f"size={limits.disk_mb}m,mode=1777".encode())
