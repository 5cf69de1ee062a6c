"""Working copies in a sandbox: run a shell command in one, run its tests, grade it with hidden tests.

A working copy is a mapping of relative paths to file contents, kept on the host, one per episode
(a copy of the task's mapping: the contents are shared until the agent writes a file). Nothing
persists inside a sandbox: every command starts a fresh sandbox (a warm bubblewrap zygote, or a
Docker container), writes the working copy into its ``/work``, runs, and sends back the tree as the
command left it, which becomes the working copy. So a command can do anything a shell can
(edit, create, delete, move files, run pytest) and its effects reach the next command, while
nothing it starts, writes outside ``/work`` or leaves in ``/tmp`` survives it.

The snapshot travels on the sandbox's stdout after the command's own (captured) output. The
command could forge it, but that gains nothing: the snapshot is the agent's own working copy,
which its tools may set to anything anyway.

What decides the reward is ``grade``, and nothing in the agent's process decides it. The hidden
tests hold inputs, not expected values: each calls the repository's code and records what it
sees (``envgym_repo.observe``: ``observe(value)``, ``observe_raises(fn)``). They run in a fresh
sandbox the agent never touched, holding only the agent's source files (``source_files``: ``.py``
files in the task's source packages; no conftest, test, ``sitecustomize``, ``.pth`` or cache), the
hidden tests and their runner read-only under ``/harness``; no pytest. The runner prints every
test's observations as JSON. The host then compares them, test by test, with the observations of
the gold solution's source files on the same tests, run in a sandbox of their own
(``gold_observations``, once per process and task). A test passes when the two lists are equal as
JSON text; a missing, garbled or extra report fails.

So the agent's code may patch the runner, print a report of its own or exit early: a report is
only worth the values in it, and the gold's values exist on the host and in the gold's own
sandbox run, never in the agent's (``tests/test_repo_grading.py`` searches that sandbox for a
random gold token and forges reports). What is not protected: code that computes or knows the
right values for the hidden inputs passes, whether or not it solves the issue in general; the
hidden test files are readable from the agent's code at grading time (inputs only); a test whose
observations the agent can predict without the code (a round trip that must give back its input,
a check that must be True) is no harder to forge than the assert it replaced. Values are compared
in a canonical form (``envgym_repo.observe.canonical``): floats to 10 significant digits, whole
floats as ints, dicts and sets sorted, so two solutions that the old ``==`` asserts took as equal
agree; an exception counts by the name of its class.

pytest inside the sandbox (for the agent's ``run_tests`` and ``bash``, not for grading): the
sandbox sees only the system's ``/usr``, whose Python usually has no pytest. ``pytest_bundle``
copies the host's pytest and its pure-Python dependencies (pytest, pluggy, iniconfig, packaging)
into a cache directory once and the sandbox binds that directory read-only: never the host's whole
site-packages, which may hold this package and so the hidden tests and gold patches.

Backends: bubblewrap (the default) binds the host's ``/usr`` and the bundle read-only. The docker
backend's image holds only the system Python, so ``make_repo_sandbox`` asks for one that also
holds the bundle and the shell with the tools an agent reaches for (``SHELL_PROGRAMS``, copied from
the host with their libraries); it is built offline once, like the base image.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import posixpath
import secrets
import shutil
import subprocess
import tempfile
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

Files = dict[str, bytes]
Observations = dict[str, list[Any]]  # test id -> what the test observed, canonical JSON data

MAX_FILE_BYTES = 256 << 10
MAX_TREE_BYTES = 4 << 20
MAX_TREE_FILES = 500
MAX_OUTPUT_CHARS = 6000
BUNDLED = ("pytest", "_pytest", "py.py", "pluggy", "iniconfig", "packaging", "pygments")
SKIPPED_DIRS = ("__pycache__", ".pytest_cache", ".git")
# The shell and the tools an agent reaches for, put into the docker backend's image (when the host has them).
SHELL_PROGRAMS = ("sh", "bash", "ls", "cat", "head", "tail", "grep", "sed", "awk", "find", "xargs", "rm", "mkdir",
                  "rmdir", "cp", "mv", "touch", "wc", "sort", "uniq", "diff", "cmp", "tr", "cut", "printf", "echo",
                  "env", "pwd", "dirname", "basename", "tee", "sleep", "yes", "true", "false", "chmod", "ln",
                  "readlink", "realpath", "stat", "seq", "timeout", "patch", "nl", "od", "test", "expr", "id")

# Runs inside the sandbox as `python3 -I -S /harness/shell.py`, the command on stdin. Trusted but
# not relied on (see the module docstring): the command's output, then the tree, base64 in JSON.
SHELL = r'''
import base64, json, os, signal, subprocess, sys
MARK, CAP, WALL = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
SKIP = set(sys.argv[4].split(","))
bundle, TREE_CAP, FILES_CAP = sys.argv[5], int(sys.argv[6]), int(sys.argv[7])
command = sys.stdin.read()
env = {"PATH": bundle + "/bin:/usr/bin:/bin", "PYTHONPATH": bundle + "/lib", "HOME": "/work",
       "LANG": "C.UTF-8", "PYTHONDONTWRITEBYTECODE": "1", "TERM": "dumb"}
proc = subprocess.Popen(["/bin/sh", "-c", command], cwd="/work", env=env, stdin=subprocess.DEVNULL,
                        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True)
out, total, status = bytearray(), 0, None
import selectors, time
deadline = time.monotonic() + WALL
sel = selectors.DefaultSelector()
sel.register(proc.stdout, selectors.EVENT_READ)
while True:
    left = deadline - time.monotonic()
    if left <= 0:
        status = "timeout"
        break
    if not sel.select(min(left, 0.5)):
        continue
    chunk = os.read(proc.stdout.fileno(), 65536)
    if not chunk:
        break
    total += len(chunk)
    out += chunk[:max(0, CAP - len(out))]
try:
    os.killpg(proc.pid, signal.SIGKILL)
except OSError:
    pass
code = proc.wait()
files = {}
size = count = 0
for root, dirs, names in os.walk("/work"):
    dirs[:] = sorted(d for d in dirs if d not in SKIP and not os.path.islink(os.path.join(root, d)))
    for name in sorted(names):
        path = os.path.join(root, name)
        if os.path.islink(path) or not os.path.isfile(path) or name.endswith(".pyc"):
            continue
        size, count = size + os.path.getsize(path), count + 1
        if size > TREE_CAP or count > FILES_CAP:  # over a cap: counts only from here on (the host drops the changes)
            continue
        try:  # a file the command made unreadable (chmod 0) is left out, as a symlink is
            with open(path, "rb") as f:
                files[os.path.relpath(path, "/work")] = base64.b64encode(f.read()).decode()
        except OSError:
            pass
sys.stdout.write(MARK + json.dumps({"code": code, "status": status, "output": base64.b64encode(bytes(out)).decode(),
                                    "total": total, "files": files, "size": size, "count": count}))
'''

# Runs inside the grading sandbox as `python3 -I -S /harness/grade.py HARNESS`; stdin: the marker.
# The hidden tests' runner (``envgym_repo.observe``) sits next to them as /harness/observe.py.
GRADE = r'''
import sys
sys.path[:0] = [sys.argv[1], "/work"]
import observe
observe.main(sys.argv[1], sys.stdin.readline().strip())
'''
OBSERVE = (Path(__file__).parent / "observe.py").read_text()


@dataclass(frozen=True)
class CommandResult:
    """What a command did: its exit code (None when it never finished), its output as the model
    reads it, and the working copy it left (None when the sandbox sent none back)."""

    exit_code: int | None
    output: str
    files: Files | None


@dataclass(frozen=True)
class Grade:
    """The hidden tests' result: test ids that passed, and the total the task declares."""

    passed: tuple[str, ...]
    failed: tuple[str, ...]
    total: int
    reason: str

    @property
    def all_passed(self) -> bool:
        return self.total > 0 and len(self.passed) >= self.total and not self.failed


def pytest_bundle(cache: str | os.PathLike[str] | None = None) -> str:
    """A directory holding ``lib/`` (pytest and its dependencies, copied from the host and compiled
    for ``/usr/bin/python3``) and ``bin/`` (``python`` and ``pytest`` for the shell), built once per
    pytest version; its path.

    It lies under ``/var/tmp/envgym-UID`` by default, not under the home directory: bubblewrap starts
    as a throwaway uid that must be able to reach it (a home directory is usually closed to others)."""
    import pytest

    site = Path(pytest.__file__).resolve().parent.parent
    root = Path(cache) if cache else Path("/var/tmp") / f"envgym-{os.geteuid()}"
    target = root / f"pytest-bundle-{pytest.__version__}-pyc"
    if (target / "lib" / "pytest").is_dir():
        return str(target)
    root.mkdir(mode=0o755, parents=True, exist_ok=True)
    if root.stat().st_uid != os.geteuid() or root.stat().st_mode & 0o022:
        raise RuntimeError(f"{root} is not this user's alone (owner uid {root.stat().st_uid}); "
                           "pass pytest_bundle(cache=...) a directory of your own")
    staging = Path(tempfile.mkdtemp(prefix="pytest-bundle-", dir=root))
    (staging / "lib").mkdir()
    for name in BUNDLED:
        source = site / name
        if source.is_dir():
            shutil.copytree(source, staging / "lib" / name, ignore=shutil.ignore_patterns("__pycache__"))
        elif source.is_file():
            shutil.copy2(source, staging / "lib" / name)
    # compiled once here for the sandboxes' Python: else every pytest run there compiles pytest anew (~0.4 s)
    if os.path.exists("/usr/bin/python3"):
        subprocess.run(["/usr/bin/python3", "-m", "compileall", "-q", str(staging / "lib")], capture_output=True, check=False)
    (staging / "bin").mkdir()
    os.symlink("/usr/bin/python3", staging / "bin" / "python")
    script = staging / "bin" / "pytest"
    script.write_text("#!/usr/bin/python3\nimport pytest\nraise SystemExit(pytest.main())\n")
    script.chmod(0o755)
    os.chmod(staging, 0o755)
    try:
        os.rename(staging, target)
    except OSError:  # another process built it first
        shutil.rmtree(staging, ignore_errors=True)
    return str(target)


def make_repo_sandbox(backend: str | None = None, *, concurrency: int | None = None) -> Any:
    """A sandbox that can run pytest: envgym's sandbox with the pytest bundle bound read-only."""
    import envgym

    bundle = pytest_bundle()
    kwargs: dict[str, Any] = {"wall_s": 30.0, "cpu_s": 30.0, "memory_mb": 1024, "processes": 64,
                              "output_bytes": 2 * MAX_TREE_BYTES, "disk_mb": 64}
    if concurrency is not None:
        kwargs["concurrency"] = concurrency
    name = backend or _default_backend()
    if name in ("bwrap", "docker"):
        kwargs["extra_ro_binds"] = (bundle,)
    if name == "bwrap":  # this package (the hidden tests, the gold patches) when installed under the bound /usr
        kwargs["hide"] = (str(Path(__file__).resolve().parent),)
    if name == "docker":  # bwrap binds the host's /usr; the docker image holds only what it is given
        kwargs["programs"] = SHELL_PROGRAMS
    box = envgym.make_sandbox(name, **kwargs)
    box.repo_bundle = bundle
    return box


def _default_backend() -> str:
    from envgym.sandbox.base import default_backend

    return default_backend()


def run_command(box: Any, files: Mapping[str, bytes], command: str, *, wall_s: float = 20.0,
                max_chars: int = MAX_OUTPUT_CHARS) -> CommandResult:
    """Run ``command`` with ``/bin/sh`` in a fresh sandbox holding ``files`` as ``/work``."""
    mark = f"\n@@envgym-tree-{secrets.token_hex(8)}@@"
    argv = [box.python, "-I", "-S", box.harness_path("shell.py"), mark, str(64 << 10), str(wall_s),
            ",".join(SKIPPED_DIRS), box.repo_bundle, str(MAX_TREE_BYTES), str(MAX_TREE_FILES)]
    limits = box.limits.replace(wall_s=wall_s + 5.0)
    result = box.run(argv, files=dict(files), stdin=command, limits=limits, readonly_files={"shell.py": SHELL})
    head, found, tail = result.stdout.rpartition(mark)
    report = _report(tail) if found else None
    if report is None:  # no report, or a cut one: the shell was killed (or the command killed it)
        why = result.stopped or f"exit code {result.exit_code}"
        return CommandResult(None, _cut(f"Error: the sandbox stopped the command ({why}); the working copy is "
                                        f"unchanged\n{result.stderr[-1000:]}", max_chars), None)
    output = base64.b64decode(report["output"]).decode("utf-8", "replace")
    if report["total"] > len(output.encode()):
        output += f"\n[output cut: {report['total']} bytes printed]"
    if report["status"] == "timeout":
        output += f"\n[the command timed out after {wall_s:g} s and was killed]"
    if report["size"] > MAX_TREE_BYTES or report["count"] > MAX_TREE_FILES:
        return CommandResult(report["code"], _cut(output, max_chars) + "\n[Error: the working copy grew over "
                             f"{MAX_TREE_FILES} files or {MAX_TREE_BYTES >> 20} MiB: the command's changes were dropped]",
                             None)
    tree = {name: base64.b64decode(data) for name, data in report["files"].items()
            if len(data) <= MAX_FILE_BYTES * 4 // 3 + 4}
    return CommandResult(None if report["status"] else report["code"], _cut(output, max_chars), tree)


def _report(text: str) -> dict[str, Any] | None:
    """The shell's report, or None when it is not one (cut short, or garbage)."""
    try:
        report = json.loads(text)
        keys = {"code", "status", "output", "total", "files", "size", "count"}
        return report if isinstance(report, dict) and keys <= set(report) else None
    except ValueError:
        return None


def source_files(files: Mapping[str, bytes], packages: Sequence[str]) -> Files:
    """The agent's files that grading takes: ``.py`` files inside the task's source packages, and
    no test module, conftest or anything else (see the module docstring)."""
    kept = {}
    for name, data in files.items():
        parts = name.split("/")
        base = parts[-1]
        if (len(parts) >= 2 and parts[0] in packages and base.endswith(".py") and not base.startswith("test_")
                and base != "conftest.py" and not any(p.startswith(".") or p in ("tests", "__pycache__") for p in parts)):
            kept[name] = data
    return kept


def observe_hidden(box: Any, files: Mapping[str, bytes], packages: Sequence[str], hidden: Mapping[str, bytes],
                   *, wall_s: float = 30.0) -> tuple[Observations | None, str]:
    """Run the hidden tests on the source files of ``files`` in a fresh sandbox: each test's
    observations by test id, or None and why there are none (no report, or a garbled one)."""
    mark = secrets.token_hex(16)  # tells the report from the code's own output; it guards nothing
    readonly = {"grade.py": GRADE, "observe.py": OBSERVE, **hidden}  # hidden: flat test_*.py names
    harness = posixpath.dirname(box.harness_path("grade.py"))
    result = box.run([box.python, "-I", "-S", box.harness_path("grade.py"), harness],
                     files=source_files(files, packages), stdin=mark + "\n", limits=box.limits.replace(wall_s=wall_s),
                     readonly_files=readonly)
    line = next((line[len(mark):] for line in reversed(result.stdout.splitlines()) if line.startswith(mark)), None)
    if line is None:
        return None, f"the hidden tests did not report a result ({result.stopped or f'exit code {result.exit_code}'})"
    try:
        report = json.loads(line)
        json.dumps(report)  # so comparing it later cannot fail: nested too deeply raises here
    except (ValueError, RecursionError):
        report = None
    if not isinstance(report, dict) or not all(isinstance(v, list) for v in report.values()):
        return None, "the hidden tests' report is garbled"
    return report, ""


_GOLD: dict[str, Observations] = {}
_GOLD_LOCK = threading.Lock()


def gold_observations(box: Any, gold: Mapping[str, bytes], packages: Sequence[str], hidden: Mapping[str, bytes],
                      *, wall_s: float = 30.0) -> Observations:
    """What the hidden tests observe of the gold solution (the files ``gold``), run twice in
    sandboxes of their own once per process and task; these values stay on the host. Raises when
    a hidden test records nothing, fails on the gold solution or records different values in the
    two runs (hash order, time): the task is broken, not the agent."""
    sources = source_files(gold, packages)
    key = hashlib.sha256(json.dumps([sorted(packages), *(sorted((n, d.hex()) for n, d in m.items())
                                                         for m in (sources, hidden))]).encode()).hexdigest()
    with _GOLD_LOCK:
        if key in _GOLD:
            return _GOLD[key]
    observed, why = observe_hidden(box, sources, packages, hidden, wall_s=wall_s)
    if observed is None:
        raise RuntimeError(f"envgym/Repo-v0: the hidden tests {sorted(hidden)} report nothing on the gold solution "
                           f"({why}); fix the task's hidden tests or solution")
    broken = {t: o for t, o in observed.items() if not o or (isinstance(o[-1], list) and o[-1][:1] == ["error"])}
    if broken:
        raise RuntimeError(f"envgym/Repo-v0: hidden tests that fail or observe nothing on the gold solution: {broken}; "
                           "every hidden test must observe() values the repository's code computes")
    again, _ = observe_hidden(box, sources, packages, hidden, wall_s=wall_s)
    if json.dumps(again) != json.dumps(observed):
        raise RuntimeError(f"envgym/Repo-v0: the hidden tests {sorted(hidden)} observe different values in two runs of "
                           "the gold solution; observe values that do not depend on hash order or the clock")
    with _GOLD_LOCK:
        return _GOLD.setdefault(key, observed)


def grade(box: Any, files: Mapping[str, bytes], packages: Sequence[str], hidden: Mapping[str, bytes],
          total: int, *, gold: Mapping[str, bytes], wall_s: float = 30.0) -> Grade:
    """Run the hidden tests on the agent's source files in a fresh sandbox and compare what each
    test observes with what it observes of the ``gold`` solution's files (``gold_observations``):
    a test passes when the two lists are equal. The comparison happens here, on the host."""
    expected = gold_observations(box, gold, packages, hidden, wall_s=wall_s)
    if len(expected) != total:
        raise ValueError(f"envgym/Repo-v0: the hidden tests {sorted(hidden)} hold {len(expected)} tests, not the "
                         f"{total} the task declares; fix hidden_tests in its task.toml")
    observed, why = observe_hidden(box, files, packages, hidden, wall_s=wall_s)
    if observed is None:
        return Grade((), tuple(sorted(expected)), total, why)
    # compared as JSON text: in Python True == 1, in JSON text they differ, as they did in the sandbox
    passed = tuple(t for t in sorted(expected) if t in observed and json.dumps(observed[t]) == json.dumps(expected[t]))
    failed = tuple(t for t in sorted(expected) if t not in passed) + tuple(sorted(set(observed) - set(expected)))
    reason = f"{len(passed)} of {total} hidden tests passed"
    if failed:
        reason += "; failed: " + ", ".join(n.rpartition("::")[2] for n in failed[:3]) + (" ..." if len(failed) > 3 else "")
    return Grade(passed, failed, total, reason)


def safe_path(path: str) -> str | None:
    """``path`` as a relative path inside the working copy, or None when it leaves it."""
    if not isinstance(path, str) or not path.strip() or "\0" in path:
        return None
    path = path.strip()
    if path.startswith("/work/"):
        path = path[len("/work/"):]
    if path.startswith("/"):
        return None
    norm = posixpath.normpath(path)
    if norm in (".", "") or norm.startswith("../") or norm == "..":
        return None
    return norm


def _cut(text: str, max_chars: int) -> str:
    if len(text) <= max_chars:
        return text
    half = max_chars // 2
    return f"{text[:half]}\n[... {len(text) - max_chars} characters cut ...]\n{text[-half:]}"
