"""Warm bubblewrap sandboxes: namespaces made once, a fresh inner sandbox per run.

Creating a network namespace and a bubblewrap root costs more than starting Python, so a cold
``bwrap`` run costs about 1.7x a bare subprocess. A zygote is one long-lived bubblewrap sandbox
(user, PID, network, IPC, UTS and cgroup namespaces; read-only system; started as a throwaway host
uid) running a small trusted supervisor. Per run, the supervisor forks a child that enters NEW
user, mount, PID and IPC namespaces nested inside the zygote's, where the program runs as uid 1000
on fresh tmpfs mounts (``/work``, ``/tmp``, ``/dev/shm``, a read-only ``/harness``) and a fresh
``/proc`` that shows only its own processes. What one run leaves cannot reach the next: its
processes die with its PID namespace, its files with its mounts, its System V objects with its IPC
namespace. The nested user namespace maps only uid 1000, so the program holds no capability over
anything the zygote owns, and it cannot see, signal or trace the supervisor (another PID namespace).

The host talks to the supervisor over its stdin/stdout: a 4-byte length and a JSON request, a
4-byte length and a JSON result. The supervisor enforces the wall clock and the output caps; the
host enforces its own deadline on the supervisor and replaces a zygote that stops answering.
"""

from __future__ import annotations

import base64
import json
import os
import select
import signal
import struct
import subprocess
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from collections.abc import Mapping, Sequence
from typing import Any

from envgym.sandbox.base import Limits, RunResult, classify, kill_uid, memfd

SUPERVISOR = r'''
import base64, ctypes, json, os, resource, select, signal, struct, sys, time

libc = ctypes.CDLL(None, use_errno=True)
NEWNS, NEWIPC, NEWUSER, NEWPID = 0x20000, 0x8000000, 0x10000000, 0x20000000
NOSUID, NODEV, NOEXEC, RDONLY, REMOUNT, REC, PRIVATE = 2, 4, 8, 1, 32, 0x4000, 1 << 18
INNER = 1000
SYS_CLONE = {"x86_64": 56, "aarch64": 220}.get(os.uname().machine)  # with a null stack, the same arguments on both
ENV = {"PATH": "/usr/bin:/bin", "HOME": "/work", "LANG": "C.UTF-8", "PYTHONDONTWRITEBYTECODE": "1"}
RLIMITS = {"cpu": resource.RLIMIT_CPU, "as": resource.RLIMIT_AS, "fsize": resource.RLIMIT_FSIZE,
           "nofile": resource.RLIMIT_NOFILE, "nproc": resource.RLIMIT_NPROC}

def ok(result, what):
    if result != 0:
        err = ctypes.get_errno()
        raise OSError(err, what + ": " + os.strerror(err))

def mount(source, target, fstype, flags, data):
    ok(libc.mount(source, target.encode(), fstype, flags, data), "mount " + target)

def write_file(path, text):
    with open(path, "w") as f:
        f.write(text)

def program(req):
    """PID 1 of the run's namespaces: mounts, files, limits, then exec."""
    libc.prctl(1, signal.SIGKILL, 0, 0, 0)  # PR_SET_PDEATHSIG: dies with its parent
    mount(None, "/", None, REC | PRIVATE, None)
    size = str(req["disk_bytes"]).encode()
    mount(b"tmpfs", "/work", b"tmpfs", NOSUID | NODEV, b"size=" + size + b",nr_inodes=4096,mode=0755")
    mount(b"tmpfs", "/tmp", b"tmpfs", NOSUID | NODEV, b"size=" + size + b",nr_inodes=4096,mode=1777")
    if os.path.isdir("/dev/shm"):
        mount(b"tmpfs", "/dev/shm", b"tmpfs", NOSUID | NODEV, b"size=" + size + b",nr_inodes=256,mode=1777")
    mount(b"proc", "/proc", b"proc", NOSUID | NODEV | NOEXEC, None)
    if req["harness"]:  # else /harness stays the zygote's empty read-only directory
        mount(b"tmpfs", "/harness", b"tmpfs", NOSUID | NODEV, b"size=16m,nr_inodes=256,mode=0755")
        for name, data in req["harness"].items():
            with open("/harness/" + name, "wb") as f:
                f.write(base64.b64decode(data))
            os.chmod("/harness/" + name, 0o444)
        mount(None, "/harness", None, REMOUNT | RDONLY | NOSUID | NODEV, None)
    os.chdir("/work")
    for name, data in req["files"].items():
        if "/" in name:
            os.makedirs(os.path.dirname(name), exist_ok=True)
        with open(name, "wb") as f:
            f.write(base64.b64decode(data))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    for key, value in req["rlimits"].items():
        resource.setrlimit(RLIMITS[key], (value, value + (1 if key == "cpu" else 0)))
    libc.prctl(38, 1, 0, 0, 0)  # PR_SET_NO_NEW_PRIVS
    os.execvpe(req["command"][0], req["command"], ENV)

def enter(req, fds, map_ids):
    """In the child: the program's stdio, the uid map, then ``program``; never returns."""
    try:
        for i, fd in enumerate(fds):  # the program's stdin, stdout, stderr; nothing else stays open
            os.dup2(fd, i)
        os.closerange(3, 1 << 16)
        if map_ids:
            write_file("/proc/self/setgroups", "deny")
            write_file("/proc/self/uid_map", "%d 0 1" % INNER)
            write_file("/proc/self/gid_map", "%d 0 1" % INNER)
        program(req)
    except BaseException as e:
        os.write(2, ("sandbox: could not start the program: %s\n" % e).encode())
    os._exit(127)

def launch(req, fds):
    """Start the program as PID 1 of its own user, mount, PID and IPC namespaces; return its pid."""
    flags = NEWUSER | NEWNS | NEWPID | NEWIPC
    if SYS_CLONE is not None:  # one clone straight into the namespaces (a fork and an unshare cost a process more)
        pid = libc.syscall(ctypes.c_long(SYS_CLONE), ctypes.c_long(flags | signal.SIGCHLD), *[ctypes.c_long(0)] * 4)
        if pid < 0:
            err = ctypes.get_errno()
            raise OSError(err, "clone: " + os.strerror(err))
        if pid == 0:
            enter(req, fds, True)
        return pid
    pid = os.fork()  # elsewhere: a child unshares, and its own child is the namespaces' PID 1
    if pid:
        return pid
    try:
        ok(libc.unshare(flags), "unshare")
        write_file("/proc/self/setgroups", "deny")
        write_file("/proc/self/uid_map", "%d 0 1" % INNER)
        write_file("/proc/self/gid_map", "%d 0 1" % INNER)
        libc.prctl(1, signal.SIGKILL, 0, 0, 0)
        child = os.fork()
        if child == 0:
            enter(req, fds, False)
        for fd in fds:
            os.close(fd)
        _, status = os.waitpid(child, 0)
        if os.WIFSIGNALED(status):
            sig = os.WTERMSIG(status)
            signal.signal(sig, signal.SIG_DFL)
            os.kill(os.getpid(), sig)
        os._exit(os.waitstatus_to_exitcode(status) if os.WIFEXITED(status) else 127)
    except BaseException as e:
        os.write(fds[2], ("sandbox: could not set up the run: %s\n" % e).encode())
        os._exit(126)

def run(req):
    start = time.monotonic()
    deadline = start + req["wall_s"]
    cap = req["output_bytes"]
    in_r, in_w = os.pipe()
    out_r, out_w = os.pipe()
    err_r, err_w = os.pipe()
    pid = launch(req, [in_r, out_w, err_w])
    for fd in (in_r, out_w, err_w):
        os.close(fd)
    stdin = base64.b64decode(req["stdin"])
    os.set_blocking(in_w, False)
    bufs = {out_r: bytearray(), err_r: bytearray()}
    cut = {out_r: False, err_r: False}
    readers, writer, stopped = [out_r, err_r], (in_w if stdin else None), None
    if writer is None:
        os.close(in_w)
    while readers:
        left = deadline - time.monotonic()
        if left <= 0:
            stopped = "timeout"
            break
        r, w, _ = select.select(readers, [writer] if writer is not None else [], [], min(left, 0.5))
        for fd in r:
            chunk = os.read(fd, 65536)
            if not chunk:
                readers.remove(fd)
                continue
            room = cap - len(bufs[fd])
            bufs[fd] += chunk[:max(room, 0)]
            if len(chunk) > room:
                cut[fd], stopped = True, "output"
        if w:
            try:
                n = os.write(writer, stdin[:65536])
                stdin = stdin[n:]
            except OSError:
                stdin = b""
            if not stdin:
                os.close(writer)
                writer = None
        if stopped:
            break
    if stopped:
        os.kill(pid, signal.SIGKILL)
    try:  # readable once the program has exited: no polling
        exited = os.pidfd_open(pid)
    except (AttributeError, OSError):
        exited = None
    while True:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            break
        left = deadline - time.monotonic()
        if left <= 0:
            stopped = stopped or "timeout"
            os.kill(pid, signal.SIGKILL)
            status = os.waitpid(pid, 0)[1]
            break
        if exited is not None:
            select.select([exited], [], [], left)
        else:
            time.sleep(0.001)
    for fd in (writer, out_r, err_r, exited):
        if fd is not None:
            os.close(fd)
    return {"exit_code": os.waitstatus_to_exitcode(status), "stdout": base64.b64encode(bufs[out_r]).decode(),
            "stderr": base64.b64encode(bufs[err_r]).decode(), "stdout_truncated": cut[out_r],
            "stderr_truncated": cut[err_r], "stopped": stopped, "duration_s": time.monotonic() - start}

def main():
    control_in, control_out = sys.stdin.buffer, sys.stdout.buffer
    while True:
        head = control_in.read(4)
        if len(head) < 4:
            return
        req = json.loads(control_in.read(struct.unpack(">I", head)[0]))
        try:
            reply = run(req)
        except Exception as e:
            reply = {"error": "%s: %s" % (type(e).__name__, e)}
        body = json.dumps(reply).encode()
        control_out.write(struct.pack(">I", len(body)) + body)
        control_out.flush()

main()
'''

# bwrap, its init, the supervisor (and, where the supervisor cannot clone straight into the run's
# namespaces, the run's outer child): all run as the zygote's uid, so they count against its process cap.
SUPERVISOR_PROCESSES = 3 if os.uname().machine in ("x86_64", "aarch64") else 4


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
