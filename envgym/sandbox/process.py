"""``process``: rlimits and a private temporary directory. NOT isolation.

For machines without bubblewrap or Docker. The program can read every world-readable host file.
When envgym runs as root it also gets what root can give cheaply: a throwaway unprivileged uid
(so the process limit binds, the host's files are not writable, and every leftover process can
be killed), and private network, IPC and mount namespaces with fresh tmpfs over ``/tmp``,
``/var/tmp`` and ``/dev/shm``. As another user it runs as that user, with the network, and
daemons that leave the process group can survive the run. Constructing one warns, every time.

Disk: every file is bounded by ``file_size_mb`` (RLIMIT_FSIZE: the write fails with EFBIG, "File
too large"). As root the work directory is also a tmpfs of ``disk_mb`` of its own, as are the
temporary directories, so the run's total is bounded the way bwrap's and docker's are: a write
past it fails with ENOSPC, "No space left on device", and the result says ``stopped="disk"``.
As another user the work directory is a plain directory on the host's disk (the total is not
bounded, only each file), and the program may write wherever that user may.
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
        sized = root and _mount_tmpfs(work, limits.disk_mb)
        try:
            try:
                _write_files(work, files or {})
            except OSError as exc:  # ENOSPC: more than disk_mb (a caller's problem, reported as the run's)
                return RunResult(None, "", f"the run's files do not fit its disk ({limits.disk_mb} MiB): {exc}", 0.0,
                                 "disk" if sized else None, backend=self.name)
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
            if sized:
                _unmount(work)  # frees what the run wrote at once
            shutil.rmtree(work, ignore_errors=True)
            if uid is not None:
                self._slots.release(uid)


def _write_files(work: Path, files: Mapping[str, str | bytes]) -> None:
    for name, data in files.items():
        path = work / check_name(name)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(to_bytes(data))


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


MNT_DETACH = 2


def _mount_tmpfs(path: Path, size_mb: int) -> bool:
    """As root: make ``path`` a tmpfs of ``size_mb`` MiB (and a bounded number of files); False
    where mounting is not permitted (a container without CAP_SYS_ADMIN)."""
    import ctypes

    libc = ctypes.CDLL(None, use_errno=True)
    options = f"size={size_mb}m,nr_inodes={max(1024, size_mb * 128)},mode=0700"
    return libc.mount(b"tmpfs", str(path).encode(), b"tmpfs", MS_NOSUID | MS_NODEV, options.encode()) == 0


def _unmount(path: Path) -> None:
    import ctypes

    ctypes.CDLL(None, use_errno=True).umount2(str(path).encode(), MNT_DETACH)


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
