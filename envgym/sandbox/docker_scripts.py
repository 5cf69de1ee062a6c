"""The trusted programs the docker sandbox runs inside its containers, as Python source for
``python3 -I -S -c``: PID 1, each run's launcher, and the separate cleanup."""

from envgym.sandbox.docker_image import INNER_UID

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

# Ends a run, as root: kill everything but PID 1 (which reaps them) and this process, empty every
# writable place, check that no System V object is left. The container's OOM-kill count, or why not.
CLEAN = """
import os, shutil, signal, time
def clean():
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
        return "processes survived the kill"
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
            return "could not empty " + top
    for kind in ("shm", "sem", "msg"):
        with open("/proc/sysvipc/" + kind) as f:
            if len(f.readlines()) > 1:
                return "a System V " + kind + " object outlived the run"
    for path in ("/sys/fs/cgroup/memory.events", "/sys/fs/cgroup/memory/memory.oom_control"):
        try:
            with open(path) as f:
                return int(dict(line.split() for line in f if line.strip()).get("oom_kill", 0))
        except (OSError, ValueError):
            pass
    return 0
"""

# The separate cleanup, for a run that was stopped or did not sign its end: prints the OOM-kill
# count; any failure retires the container.
CLEANUP = CLEAN + """
import sys
done = clean()
sys.exit(done) if isinstance(done, str) else print(done)
"""

# Every run, as root. Its request arrives first on stdin (a 16-byte length, then a marshalled dict:
# Docker cannot copy into a tmpfs of a read-only container): the secret, the trusted files (None:
# keep the last run's), the run's files, its rlimits and its command. The command runs as uid 1000
# in /work, first in line for the OOM killer; when it ends, so does everything it started (as
# when bwrap's PID namespace ends). Then the cleanup, the secret and its outcome as the last line
# of stderr, and the launcher exits the way the command did.
LAUNCHER = CLEAN + """
import marshal, resource, sys
UID = %d
def read(n):
    parts = []
    while n:
        part = os.read(0, min(n, 1 << 20))
        if not part:
            sys.exit("envgym: the run's request was cut short")
        parts.append(part)
        n -= len(part)
    return b"".join(parts)
req = marshal.loads(read(int(read(16))))
if req["harness"] is not None:  # root's, files 0444 in directories 0555
    for name in os.listdir("/harness"):
        path = os.path.join("/harness", name)
        shutil.rmtree(path) if os.path.isdir(path) and not os.path.islink(path) else os.unlink(path)
    for name, body in req["harness"].items():
        path = os.path.join("/harness", name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as f:
            f.write(body)
        os.chmod(path, 0o444)
    for root, dirs, files in os.walk("/harness"):
        for name in dirs:
            os.chmod(os.path.join(root, name), 0o555)
pid = os.fork()
if pid == 0:
    try:
        with open("/proc/self/oom_score_adj", "w") as f:  # while still root: it is root's file after the switch
            f.write("1000")
        os.setgroups([])
        os.setresgid(UID, UID, UID)
        os.setresuid(UID, UID, UID)  # every capability goes with root
        os.chdir("/work")
        for name, data in req["files"].items():
            if os.path.dirname(name):
                os.makedirs(os.path.dirname(name), exist_ok=True)
            with open(name, "wb") as f:
                f.write(data)
        cpu, memory, size, files = req["rlimits"]
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
        resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
        resource.setrlimit(resource.RLIMIT_FSIZE, (size, size))
        resource.setrlimit(resource.RLIMIT_NOFILE, (files, files))
        os.execvp(req["command"][0], req["command"])
    except BaseException as e:
        os.write(2, ("could not start " + req["command"][0] + ": " + str(e) + "\\n").encode())
    os._exit(127)
status = os.waitpid(pid, 0)[1]
done = clean()
os.write(2, b"\\0" + req["nonce"] + (b" ok %%d\\n" %% done if isinstance(done, int) else b" " + done.encode() + b"\\n"))
if os.WIFSIGNALED(status):
    try:
        signal.signal(os.WTERMSIG(status), signal.SIG_DFL)
    except (OSError, ValueError):
        pass
    os.kill(os.getpid(), os.WTERMSIG(status))
    os._exit(128 + os.WTERMSIG(status))
os._exit(os.waitstatus_to_exitcode(status))
""" % INNER_UID
