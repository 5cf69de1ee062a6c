"""The sandbox protocol: run untrusted programs with limits, get a result that says what happened.

    box = envgym.make_sandbox("bwrap", wall_s=5, memory_mb=256)
    result = box.run_python("print(input()[::-1])", stdin="abc")
    result.exit_code, result.stdout, result.stopped      # 0, 'cba\\n', None

A run never raises because of what the program did: a timeout, a memory or output limit, a
crash or garbage on stdout all come back as a ``RunResult`` (``stopped`` names the limit that
ended it). Only misuse (a bad limit, a backend that is not installed) raises.

Every backend shares the subprocess plumbing here (``run_process``): stdin written from a
thread, stdout and stderr read together up to their caps (a flood is cut and the run stopped),
a wall-clock deadline, and a kill of the whole process tree when the run ends for any reason.
"""

from __future__ import annotations

import dataclasses
import os
import selectors
import signal
import subprocess
import threading
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol, runtime_checkable

Stopped = Literal["timeout", "cpu", "memory", "output", "processes", "file_size", "disk", "signal"]
SANDBOX_UID_BASE = 200_000  # unprivileged host uids the sandboxes run as, one per concurrent run


@dataclass(frozen=True)
class Limits:
    """What one run may use. Every field is a hard limit enforced by the backend."""

    wall_s: float = 10.0
    """Wall-clock seconds before the whole process tree is killed."""
    cpu_s: float = 10.0
    """CPU seconds per process (RLIMIT_CPU)."""
    memory_mb: int = 512
    """Address space per process in MiB (RLIMIT_AS; a container-wide cap under docker)."""
    processes: int = 32
    """Processes and threads the run may have at once."""
    output_bytes: int = 1 << 20
    """Bytes kept of stdout and of stderr each; more stops the run."""
    file_size_mb: int = 16
    """Largest file the program may write (RLIMIT_FSIZE)."""
    open_files: int = 64
    """Open file descriptors per process (RLIMIT_NOFILE)."""
    disk_mb: int = 64
    """Size of the private work directory and of /tmp, each a tmpfs (bwrap, docker, and process
    as root; the process backend as another user bounds only each file, by ``file_size_mb``)."""

    def __post_init__(self) -> None:
        for f in dataclasses.fields(self):
            value = getattr(self, f.name)
            if not isinstance(value, (int, float)) or value <= 0:
                raise ValueError(f"sandbox limit {f.name} must be a positive number, got {value!r}")

    def replace(self, **changes: Any) -> Limits:
        unknown = set(changes) - {f.name for f in dataclasses.fields(self)}
        if unknown:
            raise TypeError(f"unknown sandbox limit(s) {sorted(unknown)}; known: {[f.name for f in dataclasses.fields(self)]}")
        return dataclasses.replace(self, **changes)


@dataclass(frozen=True)
class RunResult:
    """What a run did. ``ok`` is only "exited 0 and was not stopped": never a test verdict."""

    exit_code: int | None
    """The exit status; negative for a signal (``-9``); None when it never started."""
    stdout: str
    stderr: str
    duration_s: float
    stopped: Stopped | None = None
    """The limit that ended the run, or None when it ended by itself."""
    stdout_truncated: bool = False
    stderr_truncated: bool = False
    backend: str = ""
    stdout_bytes: bytes = field(default=b"", repr=False)
    """stdout as raw bytes (invalid UTF-8 is replaced in ``stdout``)."""

    @property
    def ok(self) -> bool:
        return self.exit_code == 0 and self.stopped is None


@dataclass(frozen=True)
class Program:
    """One run's request: files for the work directory, a command, stdin and limits."""

    command: Sequence[str]
    files: Mapping[str, str | bytes] = field(default_factory=dict)
    stdin: str | bytes | None = None
    limits: Limits | None = None
    readonly_files: Mapping[str, str | bytes] = field(default_factory=dict)
    """Trusted files (a test harness) placed read-only under ``/harness`` (bwrap, docker) or next to the work dir."""


@runtime_checkable
class Sandbox(Protocol):
    name: str
    limits: Limits

    def run(self, command: Sequence[str], *, files: Mapping[str, str | bytes] | None = None,
            stdin: str | bytes | None = None, limits: Limits | None = None,
            readonly_files: Mapping[str, str | bytes] | None = None) -> RunResult: ...

    def close(self) -> None: ...


class SandboxBase:
    """What every backend shares: defaults, ``run_python``, ``map`` over a concurrency limit,
    a context manager. Backends implement ``run``."""

    name = "base"
    python = "/usr/bin/python3"  # the interpreter inside the sandbox (the host's, read-only)

    def __init__(self, limits: Limits | None = None, *, concurrency: int | None = None, **overrides: Any) -> None:
        self.limits = (limits or Limits()).replace(**overrides) if overrides else (limits or Limits())
        self.concurrency = concurrency or max(os.cpu_count() or 1, 1)
        self._slots = _UidSlots(self.concurrency)
        become_subreaper()

    def run(self, command: Sequence[str], *, files: Mapping[str, str | bytes] | None = None,
            stdin: str | bytes | None = None, limits: Limits | None = None,
            readonly_files: Mapping[str, str | bytes] | None = None) -> RunResult:
        raise NotImplementedError

    def harness_path(self, name: str) -> str:
        """Where a ``readonly_files`` entry appears to the program."""
        return f"/harness/{name}"

    def run_python(self, code: str, stdin: str | bytes | None = None, *, args: Sequence[str] = (),
                   files: Mapping[str, str | bytes] | None = None, **limits: Any) -> RunResult:
        """Run ``code`` as ``main.py`` with the sandbox's Python (isolated mode, no site packages)."""
        files = {**(files or {}), "main.py": code}
        return self.run([self.python, "-I", "-S", "main.py", *args], files=files, stdin=stdin,
                        limits=self.limits.replace(**limits) if limits else None)

    def map(self, programs: Iterable[Program], *, progress: bool = False) -> list[RunResult]:
        """Run many programs, ``concurrency`` at a time; results in order."""
        programs = list(programs)

        def one(p: Program) -> RunResult:
            return self.run(p.command, files=p.files, stdin=p.stdin, limits=p.limits, readonly_files=p.readonly_files)

        with ThreadPoolExecutor(self.concurrency, thread_name_prefix=f"envgym-{self.name}") as pool:
            return list(pool.map(one, programs))

    def leftover_processes(self, trusted: set[int] = frozenset()) -> list[str]:
        """Processes of finished runs still alive (zombies run nothing and are not counted):
        anything running as a uid this sandbox handed out, except ``trusted`` pids. Other sandboxes
        open in the same process are not counted."""
        mine = self._slots.mine()
        return [f"{pid} uid {uid}: {cmd}" for pid, (uid, _, cmd) in sandbox_processes().items()
                if uid in mine and pid not in trusted]

    def close(self) -> None:
        pass

    def __enter__(self) -> SandboxBase:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.limits})"


def sandbox_processes(uids: range | None = None) -> dict[int, tuple[int, int, str]]:
    """Live (non-zombie) processes running as ``uids`` (default: this process's): pid -> (uid, ppid, command)."""
    uids = uids or own_uids()
    found = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            uid = entry.stat().st_uid
            if uid not in uids:
                continue
            with open(f"/proc/{entry.name}/stat", "rb") as f:
                state, ppid = f.read().rsplit(b")", 1)[1].split()[:2]
            if state == b"Z":
                continue
            with open(f"/proc/{entry.name}/cmdline", "rb") as f:
                command = f.read(200).replace(b"\0", b" ").decode(errors="replace").strip()
            found[int(entry.name)] = (uid, int(ppid), command)
        except (OSError, ValueError):
            continue
    return found


def own_uids(pid: int | None = None) -> range:
    """The host uids the sandbox runs of this process (or of ``pid``) use: a block per process."""
    start = SANDBOX_UID_BASE + (os.getpid() if pid is None else pid) % 1000 * 1000
    return range(start, start + 1000)


class _UidSlots:
    """Hands each concurrent run its own unprivileged uid, so per-user limits (RLIMIT_NPROC) bind
    per run, runs cannot signal each other, and "kill everything of this uid" cleans up one run."""

    _lock = threading.Lock()
    _owner: dict[int, int] = {}  # uid -> id of the slots holding it, shared by every sandbox in the process

    def __init__(self, size: int) -> None:
        self.size = size
        self.used: set[int] = set()  # every uid this sandbox has handed out

    def acquire(self) -> int:
        with self._lock:
            uid = own_uids().start
            while uid in self._owner:
                uid += 1
            self._owner[uid] = id(self)
            self.used.add(uid)
            return uid

    def release(self, uid: int) -> None:
        with self._lock:
            if self._owner.get(uid) == id(self):
                del self._owner[uid]

    def mine(self) -> set[int]:
        """The uids whose processes are this sandbox's: ones it used, unless another sandbox holds them now."""
        with self._lock:
            return {uid for uid in self.used if self._owner.get(uid, id(self)) == id(self)}


# ---- the subprocess plumbing every backend uses ---------------------------------------------


def to_bytes(data: str | bytes | None) -> bytes:
    if data is None:
        return b""
    return data.encode() if isinstance(data, str) else bytes(data)


def rlimit_setter(limits: Limits, *, uid: int | None = None, nproc: bool = True) -> Callable[[], None]:
    """A ``preexec_fn``: rlimits, then (as root) the switch to ``uid`` so RLIMIT_NPROC binds."""
    import resource

    def apply() -> None:
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
        cpu = max(1, int(limits.cpu_s + 0.999))
        resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
        memory = limits.memory_mb << 20
        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
        size = limits.file_size_mb << 20
        resource.setrlimit(resource.RLIMIT_FSIZE, (size, size))
        resource.setrlimit(resource.RLIMIT_NOFILE, (limits.open_files, limits.open_files))
        if uid is not None:
            os.setgroups([])
            os.setresgid(uid, uid, uid)
            os.setresuid(uid, uid, uid)
        if nproc:
            resource.setrlimit(resource.RLIMIT_NPROC, (limits.processes, limits.processes))

    return apply


_SUBREAPER = False


def become_subreaper() -> None:
    """Orphans of sandbox runs (a pid namespace's init, a daemonised child) are reparented to this
    process instead of the host's PID 1, which in containers often never reaps them: their zombies
    would pile up and count against the run uid's process limit. ``reap`` collects them."""
    global _SUBREAPER
    if _SUBREAPER or not is_root():
        return
    import ctypes

    PR_SET_CHILD_SUBREAPER = 36
    _SUBREAPER = ctypes.CDLL(None, use_errno=True).prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0


def reap(uid: int) -> bool:
    """Wait for this process's zombie children that ran as ``uid`` (orphans of a finished run);
    only those pids, never a child some other code of this process is waiting for. True when no
    process of ``uid`` that could still go away is left (live ones, or zombies that are ours)."""
    me, clear = os.getpid(), True
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            if entry.stat().st_uid != uid:
                continue
            with open(f"/proc/{entry.name}/stat", "rb") as f:
                state, ppid = f.read().rsplit(b")", 1)[1].split()[:2]
            if int(ppid) == me:
                clear = clear and os.waitpid(int(entry.name), os.WNOHANG)[0] != 0
            elif state != b"Z":
                clear = False
        except (OSError, ValueError, ChildProcessError):
            continue
    return clear


def kill_uid(uid: int) -> None:
    """SIGKILL every process of ``uid`` (as that uid, so nothing else can be hit)."""
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        try:
            os.setresgid(uid, uid, uid)
            os.setresuid(uid, uid, uid)
            for _ in range(3):
                try:
                    os.kill(-1, signal.SIGKILL)
                except ProcessLookupError:
                    break
        finally:
            os._exit(0)
    os.waitpid(pid, 0)
    deadline = time.monotonic() + 1.0
    while not reap(uid) and time.monotonic() < deadline:  # orphans reach us a moment after their parent dies
        time.sleep(0.002)


def run_process(argv: Sequence[str], *, stdin: bytes, limits: Limits, preexec_fn: Callable[[], None] | None = None,
                pass_fds: Sequence[int] = (), cwd: str | None = None, env: Mapping[str, str] | None = None,
                backend: str = "", cleanup: Callable[[], None] | None = None) -> RunResult:
    """Run ``argv`` with capped output and a wall-clock kill of its process group."""
    start = time.perf_counter()
    try:
        proc = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                preexec_fn=preexec_fn, pass_fds=tuple(pass_fds), cwd=cwd, env=dict(env or {}),
                                start_new_session=True, close_fds=True)
    except OSError as e:
        return RunResult(None, "", f"could not start {argv[0]}: {e}", time.perf_counter() - start, backend=backend)
    feeder = threading.Thread(target=_feed, args=(proc.stdin, stdin), daemon=True)
    feeder.start()
    cap = limits.output_bytes
    out, err = bytearray(), bytearray()
    truncated = {"out": False, "err": False}
    stopped: Stopped | None = None
    deadline = start + limits.wall_s
    with selectors.DefaultSelector() as sel:
        sel.register(proc.stdout, selectors.EVENT_READ, (out, "out"))
        sel.register(proc.stderr, selectors.EVENT_READ, (err, "err"))
        while sel.get_map():
            left = deadline - time.perf_counter()
            if left <= 0:
                stopped = "timeout"
                break
            for key, _ in sel.select(min(left, 0.5)):
                chunk = os.read(key.fd, 65536)
                buf, which = key.data
                if not chunk:
                    sel.unregister(key.fileobj)
                    continue
                room = cap - len(buf)
                buf += chunk[:max(room, 0)]
                if len(chunk) > room:
                    truncated[which] = True
                    stopped = "output"
            if stopped:
                break
    if stopped:
        _kill_group(proc)
    try:
        code = proc.wait(timeout=max(deadline - time.perf_counter(), 0) + 1.0)
    except subprocess.TimeoutExpired:  # output closed, but the process hangs on: kill it
        stopped = stopped or "timeout"
        _kill_group(proc)
        code = proc.wait()
    _kill_group(proc)  # whatever it left behind in its group
    if cleanup is not None:
        cleanup()
    for pipe in (proc.stdout, proc.stderr, proc.stdin):
        try:
            pipe.close()
        except OSError:
            pass
    duration = time.perf_counter() - start
    stderr = bytes(err).decode("utf-8", "replace")
    stopped = stopped or classify(code, stderr)
    return RunResult(code, bytes(out).decode("utf-8", "replace"), stderr, duration, stopped,
                     truncated["out"], truncated["err"], backend, bytes(out))


def classify(code: int | None, stderr: str) -> Stopped | None:
    """Name the limit behind an exit, from the signal or the interpreter's last words."""
    if code is None:
        return None
    if code in (-signal.SIGXCPU, 128 + signal.SIGXCPU):
        return "cpu"
    if code in (-signal.SIGXFSZ, 128 + signal.SIGXFSZ):
        return "file_size"
    tail = stderr[-2000:]
    if "File too large" in tail:  # Python ignores SIGXFSZ: the write fails with EFBIG instead
        return "file_size"
    if "No space left on device" in tail:  # ENOSPC: the tmpfs of disk_mb is full
        return "disk"
    if "MemoryError" in tail or "Cannot allocate memory" in tail or "memory exhausted" in tail:
        return "memory"
    if "Resource temporarily unavailable" in tail or "can't start new thread" in tail or "BlockingIOError" in tail:
        return "processes"
    if code in (-signal.SIGKILL, 137):
        return "signal"
    return None


def _feed(pipe: Any, data: bytes) -> None:
    try:
        if data:
            pipe.write(data)
        pipe.close()
    except (BrokenPipeError, OSError, ValueError):
        pass


def _kill_group(proc: subprocess.Popen) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def memfd(name: str, data: str | bytes) -> int:
    """An anonymous in-memory file holding ``data``, positioned at its start (for bwrap's --file)."""
    fd = os.memfd_create(name.replace("/", "_"), 0)
    os.write(fd, to_bytes(data))
    os.lseek(fd, 0, os.SEEK_SET)
    return fd


def check_name(name: str) -> str:
    """A relative path that stays inside the work directory."""
    parts = name.split("/")
    if not name or name.startswith("/") or any(p in ("", ".", "..") for p in parts):
        raise ValueError(f"sandbox file name {name!r} must be a relative path without '.' or '..' parts")
    return name


def default_backend() -> str:
    """``bwrap`` where bubblewrap is installed, else ``docker`` where an engine's socket exists."""
    import shutil

    from envgym.errors import EnvgymError

    if shutil.which("bwrap"):
        return "bwrap"
    if os.path.exists("/var/run/docker.sock") or os.environ.get("DOCKER_HOST"):
        return "docker"
    raise EnvgymError("no isolating sandbox here: install bubblewrap (apt-get install bubblewrap) or start a Docker "
                      "engine; make_sandbox('process') runs without isolation if you accept that")


def is_root() -> bool:
    return os.geteuid() == 0


__all__ = ["Limits", "Program", "RunResult", "Sandbox", "SandboxBase", "run_process", "kill_uid", "rlimit_setter"]
