"""The trusted program inside every warm bubblewrap sandbox (a zygote): not imported by envgym,
but copied into the sandbox and run there by the system Python (``python3 -I -S``).

Started as the zygote's in-namespace root, it makes the runs' namespaces once: a new user
namespace that maps only uid 1000 (to the zygote's uid), and new mount, PID and IPC namespaces
owned by it. Its child, the *runner*, is PID 1 there and serves the host's requests one at a time,
over stdin/stdout (a 4-byte length, then JSON, both ways). Per run it writes the files into a
size-limited tmpfs ``/work``, forks the program with the run's rlimits, feeds its stdin, caps its
output, enforces the wall clock, then kills every process of the namespaces but itself, empties
``/work``, ``/tmp`` and ``/dev/shm`` and removes System V IPC objects, so nothing of one run
reaches the next. A run whose leftovers cannot be removed asks the host to retire the zygote.

What keeps the program away from the runner: the runner cannot be dumped or traced
(``PR_SET_DUMPABLE`` 0), it leaves every signal at its default, which the kernel never delivers
to a PID namespace's init from inside it, and the program holds no capability at all. A seccomp
filter, installed once and inherited by every run, refuses the kernel keyrings and POSIX message
queues, the two kinds of state that would outlive a run's processes in a shared user and IPC
namespace.
"""

import base64
import ctypes
import json
import os
import resource
import select
import signal
import struct
import sys
import time

libc = ctypes.CDLL(None, use_errno=True)
NEWNS, NEWIPC, NEWUSER, NEWPID = 0x20000, 0x8000000, 0x10000000, 0x20000000
NOSUID, NODEV, NOEXEC, RDONLY, REMOUNT, REC, PRIVATE, DETACH = 2, 4, 8, 1, 32, 0x4000, 1 << 18, 2
PR_SET_PDEATHSIG, PR_SET_DUMPABLE, PR_SET_SECCOMP, PR_SET_NO_NEW_PRIVS = 1, 4, 22, 38
INNER = 1000
ENV = {"PATH": "/usr/bin:/bin", "HOME": "/work", "LANG": "C.UTF-8", "PYTHONDONTWRITEBYTECODE": "1"}
RLIMITS = {"cpu": resource.RLIMIT_CPU, "as": resource.RLIMIT_AS, "fsize": resource.RLIMIT_FSIZE,
           "nofile": resource.RLIMIT_NOFILE, "nproc": resource.RLIMIT_NPROC}
SCRATCH = {"/work": "0755", "/tmp": "1777", "/dev/shm": "1777"}
# (audit arch, syscalls refused: add_key, request_key, keyctl, mq_open)
SECCOMP_ARCH = {"x86_64": (0xC000003E, (248, 249, 250, 240)), "aarch64": (0xC00000B7, (217, 218, 219, 180))}


def ok(result, what):
    if result != 0:
        err = ctypes.get_errno()
        raise OSError(err, what + ": " + os.strerror(err))


def mount(source, target, fstype, flags, data):
    ok(libc.mount(source, target.encode(), fstype, flags, data), "mount " + target)


def write_file(path, text):
    with open(path, "w") as f:
        f.write(text)


# ---- set-up, once per zygote ------------------------------------------------------------------


def seccomp_filter():
    """Refuse (ENOSYS) the keyring and message-queue syscalls, every syscall of a foreign ABI, and
    x32's numbers; allow the rest. Classic BPF, as ``prctl(PR_SET_SECCOMP)`` takes it."""
    arch, refused = SECCOMP_ARCH[os.uname().machine]
    ld_abs, jeq, jge, ret = 0x20, 0x15, 0x35, 0x06
    allow, refuse = 0x7FFF0000, 0x00050000 | 38  # SECCOMP_RET_ALLOW, SECCOMP_RET_ERRNO | ENOSYS
    n = len(refused)
    code = [(ld_abs, 0, 0, 4),                   # the syscall's arch
            (jeq, 1, 0, arch),                   # native: go on
            (ret, 0, 0, refuse),
            (ld_abs, 0, 0, 0),                   # the syscall's number
            (jge, n + 1, 0, 0x40000000)]         # x32: refuse
    code += [(jeq, n - i, 0, nr) for i, nr in enumerate(refused)]
    code += [(ret, 0, 0, allow), (ret, 0, 0, refuse)]
    raw = b"".join(struct.pack("HBBI", *insn) for insn in code)
    buf = ctypes.create_string_buffer(raw)

    class Prog(ctypes.Structure):
        _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_void_p)]

    prog = Prog(len(code), ctypes.addressof(buf))
    ok(libc.prctl(PR_SET_SECCOMP, 2, ctypes.byref(prog), 0, 0), "seccomp")


def become_runner():
    """Make the runs' namespaces; return in the child that is their PID 1 (the parent waits)."""
    ok(libc.unshare(NEWUSER | NEWNS | NEWPID | NEWIPC), "unshare")
    write_file("/proc/self/setgroups", "deny")
    write_file("/proc/self/uid_map", "%d 0 1" % INNER)
    write_file("/proc/self/gid_map", "%d 0 1" % INNER)
    pid = os.fork()
    if pid:  # the zygote ends when the runner does
        os.close(0)
        os.close(1)
        _, status = os.waitpid(pid, 0)
        os._exit(os.waitstatus_to_exitcode(status) if os.WIFEXITED(status) else 1)
    libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    signal.signal(signal.SIGINT, signal.SIG_DFL)  # a handler would let the runs signal PID 1
    ok(libc.prctl(PR_SET_DUMPABLE, 0, 0, 0, 0), "dumpable")
    ok(libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), "no_new_privs")
    mount(None, "/", None, REC | PRIVATE, None)
    mount(b"proc", "/proc", b"proc", NOSUID | NODEV | NOEXEC, None)
    if os.uname().machine in SECCOMP_ARCH:
        seccomp_filter()
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


class Scratch:
    """The runs' writable places, and the read-only ``/harness``, as the runner keeps them."""

    def __init__(self):
        self.size = None
        self.harness = None

    def prepare(self, size, harness):
        if size != self.size:  # a fresh tmpfs of the run's size for each (they are empty between runs)
            for top, mode in SCRATCH.items():
                if top == "/dev/shm" and not os.path.isdir(top):
                    continue
                if self.size is not None:
                    ok(libc.umount2(top.encode(), DETACH), "umount " + top)
                inodes = 256 if top == "/dev/shm" else 4096
                mount(b"tmpfs", top, b"tmpfs", NOSUID | NODEV, b"size=%d,nr_inodes=%d,mode=%s" % (size, inodes, mode.encode()))
            self.size = size
        if harness != self.harness:  # trusted files: a fresh tmpfs, then read-only
            if self.harness:
                ok(libc.umount2(b"/harness", DETACH), "umount /harness")
            if harness:
                mount(b"tmpfs", "/harness", b"tmpfs", NOSUID | NODEV, b"size=16m,nr_inodes=256,mode=0755")
                for name, data in harness.items():
                    with open("/harness/" + name, "wb") as f:
                        f.write(base64.b64decode(data))
                    os.chmod("/harness/" + name, 0o444)
                mount(None, "/harness", None, REMOUNT | RDONLY | NOSUID | NODEV, None)
            self.harness = harness

    def empty(self):
        """Remove what the run wrote; the reason it could not, else None."""
        for top in SCRATCH:
            if not os.path.isdir(top):
                continue
            try:
                for name in os.listdir(top):
                    remove(os.path.join(top, name))
            except OSError as e:
                return "could not empty %s: %s" % (top, e)
            if os.listdir(top):
                return "could not empty " + top
        return None


def remove(path):
    """Delete a file or a whole tree, however deep and whatever modes the run gave it."""
    stack = [path]
    while stack:
        top = stack[-1]
        if os.path.islink(top) or not os.path.isdir(top):
            os.unlink(top)
            stack.pop()
            continue
        os.chmod(top, 0o700)  # a directory the run made unreadable or unwritable
        inside = [os.path.join(top, name) for name in os.listdir(top)]
        if inside:
            stack += inside
        else:
            os.rmdir(top)
            stack.pop()


# ---- one run ----------------------------------------------------------------------------------


def start(req, fds):
    """Fork the program: its stdio, its limits, /work, then exec. Returns its pid."""
    pid = os.fork()
    if pid:
        return pid
    try:
        for i, fd in enumerate(fds):  # the program's stdin, stdout, stderr; nothing else stays open
            os.dup2(fd, i)
        os.closerange(3, 1 << 16)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        os.chdir("/work")
        for key, value in req["rlimits"].items():
            resource.setrlimit(RLIMITS[key], (value, value + (1 if key == "cpu" else 0)))
        os.execvpe(req["command"][0], req["command"], ENV)
    except BaseException as e:
        os.write(2, ("sandbox: could not start the program: %s\n" % e).encode())
    os._exit(127)


def reap():
    try:
        while os.waitpid(-1, os.WNOHANG)[0]:
            pass
    except ChildProcessError:
        pass


def kill_all():
    """Kill every process of the namespaces but PID 1 (forked, daemonised, detached: all of them)."""
    for _ in range(1000):
        reap()
        try:
            os.kill(-1, signal.SIGKILL)
        except ProcessLookupError:
            return None
        time.sleep(0.001)
    return "processes survived the kill"


def remove_ipc():
    """Remove the System V objects the run made (they outlive their creators)."""
    for kind, call in (("shm", libc.shmctl), ("sem", libc.semctl), ("msg", libc.msgctl)):
        with open("/proc/sysvipc/" + kind) as f:
            ids = [int(line.split()[1]) for line in f.readlines()[1:] if line.strip()]
        for ident in ids:
            call(ident, 0, None) if kind != "sem" else call(ident, 0, 0, None)  # IPC_RMID
        with open("/proc/sysvipc/" + kind) as f:
            if len(f.readlines()) > 1:
                return "a System V %s object outlived the run" % kind
    return None


def reply(status, out, err, out_cut, err_cut, stopped, duration, retire):
    b64 = lambda data: base64.b64encode(data).decode()  # noqa: E731
    return {"exit_code": os.waitstatus_to_exitcode(status), "stdout": b64(out), "stderr": b64(err),
            "stdout_truncated": out_cut, "stderr_truncated": err_cut, "stopped": stopped, "duration_s": duration,
            "retire": retire}


def run(req, scratch):
    """One request: the files into /work, the program, its output, then the cleanup."""
    start_time = time.monotonic()
    scratch.prepare(req["disk_bytes"], req["harness"])
    try:
        for name, data in req["files"].items():
            path = "/work/" + name
            if "/" in name:
                os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "wb") as f:
                f.write(base64.b64decode(data))
    except OSError as e:  # more than the run's disk holds, say: the run fails, the zygote is fine
        err = ("sandbox: could not write the program's files: %s\n" % e).encode()
        return reply(127 << 8, b"", err, False, False, None, time.monotonic() - start_time, scratch.empty())
    in_r, in_w = os.pipe()
    out_r, out_w = os.pipe()
    err_r, err_w = os.pipe()
    pid = start(req, [in_r, out_w, err_w])
    for fd in (in_r, out_w, err_w):
        os.close(fd)
    status, streams, stopped, problem = pump(pid, base64.b64decode(req["stdin"]), in_w, out_r, err_r,
                                             start_time + req["wall_s"], req["output_bytes"])
    duration = time.monotonic() - start_time
    problem = kill_all() or problem or scratch.empty() or remove_ipc()
    (out, out_cut), (err, err_cut) = streams
    return reply(status, out, err, out_cut, err_cut, stopped, duration, problem)


def pump(pid, stdin, in_w, out_r, err_r, deadline, cap):
    """Feed the program's stdin and read its output until it ends (and with it everything it
    started), an output passes ``cap`` or the deadline passes. Closes the pipes. Returns its wait
    status, ((stdout, cut), (stderr, cut)), why it was stopped, and what could not be killed."""
    os.set_blocking(in_w, False)
    try:  # readable once the program has exited
        exited = os.pidfd_open(pid)
    except (AttributeError, OSError):
        exited = None
    bufs = {out_r: bytearray(), err_r: bytearray()}
    cut = {out_r: False, err_r: False}
    readers, writer, stopped, status, problem = [out_r, err_r], (in_w if stdin else None), None, None, None
    if writer is None:
        os.close(in_w)
    while readers or status is None:
        left = deadline - time.monotonic()
        if left <= 0:
            stopped = "timeout"
            break
        watch = readers + ([exited] if exited is not None and status is None else [])
        r, w, _ = select.select(watch, [writer] if writer is not None else [], [], min(left, 0.5 if exited is not None else 0.005))
        if status is None and (exited in r or exited is None):
            done, code = os.waitpid(pid, os.WNOHANG)
            if done:  # the program ended: so does everything it started, and its output then ends too
                status, problem = code, kill_all()
        for fd in r:
            if fd == exited:
                continue
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
    if status is None:
        os.kill(pid, signal.SIGKILL)
        status = os.waitpid(pid, 0)[1]
    for fd in (writer, out_r, err_r, exited):
        if fd is not None:
            os.close(fd)
    return status, ((bytes(bufs[out_r]), cut[out_r]), (bytes(bufs[err_r]), cut[err_r])), stopped, problem


def main():
    become_runner()
    scratch = Scratch()
    control_in, control_out = sys.stdin.buffer, sys.stdout.buffer
    while True:
        head = control_in.read(4)
        if len(head) < 4:
            return
        req = json.loads(control_in.read(struct.unpack(">I", head)[0]))
        try:
            reply = run(req, scratch)
        except Exception as e:
            reply = {"error": "%s: %s" % (type(e).__name__, e)}
        body = json.dumps(reply).encode()
        control_out.write(struct.pack(">I", len(body)) + body)
        control_out.flush()


if __name__ == "__main__":
    main()
