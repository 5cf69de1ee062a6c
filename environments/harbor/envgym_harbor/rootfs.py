"""Harbor's paths inside envgym's bubblewrap sandbox: the task's working directory (``/app``),
``/tests`` and ``/logs/verifier`` where Harbor's scripts expect them.

envgym's sandbox gives every run a read-only root with a private ``/work``. Harbor's tasks name
absolute paths (``/app/out.txt``, ``bash /tests/test.sh``, ``/logs/verifier/reward.txt``), so each
run here starts with a trusted launcher (``LAUNCHER``, run as ``python3 -I -S``) that builds a root
of its own before the real command starts: a new user and mount namespace (uid 0 inside, mapped to
the sandbox's unprivileged uid, no capability outside), a fresh tmpfs as ``/`` holding bind mounts
of the sandbox's own directories, the run's ``/work`` mounted at the task's working directory
(``/work`` is then a link to it), a fresh ``/tmp``, and in grading mode ``/tests`` (unpacked from a
read-only harness file) and an empty ``/logs/verifier``. Then ``chroot``, and the command: a
``python3 -I -S`` script (the tools' ``shell.py``) runs in the launcher's own interpreter, which
saves starting a second one (``bench/harbor_launcher.py``: about 1.1x a plain command's time). The system directories
stay read-only; the new root is writable, as a container's is, but only the working directory is
sent back after a run (``envgym_repo.workspace.run_command``), so nothing else an agent writes
reaches the next command or the grader.

Grading (``grade``) runs ``bash /tests/test.sh`` from the working directory under a time limit,
then reads ``/logs/verifier/reward.json`` (first) or ``reward.txt``, as Harbor does, and reports
it on one line prefixed with a per-run secret. The launcher reads the secret from stdin before
test.sh starts and keeps it: it is not dumpable and its child writes to a pipe, so neither test.sh
nor anything it runs can read the secret or write the launcher's result line. What they can do,
exactly as in Harbor, is write the reward file itself: test.sh runs the agent's files (imports its
Python, runs its scripts), so a task is only as hard to forge as its test.sh makes it.

Needs unprivileged user namespaces inside bubblewrap (the kernel's default; envgym's sandbox does
not forbid ``unshare``); the Docker backend does not allow them, so this module is bubblewrap-only.
"""

from __future__ import annotations

import base64
import json
import math
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

LAUNCHER_NAME = "harbor_root.py"
TESTS_NAME = "harbor_tests.json"
OUTPUT_CHARS = 4000

# Runs inside the sandbox as `python3 -I -S /harness/harbor_root.py SPEC COMMAND...`.
LAUNCHER = r'''
import ctypes, json, os, sys
libc = ctypes.CDLL(None, use_errno=True)
NEWNS, NEWUSER = 0x20000, 0x10000000
RDONLY, NOSUID, NODEV, REMOUNT, BIND, REC, PRIVATE = 1, 2, 4, 32, 4096, 0x4000, 1 << 18

def ok(result, what):
    if result != 0:
        err = ctypes.get_errno()
        sys.stderr.write("harbor launcher: %s: %s\n" % (what, os.strerror(err)))
        sys.exit(125)

def mount(source, target, fstype, flags, data=None):
    ok(libc.mount(source, target.encode(), fstype, flags, data), "mount " + target)

spec, command = json.loads(sys.argv[1]), sys.argv[2:]
workdir, new = spec["workdir"], "/tmp/.harbor-root"
secret = sys.stdin.readline().strip() if spec["grade"] else None
uid, gid = os.getuid(), os.getgid()
ok(libc.unshare(NEWUSER | NEWNS), "unshare (user namespaces must be allowed in the sandbox)")
for name, text in (("setgroups", "deny"), ("uid_map", "0 %d 1" % uid), ("gid_map", "0 %d 1" % gid)):
    with open("/proc/self/" + name, "w") as f:
        f.write(text)
mount(None, "/", None, REC | PRIVATE)
os.mkdir(new, 0o755)
size = ("size=%dm,mode=0755" % spec["disk_mb"]).encode()
mount(b"tmpfs", new, b"tmpfs", NOSUID | NODEV, size)
for entry in sorted(os.listdir("/")):
    path, target = "/" + entry, new + "/" + entry
    if entry == "tmp" or (entry == "work" and workdir != "/work"):
        continue
    if os.path.islink(path):
        os.symlink(os.readlink(path), target)
    elif os.path.isdir(path):
        os.mkdir(target)
        mount(path.encode(), target, None, BIND | REC)
os.makedirs(new + workdir, exist_ok=True)
if workdir != "/work":
    mount(b"/work", new + workdir, None, BIND)
    os.symlink(workdir, new + "/work")
for scratch in ("/tmp", "/root"):
    os.makedirs(new + scratch, exist_ok=True)
mount(b"tmpfs", new + "/tmp", b"tmpfs", NOSUID | NODEV, size.replace(b"0755", b"1777"))
if spec["grade"]:
    import base64
    with open("/harness/" + spec["tests"], "rb") as f:
        tests = json.load(f)
    for name, data in tests.items():
        os.makedirs(os.path.dirname(new + "/tests/" + name), exist_ok=True)
        with open(new + "/tests/" + name, "wb") as f:
            f.write(base64.b64decode(data))
    for folder in ("/logs/verifier", "/logs/agent"):
        os.makedirs(new + folder, mode=0o777)
os.chroot(new)
os.chdir(workdir)
if not spec["grade"] and command[0] == sys.executable and command[1:3] == ["-I", "-S"]:
    sys.argv = command[3:]  # a Python script (the tools' shell.py): run here, saving an interpreter's start
    with open(command[3]) as f:
        code = compile(f.read(), command[3], "exec")
    exec(code, {"__name__": "__main__", "__file__": command[3]})
    sys.exit(0)
if not spec["grade"]:
    os.execv(command[0], command)

ok(libc.prctl(4, 0, 0, 0, 0), "prctl(PR_SET_DUMPABLE)")
import selectors, signal, stat, subprocess, time  # grading only: a tool command starts faster without them
env = {"PATH": spec["bundle"] + "/bin:/usr/local/bin:/usr/bin:/bin", "PYTHONPATH": spec["bundle"] + "/lib",
       "HOME": "/root", "LANG": "C.UTF-8", "PYTHONDONTWRITEBYTECODE": "1", "TERM": "dumb"}
proc = subprocess.Popen(command, cwd=workdir, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                        stderr=subprocess.STDOUT, start_new_session=True)
out, deadline, timed_out = bytearray(), time.monotonic() + spec["timeout_s"], False
sel = selectors.DefaultSelector()
sel.register(proc.stdout, selectors.EVENT_READ)
while True:
    left = deadline - time.monotonic()
    if left <= 0:
        timed_out = True
        break
    if not sel.select(min(left, 0.5)):
        continue
    chunk = os.read(proc.stdout.fileno(), 65536)
    if not chunk:
        break
    out += chunk
    del out[:max(0, len(out) - 65536)]
try:
    os.killpg(proc.pid, signal.SIGKILL)
except OSError:
    pass
code = proc.wait()

def read_reward(name):
    path = "/logs/verifier/" + name
    try:
        info = os.lstat(path)
    except OSError:
        return None
    if not stat.S_ISREG(info.st_mode):
        return "not a regular file"
    with open(path, "rb") as f:
        return f.read(1 << 16).decode("utf-8", "replace")

report = {"code": code, "timed_out": timed_out, "output": bytes(out).decode("utf-8", "replace"),
          "reward_json": read_reward("reward.json"), "reward_txt": read_reward("reward.txt")}
os.write(1, ("\n" + secret + json.dumps(report) + "\n").encode())
'''


class RootedSandbox:
    """A repository sandbox (``envgym_repo.workspace.make_repo_sandbox``) whose every run starts in a
    root with the task's working directory at ``workdir``; what ``envgym_repo``'s tools need of a
    sandbox (``run``, ``python``, ``limits``, ``harness_path``, ``repo_bundle``) passes through."""

    def __init__(self, box: Any, workdir: str) -> None:
        self.box = box
        self.workdir = workdir

    def __getattr__(self, name: str) -> Any:
        return getattr(self.box, name)

    def run(self, command: Any, *, files: Mapping[str, bytes] | None = None, stdin: str | bytes | None = None,
            limits: Any = None, readonly_files: Mapping[str, str | bytes] | None = None) -> Any:
        return launch(self.box, self.workdir, list(command), files=files or {}, stdin=stdin, limits=limits,
                      readonly=readonly_files or {})


def launch(box: Any, workdir: str, command: list[str], *, files: Mapping[str, bytes], stdin: Any, limits: Any,
           readonly: Mapping[str, str | bytes], grade: dict[str, Any] | None = None) -> Any:
    """Run ``command`` in a fresh sandbox through the launcher (``grade``: the grading settings)."""
    limits = limits or box.limits
    spec = {"workdir": workdir, "disk_mb": limits.disk_mb, "grade": grade is not None, **(grade or {})}
    argv = [box.python, "-I", "-S", box.harness_path(LAUNCHER_NAME), json.dumps(spec), *command]
    return box.run(argv, files=dict(files), stdin=stdin, limits=limits,
                   readonly_files={**readonly, LAUNCHER_NAME: LAUNCHER})


@dataclass(frozen=True)
class VerifierRun:
    """What ``tests/test.sh`` did: the reward it wrote (None when it wrote none that could be read),
    which file it came from, every metric of ``reward.json``, its exit code and output."""

    reward: float | None
    source: str
    metrics: Mapping[str, float]
    exit_code: int | None
    output: str
    reason: str


def run_verifier(box: Any, workdir: str, files: Mapping[str, bytes], tests: Mapping[str, bytes], *,
                 timeout_s: float) -> VerifierRun:
    """Copy ``files`` (the agent's working directory) and ``tests`` into a fresh sandbox, run
    ``bash /tests/test.sh`` there for at most ``timeout_s`` seconds, and read the reward file."""
    secret = secrets.token_hex(16)
    packed = json.dumps({name: base64.b64encode(data).decode() for name, data in tests.items()})
    grade = {"tests": TESTS_NAME, "timeout_s": timeout_s, "bundle": box.repo_bundle}
    limits = box.limits.replace(wall_s=timeout_s + 15.0)
    result = launch(box, workdir, ["/bin/bash", "/tests/test.sh"], files=files, stdin=secret + "\n", limits=limits,
                    readonly={TESTS_NAME: packed}, grade=grade)
    line = next((line[len(secret):] for line in reversed(result.stdout.splitlines()) if line.startswith(secret)), None)
    if line is None:
        why = result.stopped or f"exit code {result.exit_code}"
        return VerifierRun(None, "", {}, None, result.stderr[-OUTPUT_CHARS:], f"the verifier reported nothing ({why})")
    report = json.loads(line)
    output = report["output"][-OUTPUT_CHARS:]
    if report["timed_out"]:
        return VerifierRun(None, "", {}, None, output, f"tests/test.sh ran past its {timeout_s:g} s limit")
    reward, source, metrics, reason = parse_reward(report["reward_json"], report["reward_txt"])
    return VerifierRun(reward, source, metrics, report["code"], output, reason)


def parse_reward(reward_json: str | None, reward_txt: str | None) -> tuple[float | None, str, dict[str, float], str]:
    """The reward from Harbor's reward files: ``reward.json`` when present (its ``reward`` key, or
    its only value), else ``reward.txt`` (one number); (reward, file, metrics, reason).

    >>> parse_reward(None, "1\\n")[:2]
    (1.0, 'reward.txt')
    >>> parse_reward('{"reward": 0.5, "tests": 2}', "1")[:3]
    (0.5, 'reward.json', {'reward': 0.5, 'tests': 2.0})
    >>> parse_reward(None, None)[3]
    'tests/test.sh wrote no /logs/verifier/reward.txt or reward.json'
    >>> parse_reward(None, "nan")[0] is None
    True
    """
    reward, source, metrics, reason = _read_reward(reward_json, reward_txt)
    if reward is not None and not math.isfinite(reward):
        return None, source, metrics, f"{source} holds {reward}, not a finite number"
    return reward, source, metrics, reason


def _read_reward(reward_json: str | None, reward_txt: str | None) -> tuple[float | None, str, dict[str, float], str]:
    if reward_json is not None:
        try:
            data = json.loads(reward_json)
            metrics = {str(k): float(v) for k, v in data.items() if isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v)}
        except (ValueError, AttributeError):
            return None, "reward.json", {}, "reward.json is not a JSON object of numbers"
        value = metrics.get("reward", next(iter(metrics.values())) if len(metrics) == 1 else None)
        if value is None:
            return None, "reward.json", metrics, "reward.json has no 'reward' key (and more than one value)"
        return value, "reward.json", metrics, f"tests/test.sh wrote reward {value:g} (reward.json)"
    if reward_txt is not None:
        try:
            value = float(reward_txt.strip())
        except ValueError:
            return None, "reward.txt", {}, f"reward.txt does not hold a number: {reward_txt.strip()[:40]!r}"
        return value, "reward.txt", {"reward": value}, f"tests/test.sh wrote reward {value:g} (reward.txt)"
    return None, "", {}, "tests/test.sh wrote no /logs/verifier/reward.txt or reward.json"
