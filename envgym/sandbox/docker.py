"""``docker``: a pool of warm, locked-down containers; each run is one ``docker exec`` into one.

What a container isolates: no network (``network_mode=none``), a read-only root filesystem that
holds only the host's system Python, its standard library and the libraries they link (an image
built offline, ``FROM scratch``, never pulled), size-limited tmpfs mounts for ``/work``, ``/tmp``
and ``/harness``, ``no-new-privileges``, Docker's default seccomp profile, its own PID, IPC and
UTS namespaces (System V message queues and semaphores off, shared memory removed with its
creator), one CPU, and cgroup caps on memory and processes. The program runs as uid 1000 with no
capabilities at all. Only the container's trusted processes (its idle PID 1, the cleanup and the
harness writer) run as root, holding just CAP_KILL, CAP_DAC_OVERRIDE and CAP_FOWNER: the program
can neither signal nor trace them. Trusted files (``readonly_files``) are root's, mode 0444.

Per run: the files travel into ``/work`` on the exec's stdin, ahead of the program's own (Docker
cannot copy into a tmpfs of a read-only container); a small launcher writes them, starts the
command as its child with the run's rlimits (CPU, address space, file size, open files, no core
dumps) and, when the command ends, kills whatever it left; the shared plumbing caps output and
enforces the wall clock. After every run, whatever its outcome, a cleanup exec as root kills every
process but PID 1 (forked, daemonised, detached, or left by a killed launcher) and empties
``/work``, ``/tmp``, ``/dev/shm`` and ``/dev/mqueue``; a container whose cleanup fails, or that
died, is removed and replaced, so one run never sees another's files or processes.

What it does not isolate: the kernel is the host's (as with any container). Runs are sequential
within a container, so the pool's ``concurrency`` containers bound the parallelism. Container-wide
limits (memory, processes, disk) are set when a container starts: a run asking for other values
gets a fresh container (about 2 s with the vfs storage driver). An exit status above 128 is read
as death by a signal (Docker reports signal N as 128+N).
"""

from __future__ import annotations

import glob
import hashlib
import io
import itertools
import json
import logging
import os
import shutil
import socket
import subprocess
import tarfile
import tempfile
import threading
import time
import weakref
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from envgym.errors import EnvgymError
from envgym.sandbox.base import Limits, RunResult, SandboxBase, check_name, classify, run_process, to_bytes

log = logging.getLogger(__name__)

IMAGE_REPO = "envgym-sandbox"
LABEL = "envgym.sandbox"
"""Every container carries ``envgym.sandbox=<hostname>:<pid>:<process start time>:<sandbox number>``."""
INNER_UID = 1000  # the program's uid; the trusted processes run as root
TRUSTED_CAPS = ["KILL", "DAC_OVERRIDE", "FOWNER"]  # root's only capabilities, to kill and empty what runs leave
WORK, HARNESS = "/work", "/harness"
STDLIB_SKIP = ("test", "idlelib", "tkinter", "turtledemo", "ensurepip", "lib2to3", "config-")
LAYOUT_VERSION = 1  # bump when the image's layout changes without its file list changing
INSTALL_SDK = "pip install 'envgym[docker]'"
DEFAULT_HOST = "unix:///var/run/docker.sock"
START_ENGINE = "dockerd --storage-driver=vfs --iptables=false --bridge=none &"
ENV = {"PATH": "/usr/bin:/bin", "HOME": WORK, "LANG": "C.UTF-8", "PYTHONDONTWRITEBYTECODE": "1"}

# PID 1 of every container: reaps the orphans that runs leave behind, and otherwise sleeps.
IDLE = """
import os, signal
signal.pthread_sigmask(signal.SIG_BLOCK, [signal.SIGCHLD])
while True:
    signal.sigtimedwait([signal.SIGCHLD], 3600)
    try:
        while os.waitpid(-1, os.WNOHANG)[0]:
            pass
    except ChildProcessError:
        pass
"""

# Starts every run, as the program's uid in /work. The run's files arrive first on stdin (a
# 16-byte length, then a marshalled {name: bytes}: Docker cannot copy into a tmpfs of a read-only
# container). The command runs as a child with the run's rlimits, first in line for the OOM
# killer; when it ends, so does everything it started (as when bwrap's PID namespace ends), and
# the launcher exits the way it did.
LAUNCHER = """
import marshal, os, resource, signal, sys
def read(n):
    parts = []
    while n:
        part = os.read(0, min(n, 1 << 20))
        if not part:
            sys.exit("envgym: the run's files were cut short")
        parts.append(part)
        n -= len(part)
    return b"".join(parts)
for name, data in marshal.loads(read(int(read(16)))).items():
    if os.path.dirname(name):
        os.makedirs(os.path.dirname(name), exist_ok=True)
    with open(name, "wb") as f:
        f.write(data)
cpu, memory, size, files = map(int, sys.argv[1:5])
pid = os.fork()
if pid == 0:
    try:
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
        resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
        resource.setrlimit(resource.RLIMIT_FSIZE, (size, size))
        resource.setrlimit(resource.RLIMIT_NOFILE, (files, files))
        with open("/proc/self/oom_score_adj", "w") as f:
            f.write("1000")
        os.execvp(sys.argv[5], sys.argv[5:])
    except BaseException as e:
        os.write(2, ("could not start " + sys.argv[5] + ": " + str(e) + "\\n").encode())
    os._exit(127)
status = os.waitpid(pid, 0)[1]
try:
    os.kill(-1, signal.SIGKILL)
except ProcessLookupError:
    pass
if os.WIFSIGNALED(status):
    try:
        signal.signal(os.WTERMSIG(status), signal.SIG_DFL)
    except (OSError, ValueError):
        pass
    os.kill(os.getpid(), os.WTERMSIG(status))
    os._exit(128 + os.WTERMSIG(status))
os._exit(os.waitstatus_to_exitcode(status))
"""

# Ends every run, as root: kill everything but PID 1 (which reaps them) and empty every writable
# place. Prints the container's OOM-kill count; any failure retires the container.
CLEANUP = """
import os, shutil, signal, sys, time
me = os.getpid()
for _ in range(500):
    try:
        os.kill(-1, signal.SIGKILL)
    except ProcessLookupError:
        pass
    if not [p for p in os.listdir("/proc") if p.isdigit() and int(p) not in (1, me)]:
        break
    time.sleep(0.01)
else:
    sys.exit("processes survived the kill")
for top in ("/work", "/tmp", "/dev/shm", "/dev/mqueue"):
    if not os.path.isdir(top):
        continue
    for name in os.listdir(top):
        path = os.path.join(top, name)
        if os.path.isdir(path) and not os.path.islink(path):
            shutil.rmtree(path)
        else:
            os.unlink(path)
    if os.listdir(top):
        sys.exit("could not empty " + top)
for kind in ("shm", "sem", "msg"):
    with open("/proc/sysvipc/" + kind) as f:
        if len(f.readlines()) > 1:
            sys.exit("a System V " + kind + " object outlived the run")
ooms = 0
for path in ("/sys/fs/cgroup/memory.events", "/sys/fs/cgroup/memory/memory.oom_control"):
    try:
        with open(path) as f:
            ooms = int(dict(line.split() for line in f if line.strip()).get("oom_kill", 0))
        break
    except (OSError, ValueError):
        pass
print(ooms)
"""

# Replaces /harness's contents, as root: files 0444 in directories 0555. Framed as above.
WRITE_HARNESS = """
import marshal, os, shutil, sys
for name in os.listdir("/harness"):
    path = os.path.join("/harness", name)
    shutil.rmtree(path) if os.path.isdir(path) and not os.path.islink(path) else os.unlink(path)
data = sys.stdin.buffer.read()
for name, body in marshal.loads(data[16:16 + int(data[:16])]).items():
    path = os.path.join("/harness", name)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(body)
    os.chmod(path, 0o444)
for root, dirs, files in os.walk("/harness"):
    for name in dirs:
        os.chmod(os.path.join(root, name), 0o555)
"""


# ---- the image: the host's system Python, nothing else --------------------------------------


@dataclass(frozen=True)
class Entry:
    """One path of the image's root filesystem."""

    path: str
    kind: Literal["file", "dir", "link", "data"]
    mode: int = 0o755
    source: str = ""
    """The host file copied (``file``), the link's target (``link``) or the text (``data``)."""

    def fingerprint(self) -> list[Any]:
        if self.kind == "file":
            st = os.stat(self.source)
            return [self.path, self.kind, self.mode, st.st_size, int(st.st_mtime)]
        return [self.path, self.kind, self.mode, self.source]


def rootfs_entries(python: str = "/usr/bin/python3") -> list[Entry]:
    """The system Python at ``python``, its standard library, the libraries they link, and the
    few directories and files a sandbox needs; sorted so parents come first."""
    real = os.path.realpath(python)
    if not os.path.isfile(real):
        raise EnvgymError(f"the docker sandbox copies the system Python into its image, but {python} does not exist: "
                          "apt-get install python3")
    version = os.path.basename(real)  # python3.11
    stdlib = f"/usr/lib/{version}"
    entries: dict[str, Entry] = {}

    def add(entry: Entry) -> None:
        parent = os.path.dirname(entry.path)
        while parent != "/" and parent not in entries:
            entries[parent] = Entry(parent, "dir")
            parent = os.path.dirname(parent)
        entries[entry.path] = entry

    add(Entry(real, "file", 0o755, real))
    add(Entry("/usr/bin/python3", "link", 0o777, version))
    modules = [m for m in glob.glob(f"{stdlib}/lib-dynload/*.so") if not os.path.basename(m).startswith(("_test", "xx"))]
    for lib in shared_libraries([real, *modules]):
        where = os.path.join(os.path.realpath(os.path.dirname(lib)), os.path.basename(lib))
        target = os.path.realpath(lib)
        add(Entry(target, "file", 0o755, target))
        if where != target:
            add(Entry(where, "link", 0o777, os.path.basename(target) if os.path.dirname(where) == os.path.dirname(target) else target))
    for root, dirs, files in os.walk(stdlib):
        dirs[:] = sorted(d for d in dirs if not (root == stdlib and d.startswith(STDLIB_SKIP)))
        for name in sorted(files):
            path = os.path.join(root, name)
            if os.path.islink(path):
                resolved = os.path.realpath(path)
                if resolved.startswith(stdlib + "/") and os.path.isfile(resolved):  # skip links out of the stdlib
                    add(Entry(path, "link", 0o777, os.readlink(path)))
            elif os.path.isfile(path):
                add(Entry(path, "file", 0o644, path))
    for link, target in {"/bin": "usr/bin", "/lib": "usr/lib", "/lib64": "usr/lib64"}.items():
        add(Entry(link, "link", 0o777, target))
    add(Entry("/etc/passwd", "data", 0o644, f"root:x:0:0:root:/:/nonexistent\n"
                                              f"sandbox:x:{INNER_UID}:{INNER_UID}:sandbox:{WORK}:/nonexistent\n"))
    add(Entry("/etc/group", "data", 0o644, f"root:x:0:\nsandbox:x:{INNER_UID}:\n"))
    add(Entry("/tmp", "dir", 0o1777))
    for d in (WORK, HARNESS, "/proc", "/dev", "/sys"):
        add(Entry(d, "dir", 0o755))
    return sorted(entries.values(), key=lambda e: e.path)


def shared_libraries(binaries: Sequence[str]) -> set[str]:
    """Every library (and the dynamic loader) that ``ldd`` lists for ``binaries``."""
    try:
        out = subprocess.run(["ldd", *binaries], capture_output=True, text=True, check=True, timeout=60).stdout
    except (OSError, subprocess.SubprocessError) as e:
        raise EnvgymError(f"the docker sandbox needs ldd to find the libraries Python links (apt-get install libc-bin): {e}") from e
    libs = set()
    for line in out.splitlines():
        words = line.split()
        if "=>" in words and len(words) > words.index("=>") + 1 and words[words.index("=>") + 1].startswith("/"):
            libs.add(words[words.index("=>") + 1])
        elif words and words[0].startswith("/") and not line.rstrip().endswith(":"):  # the loader
            libs.add(words[0])
    return libs


def image_tag(entries: Iterable[Entry]) -> str:
    """``envgym-sandbox:<hash12>`` of the file list: a changed host Python is a new image."""
    digest = hashlib.sha256(json.dumps([LAYOUT_VERSION, [e.fingerprint() for e in entries]]).encode())
    return f"{IMAGE_REPO}:{digest.hexdigest()[:12]}"


def write_rootfs(entries: Iterable[Entry], out: io.BufferedIOBase) -> None:
    """The image's root filesystem as a tarball, every file root's."""
    with tarfile.open(fileobj=out, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for e in entries:
            info = tarfile.TarInfo(e.path.lstrip("/"))
            info.mode, info.uid, info.gid, info.uname, info.gname = e.mode, 0, 0, "root", "root"
            if e.kind == "dir":
                info.type = tarfile.DIRTYPE
                tar.addfile(info)
            elif e.kind == "link":
                info.type, info.linkname = tarfile.SYMTYPE, e.source
                tar.addfile(info)
            elif e.kind == "data":
                data = e.source.encode()
                info.size = len(data)
                tar.addfile(info, io.BytesIO(data))
            else:
                with open(e.source, "rb") as f:
                    info.size = os.fstat(f.fileno()).st_size
                    info.mtime = int(os.fstat(f.fileno()).st_mtime)  # keeps the stdlib's .pyc files valid
                    tar.addfile(info, f)


def ensure_image(client: Any, python: str = "/usr/bin/python3") -> str:
    """The sandbox image's tag, building it (once per machine and Python) when it is missing."""
    import docker

    entries = rootfs_entries(python)
    tag = image_tag(entries)
    try:
        client.images.get(tag)
        return tag
    except docker.errors.ImageNotFound:
        pass
    log.warning("envgym: building the docker sandbox image %s from the host's %s (once per machine and Python, "
                "a few seconds)", tag, os.path.realpath(python))
    start = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="envgym-image-") as context:
        with open(os.path.join(context, "rootfs.tar"), "wb") as f:
            write_rootfs(entries, f)
        with open(os.path.join(context, "Dockerfile"), "w") as f:
            f.write(f"FROM scratch\nADD rootfs.tar /\nLABEL {LABEL}.image=\"{LAYOUT_VERSION}\"\n")
        try:
            client.images.build(path=context, tag=tag, rm=True, forcerm=True, pull=False)
        except (docker.errors.BuildError, docker.errors.APIError) as e:
            raise EnvgymError(f"could not build the docker sandbox image {tag}: {e}") from e
    log.warning("envgym: built %s in %.0f s", tag, time.perf_counter() - start)
    return tag


# ---- the sandbox: a pool of warm containers -------------------------------------------------


@dataclass
class Box:
    """One warm container and what it holds between runs."""

    container: Any
    shape: tuple[int, int, int]
    """(memory_mb, processes, disk_mb): the container-wide limits it was started with."""
    ooms: int = 0
    """Its cgroup's OOM-kill count after the last cleanup."""
    harness: str = ""
    """Digest of the readonly files now under /harness ("" for none)."""


class DockerSandbox(SandboxBase):
    """Up to ``concurrency`` warm containers of the sandbox image, started on demand and reused.

    ``base_url`` names the engine (default: ``DOCKER_HOST``, else the local socket); ``docker_cli``
    the command-line client that runs the programs (default: ``docker`` on PATH); ``python`` the
    host's system Python the image is built from (once per machine and Python version).
    """

    name = "docker"

    def __init__(self, limits: Limits | None = None, *, base_url: str | None = None, docker_cli: str | None = None,
                 python: str = "/usr/bin/python3", **kwargs: Any) -> None:
        super().__init__(limits, **kwargs)
        self.client = connect(base_url)
        self.cli = docker_cli or shutil.which("docker")
        if self.cli is None:
            raise EnvgymError("sandbox 'docker' runs programs with the docker command-line client, which is not on PATH: "
                              "apt-get install docker.io (or docker-ce-cli)")
        self.cli_env = {k: v for k, v in os.environ.items() if k.startswith("DOCKER_") or k in ("HOME", "PATH")}
        self.cli_env["DOCKER_HOST"] = base_url or os.environ.get("DOCKER_HOST") or DEFAULT_HOST  # the SDK's engine
        self.image = ensure_image(self.client, python)
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
        payload = frame({check_name(n): to_bytes(d) for n, d in (files or {}).items()})
        harness = {check_name(n): to_bytes(d) for n, d in (readonly_files or {}).items()}
        box = self._take((limits.memory_mb, limits.processes, limits.disk_mb))
        healthy = False
        try:
            self._put_harness(box, harness)
            argv = [self.cli, "exec", "-i", "-u", f"{INNER_UID}:{INNER_UID}", "-w", WORK, box.container.id,
                    "/usr/bin/python3", "-I", "-S", "-c", LAUNCHER, *map(str, rlimits(limits)), *command]
            result = run_process(argv, stdin=payload + to_bytes(stdin), limits=limits, env=self.cli_env, backend=self.name)
            healthy, ooms = self._clean(box)
            return self._settle(result, box, healthy, ooms)
        finally:
            self._give_back(box, healthy)

    def _put_harness(self, box: Box, harness: Mapping[str, bytes]) -> None:
        """Root's read-only files under /harness; kept from the last run when they are the same."""
        digest = hashlib.sha256(frame(harness)).hexdigest() if harness else ""
        if digest == box.harness:
            return
        argv = [self.cli, "exec", "-i", "-u", "0:0", "-w", "/", box.container.id, "/usr/bin/python3", "-I", "-S", "-c",
                WRITE_HARNESS]
        try:
            done = subprocess.run(argv, input=frame(harness), capture_output=True, env=self.cli_env, timeout=60)
            problem = done.stderr.decode(errors="replace").strip()[-500:] if done.returncode else ""
        except (OSError, subprocess.SubprocessError) as e:
            problem = str(e)
        if problem:
            raise EnvgymError(f"docker sandbox: could not write the readonly files into {box.container.short_id}: {problem}")
        box.harness = digest

    def _clean(self, box: Box) -> tuple[bool, int]:
        """Kill what the run left and empty its writable places; (healthy, OOM kills so far)."""
        import docker

        try:
            code, (out, err) = box.container.exec_run(["/usr/bin/python3", "-I", "-S", "-c", CLEANUP],
                                                      user="0:0", workdir="/", demux=True)
            if code == 0:
                return True, int(out or 0)
            log.warning("envgym: docker sandbox container %s retired: %s", box.container.short_id,
                        (err or out or b"").decode(errors="replace").strip()[-300:])
        except (docker.errors.DockerException, ValueError) as e:
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
# System V message queues and semaphores off (nothing in the stdlib needs them); shared memory
# segments die with their creator, so no IPC object outlives a run.
IPC_SYSCTLS = {"kernel.msgmni": "0", "kernel.sem": "250 32000 32 0", "kernel.shm_rmid_forced": "1"}


def rlimits(limits: Limits) -> tuple[int, int, int, int]:
    """The launcher's arguments: CPU seconds, address space, file size (bytes), open files."""
    return max(1, int(limits.cpu_s + 0.999)), limits.memory_mb << 20, limits.file_size_mb << 20, limits.open_files


def frame(files: Mapping[str, bytes]) -> bytes:
    """Files as the launcher reads them: a 16-byte length, then the marshalled dict."""
    import marshal

    body = marshal.dumps(dict(files))
    return b"%16d" % len(body) + body


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
