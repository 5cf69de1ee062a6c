"""Warm bubblewrap sandboxes: namespaces made once per zygote, cleaned between runs.

Creating a network namespace and a bubblewrap root costs more than starting Python, and even
fresh user, mount, PID and IPC namespaces per run cost about a fifth of a Python start. A zygote
is one long-lived bubblewrap sandbox (user, PID, network, IPC, UTS and cgroup namespaces;
read-only system; started as a throwaway host uid) in which a small trusted program
(``zygote_runner.py``) makes a second, nested set once: a user namespace mapping only uid 1000,
and mount, PID and IPC namespaces it owns. Its *runner* is PID 1 there and runs one program at a
time as uid 1000 with the run's rlimits, on size-limited tmpfs mounts (``/work``, ``/tmp``,
``/dev/shm``, a read-only ``/harness``) and a ``/proc`` that shows only the nested namespace.

Between runs the runner kills every process but itself (forked, daemonised, detached: PID 1 sees
them all), empties the writable places and removes System V IPC objects; a seccomp filter refuses
keyrings and POSIX message queues, the state that would otherwise outlive a run. A run whose
leftovers cannot be removed retires its zygote. The program holds no capability, cannot trace or
signal the runner, and never sees the host. What stays shared between the runs of one zygote is
what the kernel counts rather than stores: process ids and tmpfs inode numbers keep increasing.
Where that matters, ``BwrapSandbox(warm=False)`` starts a whole bubblewrap sandbox per run.

The host talks to the runner over the zygote's stdin/stdout: a 4-byte length and a JSON request,
a 4-byte length and a JSON result. The runner enforces the wall clock and the output caps; the
host enforces its own deadline on the runner and replaces a zygote that stops answering.
"""

from __future__ import annotations

import base64
import json
import logging
import os
import select
import signal
import struct
import subprocess
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from envgym.sandbox.base import Limits, RunResult, classify, kill_uid, memfd

log = logging.getLogger(__name__)

SUPERVISOR = Path(__file__).with_name("zygote_runner.py").read_text()

SUPERVISOR_PROCESSES = 2  # the supervisor and its runner: in the runs' user namespace, where their process count is kept


_SPAWNER: ThreadPoolExecutor | None = None


def _spawner() -> ThreadPoolExecutor:
    global _SPAWNER
    if _SPAWNER is None:
        _SPAWNER = ThreadPoolExecutor(1, thread_name_prefix="envgym-zygotes")
    return _SPAWNER


def _as_uid(uid: int | None, max_processes: int) -> Any:
    """The zygote's ``preexec_fn``: no core dumps; as root, the throwaway uid and a process cap
    (each run lowers every limit further for its own program)."""
    import resource

    def apply() -> None:
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
        if uid is not None:
            os.setgroups([])
            os.setresgid(uid, uid, uid)
            os.setresuid(uid, uid, uid)
            resource.setrlimit(resource.RLIMIT_NPROC, (max_processes, max_processes))

    return apply


class Zygote:
    """One warm bubblewrap sandbox and its supervisor; runs one program at a time."""

    def __init__(self, argv_for: Any, uid: int | None, max_processes: int = 4096) -> None:
        self.uid = uid
        script = memfd("envgym-supervisor.py", SUPERVISOR)
        try:  # bwrap --die-with-parent follows the THREAD that started it: start it from one that lives on
            self.proc = _spawner().submit(
                subprocess.Popen, argv_for(script), stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                pass_fds=(script,), start_new_session=True, env={}, preexec_fn=_as_uid(uid, max_processes)).result()
        finally:
            os.close(script)
        self.lock = threading.Lock()

    @property
    def alive(self) -> bool:
        return self.proc.poll() is None

    def run(self, command: Sequence[str], files: Mapping[str, bytes], readonly: Mapping[str, bytes], stdin: bytes,
            limits: Limits) -> RunResult:
        b64 = lambda data: base64.b64encode(data).decode()  # noqa: E731
        processes = limits.processes + (SUPERVISOR_PROCESSES if self.uid is not None else 0)
        request = {"command": list(command), "files": {n: b64(d) for n, d in files.items()},
                   "harness": {n: b64(d) for n, d in readonly.items()}, "stdin": b64(stdin), "wall_s": limits.wall_s,
                   "output_bytes": limits.output_bytes, "disk_bytes": limits.disk_mb << 20,
                   "rlimits": {"cpu": max(1, int(limits.cpu_s + 0.999)), "as": limits.memory_mb << 20,
                               "fsize": limits.file_size_mb << 20, "nofile": limits.open_files,
                               **({"nproc": processes} if self.uid is not None else {})}}
        body = json.dumps(request).encode()
        start = time.perf_counter()
        reply = self._exchange(struct.pack(">I", len(body)) + body, start + limits.wall_s + 5.0)
        if reply is None or "error" in reply:
            self.kill()
            problem = "the warm sandbox stopped answering" if reply is None else reply["error"]
            return RunResult(None, "", f"sandbox: {problem}", time.perf_counter() - start, "timeout" if reply is None else None,
                             backend="bwrap")
        if reply.get("retire"):  # the run left something behind: this zygote serves no other
            log.warning("envgym: a warm bwrap sandbox retired after a run: %s", reply["retire"])
            self.kill()
        out = base64.b64decode(reply["stdout"])
        err = base64.b64decode(reply["stderr"]).decode("utf-8", "replace")
        stopped = reply["stopped"] or classify(reply["exit_code"], err)
        return RunResult(reply["exit_code"], out.decode("utf-8", "replace"), err, reply["duration_s"], stopped,
                         reply["stdout_truncated"], reply["stderr_truncated"], "bwrap", out)

    def _exchange(self, message: bytes, deadline: float) -> dict | None:
        try:
            self.proc.stdin.write(message)
            self.proc.stdin.flush()
            head = self._read(4, deadline)
            if head is None:
                return None
            body = self._read(struct.unpack(">I", head)[0], deadline)
            return None if body is None else json.loads(body)
        except (OSError, ValueError):
            return None

    def _read(self, n: int, deadline: float) -> bytes | None:
        fd, data = self.proc.stdout.fileno(), bytearray()
        while len(data) < n:
            left = deadline - time.perf_counter()
            if left <= 0 or not select.select([fd], [], [], left)[0]:
                return None
            chunk = os.read(fd, n - len(data))
            if not chunk:
                return None
            data += chunk
        return bytes(data)

    def kill(self) -> None:
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        self.proc.wait()
        if self.uid is not None:
            kill_uid(self.uid)
        for pipe in (self.proc.stdin, self.proc.stdout):
            try:
                pipe.close()
            except OSError:
                pass
