"""``bwrap``: bubblewrap namespaces around every run. The default where bubblewrap is installed.

Each run gets new user, PID, network, IPC, UTS and cgroup namespaces; a root filesystem that
holds only the read-only system directories (``/usr`` and its links, ``/etc/ld.so.cache``),
never the host's home, project or secrets; a fresh size-limited tmpfs as ``/work`` (the
program's files are copied in from memory); trusted files read-only under ``/harness``; a cleared
environment; ``--die-with-parent`` and ``--new-session``; an unprivileged uid inside.

Limits that hold for root: bwrap itself is started as a throwaway host uid (one per concurrent
run) with rlimits set, so RLIMIT_NPROC binds (it does not for uid 0) and the run's processes can
neither signal the host's nor each other's. The wall-clock kill takes the PID namespace's init
with it, so nothing the program forked, daemonised or detached outlives the run.
"""

from __future__ import annotations

import os
import queue
import shutil
import threading
import weakref
from collections.abc import Mapping, Sequence
from typing import Any

from envgym.errors import EnvgymError
from envgym.sandbox.base import Limits, RunResult, SandboxBase, check_name, is_root, kill_uid, memfd, rlimit_setter, run_process, to_bytes

SYSTEM_DIRS = ("/usr",)
SYSTEM_LINKS = {"/bin": "usr/bin", "/lib": "usr/lib", "/lib64": "usr/lib64", "/sbin": "usr/sbin"}
SYSTEM_FILES = ("/etc/ld.so.cache", "/etc/localtime")
INNER_UID = 1000


class BwrapSandbox(SandboxBase):
    name = "bwrap"

    def __init__(self, limits: Limits | None = None, *, bwrap: str | None = None, warm: bool = True,
                 extra_ro_binds: Sequence[str] = (), hide: Sequence[str] = (), **kwargs: Any) -> None:
        """``warm``: run through a pool of ``concurrency`` long-lived zygotes, a fresh inner sandbox
        per run (``envgym.sandbox.zygote``); False starts a whole bubblewrap sandbox per run.
        ``extra_ro_binds``: host directories bound read-only at the same path. ``hide``: host
        directories that runs must not see even where they lie inside a bound one (a package's
        data installed under ``/usr``): each is covered by an empty read-only tmpfs."""
        super().__init__(limits, **kwargs)
        self.warm = warm
        self._idle: queue.LifoQueue = queue.LifoQueue()
        self._zygotes: list[Any] = []
        self._lock = threading.Lock()
        self.bwrap = bwrap or shutil.which("bwrap")
        if self.bwrap is None:
            raise EnvgymError("sandbox 'bwrap' needs bubblewrap: apt-get install bubblewrap "
                              "(or choose another backend: envgym.make_sandbox('docker') / 'process')")
        self.extra_ro_binds = tuple(extra_ro_binds)
        bound = (*SYSTEM_DIRS, *self.extra_ro_binds)
        self.hide = tuple(h for h in map(os.path.realpath, hide)
                          if os.path.isdir(h) and any(h == d or h.startswith(d.rstrip("/") + "/") for d in bound))
        # a sandbox dropped without close() still ends its zygotes (they would live as long as the process)
        weakref.finalize(self, _end_zygotes, self._lock, self._zygotes, self._slots)

    def _system(self) -> list[str]:
        argv = []
        for d in (*SYSTEM_DIRS, *self.extra_ro_binds):
            argv += ["--ro-bind", d, d]
        for d in self.hide:  # over the binds; the final --remount-ro / makes the tmpfs read-only
            argv += ["--size", "4096", "--perms", "0555", "--tmpfs", d, "--remount-ro", d]
        for link, target in SYSTEM_LINKS.items():
            if os.path.islink(link):
                argv += ["--symlink", target, link]
        for f in SYSTEM_FILES:
            if os.path.exists(f):
                argv += ["--ro-bind", f, f]
        return argv

    def zygote_argv(self, script_fd: int) -> list[str]:
        """The long-lived sandbox: in-namespace root with capabilities over its own namespaces only,
        so its supervisor can make the runs' nested namespaces (``envgym.sandbox.zygote``)."""
        return [self.bwrap, "--unshare-all", "--die-with-parent", "--new-session", "--clearenv", "--uid", "0", "--gid", "0",
                "--cap-add", "ALL", "--hostname", "sandbox", *self._system(), "--proc", "/proc", "--dev", "/dev",
                "--dir", "/work", "--dir", "/tmp", "--dir", "/harness", "--ro-bind-data", str(script_fd), "/supervisor.py",
                # /dev is a tmpfs without a size that every run would share: read-only (runs mount their own /dev/shm)
                "--remount-ro", "/dev", "--remount-ro", "/", "--chdir", "/", "--", self.python, "-I", "-S", "/supervisor.py"]

    def argv(self, limits: Limits, fds: Mapping[str, int], readonly: Mapping[str, int], command: Sequence[str]) -> list[str]:
        argv = [self.bwrap, "--unshare-all", "--die-with-parent", "--new-session", "--clearenv",
                "--uid", str(INNER_UID), "--gid", str(INNER_UID), "--hostname", "sandbox", *self._system()]
        size = str(limits.disk_mb << 20)
        argv += ["--proc", "/proc", "--dev", "/dev", "--size", size, "--tmpfs", "/dev/shm", "--remount-ro", "/dev",
                 "--size", size, "--tmpfs", "/tmp", "--size", size, "--tmpfs", "/work"]
        for name, fd in fds.items():
            argv += ["--file", str(fd), f"/work/{name}"]
        for name, fd in readonly.items():
            argv += ["--ro-bind-data", str(fd), f"/harness/{name}"]
        argv += ["--remount-ro", "/", "--chdir", "/work",
                 "--setenv", "PATH", "/usr/bin:/bin", "--setenv", "HOME", "/work", "--setenv", "LANG", "C.UTF-8",
                 "--setenv", "PYTHONDONTWRITEBYTECODE", "1", "--", *command]
        return argv

    def run(self, command: Sequence[str], *, files: Mapping[str, str | bytes] | None = None,
            stdin: str | bytes | None = None, limits: Limits | None = None,
            readonly_files: Mapping[str, str | bytes] | None = None) -> RunResult:
        limits = limits or self.limits
        if self.warm:
            return self._run_warm(command, files or {}, readonly_files or {}, to_bytes(stdin), limits)
        fds = {check_name(n): memfd(n, d) for n, d in (files or {}).items()}
        readonly = {check_name(n): memfd(n, d) for n, d in (readonly_files or {}).items()}
        uid = self._slots.acquire() if is_root() else None
        try:
            argv = self.argv(limits, fds, readonly, command)
            # RLIMIT_NPROC is set after the uid switch; bwrap and its init count against it.
            bounded = limits.replace(processes=limits.processes + 2)
            return run_process(argv, stdin=to_bytes(stdin), limits=limits, pass_fds=[*fds.values(), *readonly.values()],
                               preexec_fn=rlimit_setter(bounded, uid=uid, nproc=uid is not None), backend=self.name,
                               cleanup=(lambda: kill_uid(uid)) if uid is not None else None)
        finally:
            for fd in (*fds.values(), *readonly.values()):
                os.close(fd)
            if uid is not None:
                self._slots.release(uid)

    # ---- warm: a pool of zygotes ----------------------------------------------------------------

    def _run_warm(self, command: Sequence[str], files: Mapping[str, str | bytes], readonly: Mapping[str, str | bytes],
                  stdin: bytes, limits: Limits) -> RunResult:
        files = {check_name(n): to_bytes(d) for n, d in files.items()}
        readonly = {check_name(n): to_bytes(d) for n, d in readonly.items()}
        for attempt in range(2):  # a zygote found dead mid-request is replaced once, not reported as the run's fault
            zygote = self._take()
            try:
                result = zygote.run(command, files, readonly, stdin, limits)
            finally:
                self._idle.put(zygote)
            if result.exit_code is not None or result.duration_s >= limits.wall_s or attempt:
                return result
        return result

    def _take(self) -> Any:
        from envgym.sandbox.zygote import Zygote

        with self._lock:
            if self._idle.empty() and len(self._zygotes) < self.concurrency:
                uid = self._slots.acquire() if is_root() else None
                zygote = Zygote(self.zygote_argv, uid)
                self._zygotes.append(zygote)
                return zygote
        zygote = self._idle.get()
        if not zygote.alive:  # it died (or was killed for not answering): a fresh one in its place
            zygote.kill()
            with self._lock:
                self._zygotes.remove(zygote)
                fresh = Zygote(self.zygote_argv, zygote.uid)
                self._zygotes.append(fresh)
            return fresh
        return zygote

    def leftover_processes(self, trusted: set[int] = frozenset()) -> list[str]:
        """As for any sandbox, less each zygote's own four: bwrap, its init, the supervisor, its runner."""
        from envgym.sandbox.base import sandbox_processes

        procs, keep = sandbox_processes(), set(trusted)
        for zygote in list(self._zygotes):
            layer = {zygote.proc.pid}
            for _ in range(3):  # bwrap -> its init -> the supervisor -> the runner
                keep |= layer
                layer = {pid for pid, (_, ppid, cmd) in procs.items() if ppid in layer and ("bwrap" in cmd or "/supervisor.py" in cmd)}
            keep |= layer
        return super().leftover_processes(keep)

    def close(self) -> None:
        _end_zygotes(self._lock, self._zygotes, self._slots)
        self._idle = queue.LifoQueue()


def _end_zygotes(lock: threading.Lock, zygotes: list[Any], slots: Any) -> None:
    """Kill every zygote in ``zygotes`` (emptied in place) and give back their uids."""
    with lock:
        ended = list(zygotes)
        zygotes.clear()
    for zygote in ended:
        zygote.kill()
        if zygote.uid is not None:
            slots.release(zygote.uid)
