"""``docker``: a pool of warm, locked-down containers; each run is one exec into one.

What a container isolates: no network (``network_mode=none``), a read-only root filesystem that
holds only the host's system Python, its standard library and the libraries they link (an image
built offline, ``FROM scratch``, never pulled: ``envgym.sandbox.docker_image``), size-limited
tmpfs mounts for ``/work``, ``/tmp`` and ``/harness``, ``no-new-privileges``, Docker's default
seccomp profile, its own PID, IPC and UTS namespaces (System V message queues and semaphores off,
shared memory removed with its creator), one CPU, and cgroup caps on memory and processes. The
program runs as uid 1000 with no capabilities at all. Only the container's trusted processes (its
idle PID 1 and each run's launcher) run as root, holding just CAP_SETUID and CAP_SETGID (to become
uid 1000 for the program, which leaves it none) and CAP_KILL, CAP_DAC_OVERRIDE and CAP_FOWNER (to
clean up): the program can neither signal nor trace them. Trusted files (``readonly_files``) are
root's, mode 0444.

Per run, one exec through the engine's API (no command-line client): a root launcher reads the
run's files, trusted files, limits and a per-run secret from the exec's stdin, ahead of the
program's own (Docker cannot copy into a tmpfs of a read-only container); it starts the command
as uid 1000 with the run's rlimits (CPU, address space, file size, open files, no core dumps),
and when the command ends it kills every other process but PID 1, empties ``/work``, ``/tmp``,
``/dev/shm`` and ``/dev/mqueue``, checks that no System V object is left, and signs the end of
stderr with the secret. The host enforces the output caps and the wall clock itself. A run that
is stopped, or whose signature is missing, gets a separate root cleanup exec; a container whose
cleanup fails, or that died, is removed and replaced, so one run never sees another's files or
processes.

What it does not isolate: the kernel is the host's (as with any container). Runs are sequential
within a container, so the pool's ``concurrency`` containers bound the parallelism. Container-wide
limits (memory, processes, disk) are set when a container starts: a run asking for other values
gets a fresh container (about 2 s with the vfs storage driver). An exit status above 128 is read
as death by a signal (Docker reports signal N as 128+N).
"""

from __future__ import annotations

import hashlib
import itertools
import logging
import os
import secrets
import select
import socket
import struct
import threading
import time
import weakref
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from envgym.errors import EnvgymError
from envgym.sandbox.base import Limits, RunResult, SandboxBase, check_name, classify, to_bytes
from envgym.sandbox.docker_image import HARNESS, INNER_UID, LABEL, WORK, ensure_image
from envgym.sandbox.docker_scripts import CLEANUP, IDLE, LAUNCHER

log = logging.getLogger(__name__)

# root's only capabilities: to start the program as uid 1000, and to kill and empty what runs leave
TRUSTED_CAPS = ["SETUID", "SETGID", "KILL", "DAC_OVERRIDE", "FOWNER"]
INSTALL_SDK = "pip install 'envgym[docker]'"
START_ENGINE = "dockerd --storage-driver=vfs --iptables=false --bridge=none &"
ENV = {"PATH": "/usr/bin:/bin", "HOME": WORK, "LANG": "C.UTF-8", "PYTHONDONTWRITEBYTECODE": "1"}


# ---- the sandbox: a pool of warm containers -------------------------------------------------


@dataclass
class Box:
    """One warm container and what it holds between runs."""

    container: Any
    shape: tuple[int, int, int]
    """(memory_mb, processes, disk_mb): the container-wide limits it was started with."""
    ooms: int = 0
    """Its cgroup's OOM-kill count after the last cleanup."""
    harness: str | None = ""
    """Digest of the readonly files now under /harness ("" for none, None when unknown)."""


class DockerSandbox(SandboxBase):
    """Up to ``concurrency`` warm containers of the sandbox image, started on demand and reused.

    ``base_url`` names the engine (default: ``DOCKER_HOST``, else the local socket); ``python`` the
    host's system Python the image is built from (once per machine and Python version).
    ``programs`` (host programs such as ``sh`` and ``grep``, with their libraries) and
    ``extra_ro_binds`` (host directories, at the same path) go into the image too: read-only, as
    bwrap's ``extra_ro_binds`` are, but copied when the image is built, not bound.
    """

    name = "docker"

    def __init__(self, limits: Limits | None = None, *, base_url: str | None = None,
                 python: str = "/usr/bin/python3", programs: Sequence[str] = (),
                 extra_ro_binds: Sequence[str] = (), **kwargs: Any) -> None:
        super().__init__(limits, **kwargs)
        self.client = connect(base_url)
        self.image = ensure_image(self.client, python, programs=programs, trees=extra_ro_binds)
        self.owner = f"{owner_label()}:{next(_numbers)}"
        remove_stale(self.client)
        self._idle: list[Box] = []
        self._count = 0  # containers started and not yet removed, idle or in use
        self._cond = threading.Condition()
        self._closed = False
        self._ids: set[str] = set()  # shared with the finalizer, which must not hold self
        self._finalizer = weakref.finalize(self, remove_containers, self.client, self._ids)

    # -- one run --

    def run(self, command: Sequence[str], *, files: Mapping[str, str | bytes] | None = None,
            stdin: str | bytes | None = None, limits: Limits | None = None,
            readonly_files: Mapping[str, str | bytes] | None = None) -> RunResult:
        limits = limits or self.limits
        files = {check_name(n): to_bytes(d) for n, d in (files or {}).items()}
        harness = {check_name(n): to_bytes(d) for n, d in (readonly_files or {}).items()}
        digest = hashlib.sha256(frame(harness)).hexdigest() if harness else ""
        box = self._take((limits.memory_mb, limits.processes, limits.disk_mb))
        healthy = False
        try:
            nonce = secrets.token_hex(16).encode()
            request = {"nonce": nonce, "harness": None if digest == box.harness else harness, "files": files,
                       "rlimits": rlimits(limits), "command": list(command)}
            box.harness = None  # unknown until the launcher signs
            result, signed = self._exec(box, frame(request) + to_bytes(stdin), limits, nonce)
            if signed is not None and signed.startswith("ok "):
                healthy, ooms, box.harness = True, int(signed[3:]), digest
            else:
                if signed is not None:
                    log.warning("envgym: docker sandbox container %s: %s", box.container.short_id, signed)
                healthy, ooms = self._clean(box)
            return self._settle(result, box, healthy, ooms)
        finally:
            self._give_back(box, healthy)

    def _exec(self, box: Box, payload: bytes, limits: Limits, nonce: bytes) -> tuple[RunResult, str | None]:
        """The run's launcher exec. Returns the result and the launcher's signed last words (None
        when they are missing)."""
        start = time.perf_counter()
        cap, mark = limits.output_bytes, b"\0" + nonce + b" "
        try:
            streams, stopped, code = self._attach(box, LAUNCHER, payload, {1: cap, 2: cap + len(mark) + 64},
                                                  start + limits.wall_s)
        except EnvgymError as e:
            return RunResult(None, "", str(e), time.perf_counter() - start, backend=self.name), None
        (out, out_cut), (err, err_cut) = streams[1], streams[2]
        signed = None
        at = err.rfind(mark)
        if not stopped and at >= 0 and err.endswith(b"\n") and b"\n" not in err[at:-1]:
            signed, err = err[at + len(mark):-1].decode(errors="replace"), err[:at]
        if len(err) > cap:
            err, err_cut, stopped = err[:cap], True, stopped or "output"
        code = -9 if stopped else code  # a stopped run is killed by the cleanup
        return RunResult(code, out.decode("utf-8", "replace"), err.decode("utf-8", "replace"), time.perf_counter() - start,
                         stopped, out_cut, err_cut, self.name, out), signed

    def _attach(self, box: Box, script: str, payload: bytes, caps: dict[int, int],
                deadline: float) -> tuple[dict[int, tuple[bytes, bool]], str | None, int | None]:
        """Run ``script`` as root in the container through the engine's API, ``payload`` on its
        stdin: (stdout and stderr with their cut flags, why it was stopped, its exit status)."""
        import docker

        api = self.client.api
        try:
            exec_id = api.exec_create(box.container.id, ["/usr/bin/python3", "-I", "-S", "-c", script], stdin=True,
                                      user="0:0", workdir="/")["Id"]
            attached = api.exec_start(exec_id, socket=True)
        except docker.errors.DockerException as e:
            raise EnvgymError(f"docker sandbox: could not exec in {box.container.short_id}: {e}") from e
        sock = getattr(attached, "_sock", attached)
        threading.Thread(target=_send, args=(sock, payload), daemon=True).start()
        streams, stopped = read_frames(sock, caps, deadline)
        for end in (lambda: sock.shutdown(socket.SHUT_RDWR), sock.close, attached.close):  # else the engine
            try:                                                                             # keeps writing to it
                end()
            except OSError:
                pass
        return streams, stopped, None if stopped else exit_code(api, exec_id)

    def _clean(self, box: Box) -> tuple[bool, int]:
        """Kill what the run left and empty its writable places; (healthy, OOM kills so far)."""
        try:
            streams, stopped, code = self._attach(box, CLEANUP, b"", {1: 64, 2: 4096}, time.perf_counter() + CLEANUP_S)
            out, err = streams[1][0], streams[2][0]
            if code == 0:
                return True, int(out or 0)
            why = f"its cleanup took over {CLEANUP_S} s" if stopped else (err or out).decode(errors="replace").strip()[-300:]
            log.warning("envgym: docker sandbox container %s retired: %s", box.container.short_id, why)
        except (EnvgymError, ValueError) as e:
            log.warning("envgym: docker sandbox container %s retired: %s", box.container.short_id, e)
        return False, box.ooms

    def _settle(self, result: RunResult, box: Box, healthy: bool, ooms: int) -> RunResult:
        """The result in the other backends' terms: a signal as a negative status, the limit named."""
        code = result.exit_code
        if code is not None and 128 < code <= 128 + 64:  # docker reports death by signal N as 128+N
            code = 128 - code
        stopped = result.stopped if result.stopped in ("timeout", "output") else classify(code, result.stderr)
        oom = ooms > box.ooms or (not healthy and self._oom_killed(box))
        if oom and stopped in (None, "signal"):
            stopped = "memory"
        box.ooms = ooms
        return RunResult(code, result.stdout, result.stderr, result.duration_s, stopped, result.stdout_truncated,
                         result.stderr_truncated, self.name, result.stdout_bytes)

    @staticmethod
    def _oom_killed(box: Box) -> bool:
        """Whether the engine says the container died of its memory cap."""
        import docker

        try:
            box.container.reload()
        except docker.errors.DockerException:
            return False
        return bool(box.container.attrs["State"].get("OOMKilled"))

    # -- the pool --

    def _take(self, shape: tuple[int, int, int]) -> Box:
        """A warm container of ``shape``: an idle one, a new one while under ``concurrency``, or
        (when every idle one has another shape) an idle one replaced; else wait."""
        stale = None
        with self._cond:
            while True:
                if self._closed:
                    raise EnvgymError("this docker sandbox is closed")
                match = next((b for b in self._idle if b.shape == shape), None)
                if match is not None:
                    self._idle.remove(match)
                    return match
                if self._count < self.concurrency or self._idle:
                    if self._count >= self.concurrency:
                        stale = self._idle.pop(0)
                    else:
                        self._count += 1
                    break
                self._cond.wait()
        if stale is not None:
            self._remove(stale)
        try:
            return self._start(shape)
        except BaseException:
            with self._cond:
                self._count -= 1
                self._cond.notify()
            raise

    def _give_back(self, box: Box, healthy: bool) -> None:
        with self._cond:
            if healthy and not self._closed:
                self._idle.append(box)
                self._cond.notify()
                return
            self._count -= 1
            self._cond.notify()
        self._remove(box)

    def _start(self, shape: tuple[int, int, int]) -> Box:
        import docker

        memory_mb, processes, disk_mb = shape
        inodes = max(1024, disk_mb * 128)  # bounds what the cleanup has to delete
        try:
            container = self.client.containers.run(
                self.image, ["/usr/bin/python3", "-I", "-S", "-c", IDLE], detach=True, labels={LABEL: self.owner},
                user="0:0", working_dir="/", environment=ENV, hostname="sandbox",
                network_mode="none", read_only=True, ipc_mode="private", shm_size=f"{disk_mb}m", sysctls=IPC_SYSCTLS,
                tmpfs={WORK: f"size={disk_mb}m,nr_inodes={inodes},uid={INNER_UID},gid={INNER_UID},mode=0700",
                       "/tmp": f"size={disk_mb}m,nr_inodes={inodes},mode=1777", HARNESS: "size=16m,mode=0755"},
                mem_limit=f"{memory_mb + HEADROOM_MB}m", memswap_limit=f"{memory_mb + HEADROOM_MB}m",
                pids_limit=processes + 2, nano_cpus=1_000_000_000,  # pids: the run's, PID 1's and the launcher's
                cap_drop=["ALL"], cap_add=TRUSTED_CAPS, security_opt=["no-new-privileges"])
        except docker.errors.DockerException as e:
            raise EnvgymError(f"docker sandbox: could not start a container of {self.image}: {e}") from e
        self._ids.add(container.id)
        return Box(container, shape)

    def _remove(self, box: Box) -> None:
        self._ids.discard(box.container.id)
        remove_containers(self.client, {box.container.id})

    def leftover_processes(self, trusted: set[int] = frozenset()) -> list[str]:
        """Processes in the idle containers besides their init: empty unless a cleanup failed."""
        import docker

        with self._cond:
            idle = list(self._idle)
        found = []
        for box in idle:
            try:
                box.container.reload()
                top = box.container.top(ps_args="-eo pid,user,args")
            except docker.errors.DockerException as e:
                found.append(f"{box.container.short_id}: cannot list its processes: {e}")
                continue
            init = str(box.container.attrs["State"]["Pid"])
            found += [f"{box.container.short_id}: {' '.join(p)}" for p in top["Processes"] if p[0] != init]
        return found

    def close(self) -> None:
        """Remove every container of this sandbox (those in use go when their run ends)."""
        with self._cond:
            self._closed = True
            idle, self._idle = self._idle, []
            self._count -= len(idle)
            self._cond.notify_all()
        for box in idle:
            self._remove(box)

    def __repr__(self) -> str:
        return f"DockerSandbox({self.image}, concurrency={self.concurrency}, {self.limits})"


HEADROOM_MB = 32  # the container's memory cap over the run's: PID 1 and the exec machinery
CLEANUP_S = 30.0  # a container whose cleanup takes longer is retired
# System V message queues and semaphores off (nothing in the stdlib needs them); shared memory
# segments die with their creator, so no IPC object outlives a run.
IPC_SYSCTLS = {"kernel.msgmni": "0", "kernel.sem": "250 32000 32 0", "kernel.shm_rmid_forced": "1"}


def rlimits(limits: Limits) -> tuple[int, int, int, int]:
    """The launcher's arguments: CPU seconds, address space, file size (bytes), open files."""
    return max(1, int(limits.cpu_s + 0.999)), limits.memory_mb << 20, limits.file_size_mb << 20, limits.open_files


def frame(request: Mapping[str, Any]) -> bytes:
    """What the launcher reads: a 16-byte length, then the marshalled dict."""
    import marshal

    body = marshal.dumps(dict(request))
    return b"%16d" % len(body) + body


def _send(sock: socket.socket, data: bytes) -> None:
    """Feed the exec's stdin, then close it (the program may stop reading, or be gone: fine)."""
    try:
        sock.sendall(data)
        sock.shutdown(socket.SHUT_WR)
    except OSError:
        pass


def read_frames(sock: socket.socket, caps: dict[int, int], deadline: float) -> tuple[dict[int, tuple[bytes, bool]], str | None]:
    """Read Docker's multiplexed stream (8-byte headers: stream 1 stdout, 2 stderr, then a big-endian
    length) until it ends, a stream passes its cap ("output") or the deadline ("timeout")."""
    bufs = {n: bytearray() for n in caps}
    cut = {n: False for n in caps}
    pending, stopped = bytearray(), None
    while True:
        left = deadline - time.perf_counter()
        if left <= 0:
            stopped = "timeout"
            break
        if not select.select([sock], [], [], min(left, 0.5))[0]:
            continue
        try:
            chunk = sock.recv(1 << 16)
        except OSError:
            chunk = b""
        if not chunk:
            break
        pending += chunk
        while len(pending) >= 8:
            kind, size = pending[0], struct.unpack(">I", pending[4:8])[0]
            if len(pending) < 8 + size:
                break
            body, pending = pending[8:8 + size], pending[8 + size:]
            if kind in bufs:
                room = caps[kind] - len(bufs[kind])
                bufs[kind] += body[:max(room, 0)]
                if len(body) > room:
                    cut[kind], stopped = True, "output"
        if stopped:
            break
    return {n: (bytes(bufs[n]), cut[n]) for n in caps}, stopped


def exit_code(api: Any, exec_id: str) -> int | None:
    """The exec's exit status, once the engine has it (its stream can end a moment before)."""
    for _ in range(200):
        state = api.exec_inspect(exec_id)
        if not state.get("Running"):
            return state.get("ExitCode")
        time.sleep(0.005)
    return None


# ---- the engine and crash cleanup -----------------------------------------------------------


def connect(base_url: str | None = None) -> Any:
    """A client of an engine that answers, or an error that says how to get one."""
    try:
        import docker
    except ImportError as e:
        raise EnvgymError(f"sandbox 'docker' needs the Docker SDK for Python: {INSTALL_SDK}") from e
    try:
        client = docker.DockerClient(base_url=base_url) if base_url else docker.from_env()
        client.ping()
    except docker.errors.DockerException as e:
        raise EnvgymError(f"sandbox 'docker': no Docker engine answers ({e}); start one as root: {START_ENGINE} "
                          "(or choose another backend: envgym.make_sandbox('bwrap'))") from e
    return client


_numbers = itertools.count(1)  # tells apart the sandboxes of one process


def owner_label(pid: int | None = None) -> str:
    """``<hostname>:<pid>:<start time>``: names this process, even after its pid is reused."""
    pid = pid or os.getpid()
    return f"{socket.gethostname()}:{pid}:{process_start(pid)}"


def process_start(pid: int) -> str:
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[19]
    except (OSError, IndexError):
        return ""


def remove_stale(client: Any) -> list[str]:
    """Remove the containers that sandboxes of dead processes on this host left (a crash, a kill)."""
    host = socket.gethostname()
    stale = []
    for container in client.containers.list(all=True, filters={"label": LABEL}):
        owner_host, pid, start, *_ = container.labels.get(LABEL, "").split(":") + ["", "", ""]
        if owner_host == host and pid.isdigit() and process_start(int(pid)) != start:
            stale.append(container.id)
    if stale:
        log.warning("envgym: removing %d docker sandbox container(s) left by dead processes", len(stale))
        remove_containers(client, set(stale))
    return stale


def remove_containers(client: Any, ids: set[str]) -> None:
    """Force-remove containers (a finalizer too: at exit, or when the sandbox is collected)."""
    import docker

    for cid in list(ids):
        try:
            client.api.remove_container(cid, force=True, v=True)
        except docker.errors.NotFound:
            pass
        except docker.errors.DockerException as e:
            log.warning("envgym: could not remove docker sandbox container %s: %s", cid[:12], e)
        ids.discard(cid)
