"""Attacks on every sandbox backend: each must end as a failed or stopped run, with the host
unchanged and nothing left running.

Every attack is a candidate ``solution.py`` for ``add(a, b)``, graded by the real trusted harness.
Attacks that try to escape return the right sum ONLY if the escape worked (network reached, host
file read or written, a host process killed...), so "no test passed" means the sandbox held;
resource attacks (bombs, floods, loops) must in addition be stopped by the right limit. After each
attack the host is checked: the files it aimed at are unchanged, and no process runs as a
sandbox uid (bwrap, process) or inside the pool's containers beyond their idle init (docker).
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import textwrap
import time
from dataclasses import dataclass

import pytest

import envgym
from envgym.sandbox.base import own_uids
from envgym.sandbox.harness import run_function_tests

CASES = [((1, 2), 3), ((20, 22), 42), ((-5, 5), 0)]
BACKENDS = ["bwrap", "bwrap-cold", "process", "docker"]  # bwrap-cold: a whole bubblewrap sandbox per run
LIMITS = dict(wall_s=2.0, cpu_s=1.5, memory_mb=256, processes=16, output_bytes=64 << 10, file_size_mb=4,
              open_files=32, disk_mb=16)


@dataclass(frozen=True)
class Attack:
    name: str
    code: str
    stopped: tuple[str, ...] = ()
    """Limits that must have ended the run (empty: the tests simply fail)."""


def escaped_if(flag: str, attempt: str) -> str:
    """Candidate code that answers correctly only when ``attempt`` sets ``flag`` to True."""
    return textwrap.dedent(attempt) + f"\n\ndef add(a, b):\n    return a + b if {flag} else None\n"


@pytest.fixture(scope="module")
def host(tmp_path_factory):
    """What the attacks aim at on the host: a secret file, an environment variable, a listening
    socket, a directory anyone may write, a sentinel process."""
    root = tmp_path_factory.mktemp("host")
    secret = root / "secret.txt"
    secret.write_text("envgym-secret-7f3a")
    secret.chmod(0o600)  # root's own: only the process backend can see the path at all
    writable = root / "open"
    writable.mkdir()
    writable.chmod(0o777)
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    server.settimeout(0.01)
    sentinel = subprocess.Popen(["sleep", "600"])
    os.environ["ENVGYM_ATTACK_SECRET"] = "envgym-env-secret-91c2"
    yield {"secret": str(secret), "writable": str(writable), "port": server.getsockname()[1], "sentinel": sentinel.pid,
           "me": os.getpid()}
    os.environ.pop("ENVGYM_ATTACK_SECRET", None)
    sentinel.kill()
    sentinel.wait()
    server.close()


def attacks(host: dict, harness: str) -> list[Attack]:
    secret, writable, port = host["secret"], host["writable"], host["port"]
    return [
        Attack("infinite loop", "while True:\n    pass\n", ("timeout", "cpu")),
        Attack("sleep", "import time\ntime.sleep(60)\n", ("timeout",)),
        Attack("busy loop in the function", "def add(a, b):\n    while True:\n        pass\n"),  # per-test timeouts
        Attack("fork bomb", "import os\nwhile True:\n    try:\n        os.fork()\n    except OSError:\n        pass\n",
               ("timeout", "cpu", "processes", "memory")),
        Attack("thread bomb", "import threading, time\nwhile True:\n    threading.Thread(target=time.sleep, args=(60,)).start()\n",
               ("processes", "memory", "timeout")),
        Attack("memory bomb", "x = bytearray(8 << 30)\n", ("memory",)),
        Attack("memory creep", "xs = []\nwhile True:\n    xs.append(bytearray(16 << 20))\n", ("memory",)),
        Attack("disk: one huge file", "with open('big', 'wb') as f:\n    while True:\n        f.write(b'x' * (1 << 20))\n",
               ("file_size", "timeout")),
        Attack("disk: many files", "i = 0\nwhile True:\n    open(f'f{i}', 'wb').write(b'x' * (1 << 20)); i += 1\n"),
        Attack("inode exhaustion", "import os\nos.makedirs('d', exist_ok=True)\ni = 0\nwhile True:\n    open(f'd/{i}', 'w').close(); i += 1\n"),
        Attack("descriptor exhaustion", "fs = []\nwhile True:\n    fs.append(open('/dev/null'))\n"),
        Attack("stdout flood", "import sys\nwhile True:\n    sys.stdout.write('A' * 65536)\n", ("output",)),
        Attack("stderr flood", "import sys\nwhile True:\n    sys.stderr.write('E' * 65536)\n", ("output",)),
        Attack("invalid bytes and a fake result line", textwrap.dedent("""
            import os
            fake = b"0" * 32 + b' {"i": 0, "value": ["int", "3"]}'
            os.write(1, b"\\xff\\xfe\\x00" * 1000 + b"\\n" + fake + b"\\n")
            raise SystemExit(0)
            """)),
        Attack("network: host loopback", escaped_if("REACHED", f"""
            import socket
            try:
                socket.create_connection(("127.0.0.1", {port}), timeout=1).close()
                REACHED = True
            except OSError:
                REACHED = False""")),
        Attack("network: outside", escaped_if("REACHED", """
            import socket
            try:
                socket.create_connection(("1.1.1.1", 53), timeout=1).close()
                REACHED = True
            except OSError:
                REACHED = False""")),
        Attack("read a host file", escaped_if("READ", f"""
            try:
                READ = "envgym-secret" in open({secret!r}).read()
            except OSError:
                READ = False""")),
        Attack("read the environment", escaped_if("FOUND", """
            import os
            FOUND = any("ENVGYM_ATTACK_SECRET" in k for k in os.environ)
            for pid in ("1", str(os.getppid()), "self"):
                try:
                    FOUND = FOUND or b"envgym-env-secret" in open(f"/proc/{pid}/environ", "rb").read()
                except OSError:
                    pass""")),
        Attack("write outside the work directory", escaped_if("WROTE", f"""
            WROTE = False
            for path in ({writable + '/escaped'!r}, "/tmp/envgym-escaped", "/usr/envgym-escaped", "/etc/envgym-escaped"):
                try:
                    open(path, "w").write("escaped")
                    WROTE = WROTE or path.startswith({writable!r})
                except OSError:
                    pass""")),
        Attack("kill the parent and the host", escaped_if("KILLED", f"""
            import os, signal
            KILLED = False
            for pid in ({host['sentinel']}, {host['me']}):
                try:
                    os.kill(pid, signal.SIGKILL)
                    KILLED = True
                except OSError:
                    pass
            try:
                os.kill(-1, signal.SIGKILL)  # everything this uid may signal: only itself
            except OSError:
                pass""")),
        Attack("daemonise to outlive the run", "import os, time\nif os.fork() == 0:\n    os.setsid()\n    if os.fork() == 0:\n"
               "        time.sleep(120)\n    os._exit(0)\n"),
        Attack("ignore signals", "import signal, time\nfor s in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP, signal.SIGALRM):\n"
               "    signal.signal(s, signal.SIG_IGN)\nwhile True:\n    time.sleep(0.01)\n", ("timeout",)),
        Attack("early exit with status 0", "import os\nos._exit(0)\n"),
        Attack("print 'all tests passed' and exit 0", "import sys\nprint('all tests passed')\nprint('OK 3/3')\nsys.exit(0)\n"),
        Attack("patch the harness", escaped_if("PATCHED", f"""
            PATCHED = False
            try:
                open({harness!r}, "w").write("print('pwned')")
                PATCHED = True
            except OSError:
                import os
                try:
                    os.remove({harness!r})
                    PATCHED = True
                except OSError:
                    pass""")),
        Attack("forge results with the harness's own secret", textwrap.dedent("""
            import gc, json, os
            for o in gc.get_objects():
                pass
            def add(a, b):
                for o in gc.get_objects():  # find the result channel's prefix and claim every test passed
                    if isinstance(o, bytes) and o.startswith(b"\\n") and len(o) == 34:
                        for i in range(3):
                            os.write(1, o + json.dumps({"i": i, "passed": True}).encode() + b"\\n")
                raise SystemExit(0)
            """)),
        Attack("an object equal to everything", "class Any:\n    def __eq__(self, other):\n        return True\n"
               "    __hash__ = object.__hash__\n\ndef add(a, b):\n    return Any()\n"),
        Attack("an int subclass equal to everything", "class Int(int):\n    def __eq__(self, other):\n        return True\n"
               "    __hash__ = int.__hash__\n\ndef add(a, b):\n    return Int(0)\n"),
        Attack("become root", escaped_if("ROOT", """
            import os
            try:
                os.setuid(0)
                ROOT = os.getuid() == 0 and os.access("/etc/shadow", os.R_OK)
            except OSError:
                ROOT = False""")),
    ]


@pytest.fixture(scope="module", params=BACKENDS)
def box(request):
    envgym.load_plugins()
    if request.param == "docker":
        docker = pytest.importorskip("docker", reason="the docker backend needs the docker SDK: pip install 'envgym[docker]'")
        try:
            docker.from_env().ping()
        except Exception as e:  # noqa: BLE001 - any failure means no engine
            pytest.skip(f"no Docker engine answers ({e}); start one: dockerd --storage-driver=vfs --iptables=false --bridge=none &")
    name, options = ("bwrap", {"warm": False}) if request.param == "bwrap-cold" else (request.param, {})
    with pytest.warns() if name == "process" else _nothing():
        sandbox = envgym.make_sandbox(name, concurrency=2, **options, **LIMITS)
    yield sandbox
    sandbox.close()


class _nothing:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def test_there_are_at_least_25_attacks(host):
    assert len(attacks(host, "/harness/x")) >= 25


def test_a_correct_solution_passes(box):
    report = run_function_tests(box, "def add(a, b):\n    return a + b\n", "add", CASES)
    assert report.all_passed, report.summary()


@pytest.mark.parametrize("index", range(29))
def test_attack(box, host, index):
    found = attacks(host, box.harness_path("envgym_harness.py"))
    if index >= len(found):
        pytest.fail(f"attack list shrank: {len(found)} < {index + 1}")
    attack = found[index]
    start = time.monotonic()
    report = run_function_tests(box, attack.code, "add", CASES, case_s=0.5)
    run = report.runs[0]
    assert report.passed == 0, f"{attack.name}: {report.summary()}"
    assert time.monotonic() - start < LIMITS["wall_s"] + 10, f"{attack.name} outlived the wall-clock limit"
    if attack.stopped:  # the harness catches what it can; run bare, the limit must name itself
        run = box.run_python(attack.code)
        assert run.stopped in attack.stopped, f"{attack.name}: stopped={run.stopped} exit={run.exit_code} {run.stderr[-300:]}"
    assert len(run.stdout_bytes) <= LIMITS["output_bytes"]
    # the host is unchanged
    assert os.path.exists(host["secret"]) and open(host["secret"]).read() == "envgym-secret-7f3a"
    assert os.listdir(host["writable"]) == [], f"{attack.name} wrote into the host"
    assert not os.path.exists("/tmp/envgym-escaped") and not os.path.exists("/usr/envgym-escaped")
    os.kill(host["sentinel"], 0)  # still alive (raises if not)
    # nothing left running
    assert wait_for(lambda: not leftovers(box)), f"{attack.name} left processes running: {leftovers(box)}"


def test_the_harness_is_intact_after_the_attacks(box):
    report = run_function_tests(box, "def add(a, b):\n    return a + b\n", "add", CASES)
    assert report.all_passed, report.summary()


MARK = """
import os, sys
made = []
for top in sys.argv[1:]:
    for root, dirs, files in os.walk(top):
        if root.startswith(("/proc", "/sys", "/usr")):
            dirs[:] = []
            continue
        try:
            with open(os.path.join(root, "envgym-mark"), "w") as f:
                f.write("left by an earlier run")
            made.append(root)
        except OSError:
            pass
print(made)
"""
FIND = """
import os, sys
found = []
for top in sys.argv[1:]:
    for root, dirs, files in os.walk(top):
        if root.startswith(("/proc", "/sys", "/usr")):
            dirs[:] = []
        elif "envgym-mark" in files:
            found.append(root)
print(found)
"""


def test_a_run_leaves_nothing_for_the_next(box):
    """Files written anywhere a program can write are gone for the next run, on every warm
    sandbox of the pool (several runs each way, so every pooled sandbox is hit)."""
    # the process backend is not isolation: only its private per-run directories are promised fresh
    tops = ["/tmp", "/var/tmp", "/dev/shm"] if box.name == "process" else ["/"]
    marked = [box.run([box.python, "-I", "-S", "-c", MARK, *tops], limits=box.limits.replace(wall_s=20, cpu_s=20)) for _ in range(4)]
    assert all(run.exit_code == 0 for run in marked), marked[0].stderr
    assert any(run.stdout.strip() != "[]" for run in marked), "no writable directory at all: the test tests nothing"
    found = [box.run([box.python, "-I", "-S", "-c", FIND, *tops], limits=box.limits.replace(wall_s=20, cpu_s=20)) for _ in range(4)]
    assert all(run.exit_code == 0 for run in found), found[0].stderr
    assert [run.stdout.strip() for run in found] == ["[]"] * 4, f"wrote {marked[0].stdout} -> found {found[0].stdout}"


IPC_MAKE = """
import ctypes
libc = ctypes.CDLL(None, use_errno=True)
made = [libc.shmget(0, 4096, 0o1600), libc.semget(0, 1, 0o1600), libc.msgget(0, 0o1600)]  # IPC_PRIVATE, IPC_CREAT
print(made)
"""
IPC_FIND = """
found = {kind: open("/proc/sysvipc/" + kind).read().splitlines()[1:] for kind in ("shm", "sem", "msg")}
print({kind: lines for kind, lines in found.items() if lines})
"""


def test_system_v_ipc_objects_do_not_outlive_the_run(box):
    made = [box.run_python(IPC_MAKE) for _ in range(3)]
    assert all(run.exit_code == 0 for run in made), made[0].stderr
    assert any(int(x) >= 0 for run in made for x in run.stdout.strip("[]\n").split(", ")), "nothing made: tests nothing"
    found = [box.run_python(IPC_FIND) for _ in range(3)]
    assert [run.stdout for run in found] == ["{}\n"] * 3, found[0].stdout + found[0].stderr


def test_the_process_limit_counts_every_process_of_the_run(box):
    """``processes=N``: the program and N - 1 more, on every backend (the sandbox's own do not count)."""
    code = ("import os, time\nn = 0\ntry:\n    while True:\n        if os.fork() == 0:\n            time.sleep(30)\n"
            "            os._exit(0)\n        n += 1\nexcept OSError:\n    print(n)\n")
    for _ in range(2):  # and again on a used sandbox
        run = box.run_python(code, wall_s=10)
        assert run.exit_code == 0, run.stderr
        assert int(run.stdout) == LIMITS["processes"] - 1
    assert wait_for(lambda: not leftovers(box)), leftovers(box)


def _needs_a_sized_disk(box) -> None:
    if box.name == "process" and os.geteuid() != 0:
        pytest.skip("the process backend bounds the total disk only as root (a tmpfs); as another user only each file")


FILL_DISK = """
import os
written = 0
chunk = b"x" * (1 << 20)
try:
    for n in range(1536):  # 1.5 GiB in files of file_size_mb (4 MiB) each, so no single file is too large
        with open(os.path.join({where!r}, f"fill-{{n}}.bin"), "wb") as f:
            for _ in range(4):
                f.write(chunk)
                f.flush()
                written += len(chunk)
finally:
    print(written >> 20)
"""


@pytest.mark.parametrize("where", [".", "/tmp"])
def test_a_program_writing_1_5_gb_is_stopped_at_the_disk_limit(box, where):
    """Issue 18: the process backend let a program write 1.5 GB into the host's disk before its
    time ran out. Every backend stops it at ``disk_mb``, quickly, and says so."""
    _needs_a_sized_disk(box)
    run = box.run_python(FILL_DISK.format(where=where), wall_s=30, cpu_s=30)
    assert run.stopped == "disk", (run.stopped, run.stderr[-300:])
    assert "No space left on device" in run.stderr
    assert int(run.stdout) <= LIMITS["disk_mb"], run.stdout  # MiB written before the disk was full
    assert run.duration_s < 10


def test_files_larger_than_the_disk_fail_the_run_not_the_sandbox(box):
    _needs_a_sized_disk(box)
    too_big = {"data.bin": b"x" * ((LIMITS["disk_mb"] + 4) << 20)}
    run = box.run([box.python, "-I", "-S", "-c", "print('ran')"], files=too_big)
    assert run.exit_code != 0 and "ran" not in run.stdout
    assert box.run_python("import os\nprint(os.listdir('.'))").stdout == "['main.py']\n"


def wait_for(check, seconds: float = 5.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.05)
    return check()


def leftovers(box) -> list[str]:
    """Processes of a finished run still alive: by uid (bwrap, process), or in the containers (docker)."""
    return box.leftover_processes()


def test_processes_killed_with_the_run_even_when_detached(box):
    """A direct check of the wall-clock kill: a detached child that would print later never does."""
    code = ("import os, time, sys\nif os.fork() == 0:\n    os.setsid()\n    time.sleep(1.5)\n    print('survived', flush=True)\n"
            "    os._exit(0)\ntime.sleep(60)\n")
    run = box.run_python(code, wall_s=0.8)
    assert run.stopped == "timeout"
    time.sleep(2.0)
    assert not leftovers(box)
    assert "survived" not in run.stdout


def test_sigkill_to_envgym_does_not_leave_the_run_behind(tmp_path):
    """Killing the Python process that runs a bwrap sandbox takes the sandboxed program with it."""
    script = tmp_path / "runner.py"
    script.write_text("import envgym\nenvgym.load_plugins()\nbox = envgym.make_sandbox('bwrap', wall_s=60)\n"
                      "box.run_python('import time\\nprint(1, flush=True)\\ntime.sleep(60)')\n")
    proc = subprocess.Popen([os.sys.executable, str(script)])
    uids = own_uids(proc.pid)
    assert wait_for(lambda: any("main.py" in line for line in _cmdlines(uids)), 20)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert wait_for(lambda: not _cmdlines(uids), 5), _cmdlines(uids)


def _cmdlines(uids: range) -> list[str]:
    out = []
    for pid in os.listdir("/proc"):
        if pid.isdigit():
            try:
                running = open(f"/proc/{pid}/stat", "rb").read().rsplit(b")", 1)[1].split()[0] != b"Z"
                if running and os.stat(f"/proc/{pid}").st_uid in uids:  # a zombie runs nothing
                    out.append(open(f"/proc/{pid}/cmdline", "rb").read().replace(b"\0", b" ").decode(errors="replace"))
            except OSError:
                pass
    return out


def test_a_dropped_bwrap_sandbox_ends_its_zygotes_and_others_do_not_count_them():
    """Two sandboxes in one process: each one's leftover check counts only its own runs, and a
    sandbox dropped without close() ends its warm processes when it is collected."""
    import gc

    from envgym.sandbox.base import is_root, sandbox_processes

    if not is_root():
        pytest.skip("uid-scoped processes need root (CI runs as root)")
    live = lambda: set(sandbox_processes())  # noqa: E731
    before = live()
    first = envgym.make_sandbox("bwrap", wall_s=5)
    assert first.run_python("print(1)").stdout == "1\n"
    mine = live() - before
    second = envgym.make_sandbox("bwrap", wall_s=5)
    assert second.run_python("print(2)").stdout == "2\n"
    theirs = live() - before - mine
    assert len(mine) >= 3 and len(theirs) >= 3  # bwrap, its init and the supervisor, for each
    assert not first.leftover_processes() and not second.leftover_processes()
    del first
    gc.collect()
    assert wait_for(lambda: not live() & mine, 5), live() & mine
    assert theirs <= live()  # the other sandbox is untouched and still answers
    assert second.run_python("print(3)").stdout == "3\n"
    second.close()
    assert wait_for(lambda: not live() - before, 5), live() - before
