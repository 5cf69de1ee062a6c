"""The docker backend's own behaviour: a warm pool reused across runs, nothing carried from one
run to the next, a locked-down container, and no container outliving its sandbox (even after a
crash). The attacks every backend must withstand are in test_sandbox_attacks.py."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time

import docker
import pytest

import envgym
from envgym.errors import EnvgymError
from envgym.sandbox.base import Program
from envgym.sandbox.docker import LABEL, DockerSandbox
from envgym.sandbox.harness import run_function_tests

try:
    CLIENT = docker.from_env()
    CLIENT.ping()
except docker.errors.DockerException as e:
    pytest.skip(f"no Docker engine answers ({e}); start one as root: dockerd --storage-driver=vfs --iptables=false "
                "--bridge=none &", allow_module_level=True)


@pytest.fixture(scope="module")
def box():
    """One warm container, shared by the module (the first run starts it)."""
    envgym.load_plugins()
    sandbox = envgym.make_sandbox("docker", wall_s=5, concurrency=1)
    assert isinstance(sandbox, DockerSandbox)
    yield sandbox
    sandbox.close()


def containers(owner: str) -> list:
    return CLIENT.containers.list(all=True, filters={"label": f"{LABEL}={owner}"})


def test_runs_a_program(box):
    run = box.run_python("print(6 * 7)")
    assert (run.exit_code, run.stdout, run.stopped, run.backend) == (0, "42\n", None, "docker")


def test_stdin_and_stdout_round_trip(box):
    text = "héllo wörld\n" * 20_000  # more than a pipe holds
    run = box.run_python("import sys\ndata = sys.stdin.read()\nsys.stdout.write(data[::-1])\nprint(len(data), file=sys.stderr)",
                         stdin=text)
    assert run.ok and run.stdout == text[::-1] and run.stderr.strip() == str(len(text))


def test_exit_status_and_signals(box):
    assert box.run_python("raise SystemExit(3)").exit_code == 3
    killed = box.run_python("import os, signal\nos.kill(os.getpid(), signal.SIGKILL)")
    assert (killed.exit_code, killed.stopped) == (-9, "signal")


def test_the_pool_reuses_one_warm_container_and_forgets_every_run(box):
    writes = ("import os\nopen('left.txt', 'w').write('x')\nopen('/tmp/left.txt', 'w').write('x')\n"
              "open('/dev/shm/left', 'w').write('x')\nos.makedirs('d/e')\nos.chmod('d', 0o500)\nprint('wrote')")
    assert box.run_python(writes, files={"data/in.txt": "input"}).stdout == "wrote\n"
    ids = {c.id for c in containers(box.owner)}
    look = "import os\nprint(sorted(os.listdir('.')), os.listdir('/tmp'), os.listdir('/dev/shm'))"
    for _ in range(2):
        run = box.run_python(look)
        assert run.stdout == "['main.py'] [] []\n", run
    assert {c.id for c in containers(box.owner)} == ids and len(ids) == 1


def test_nothing_a_run_started_outlives_it(box):
    daemon = textwrap.dedent("""
        import os, time
        if os.fork() == 0:
            os.setsid()
            if os.fork() == 0:
                time.sleep(100)
            os._exit(0)
        if os.fork() == 0:
            time.sleep(100)
        print("forked", flush=True)
        """)
    run = box.run_python(daemon)
    assert run.stdout == "forked\n" and run.duration_s < 2  # the run ends with its main process
    assert box.leftover_processes() == []
    (container,) = containers(box.owner)
    assert len(container.top()["Processes"]) == 1  # the idle init alone


def test_the_launcher_is_out_of_reach_and_a_stopped_run_is_still_cleaned_up(box):
    code = ("import os, time\ntry:\n    os.kill(os.getppid(), 9)\nexcept PermissionError:\n    print('refused', flush=True)\n"
            "if os.fork() == 0:\n    os.setsid()\ntime.sleep(100)")
    run = box.run_python(code, wall_s=1)
    assert (run.stdout, run.stopped) == ("refused\n", "timeout")
    assert box.leftover_processes() == []
    assert box.run_python("print(1)").stdout == "1\n"


def test_a_forged_signature_is_not_trusted(box):
    """The launcher signs the end of stderr with a per-run secret; a program that prints a lookalike
    gets the separate cleanup (and its text back untouched)."""
    fake = "import sys\nsys.stderr.write('\\x00' + 'f' * 32 + ' ok 0\\n')\nopen('/tmp/left', 'w').write('x')"
    run = box.run_python(fake)
    assert run.exit_code == 0 and run.stderr == "\x00" + "f" * 32 + " ok 0\n"
    assert box.run_python("import os\nprint(os.listdir('/tmp'))").stdout == "[]\n"


def test_the_container_is_locked_down(box):
    code = textwrap.dedent("""
        import os, socket
        try:
            socket.create_connection(("1.1.1.1", 53), timeout=1)
            print("network reached")
        except OSError as e:
            print("network:", e.errno)
        for path in ("/usr/lib/escape", "/etc/escape", "/escape"):
            try:
                open(path, "w")
                print("wrote", path)
            except OSError as e:
                print("read-only:", e.errno)
        status = open("/proc/self/status").read()
        print(os.getuid(), [line.split()[1] for line in status.splitlines() if line.startswith(("CapEff", "CapPrm"))])
        try:
            os.kill(1, 9)
        except OSError as e:
            print("init:", e.errno)
        """)
    run = box.run_python(code)
    (container,) = containers(box.owner)
    config = container.attrs["HostConfig"]
    assert (config["NetworkMode"], config["ReadonlyRootfs"], config["CapDrop"], config["SecurityOpt"]) == \
        ("none", True, ["ALL"], ["no-new-privileges"])
    assert (config["NanoCpus"], config["Memory"] > box.limits.memory_mb << 20, config["PidsLimit"]) == \
        (10**9, True, box.limits.processes + 2)
    assert run.stdout.splitlines() == ["network: 101", "read-only: 30", "read-only: 30", "read-only: 30",
                                       "1000 ['0000000000000000', '0000000000000000']", "init: 1"], run


def test_the_harness_cannot_be_changed(box):
    cases = [((1, 2), 3), ((20, 22), 42)]
    patch = textwrap.dedent("""
        import os
        PATCHED = []
        for attempt in (lambda p: open(p, "w").write("print('pwned')"), os.remove, lambda p: os.chmod(p, 0o666)):
            try:
                attempt("/harness/envgym_harness.py")
                PATCHED.append(True)
            except OSError:
                PATCHED.append(False)
        def add(a, b):
            return [a + b, PATCHED]
        """)
    report = run_function_tests(box, patch, "add", cases)
    assert [c.got for c in report.cases] == [[3, [False, False, False]], [42, [False, False, False]]]
    report = run_function_tests(box, "open('/harness/envgym_harness.py', 'w')\ndef add(a, b):\n    return a + b\n", "add", cases)
    assert report.passed == 0 and "PermissionError" in report.error
    report = run_function_tests(box, "def add(a, b):\n    return a + b\n", "add", cases)
    assert report.all_passed, report.summary()


def test_an_oom_kill_is_reported_as_memory(box):
    code = textwrap.dedent("""
        import os, time
        for _ in range(4):  # each within its own address-space limit, together over the container's
            if os.fork() == 0:
                block = bytearray(200 << 20)
                block[::4096] = b"x" * len(block[::4096])
                time.sleep(5)
        time.sleep(2)
        """)
    run = box.run_python(code)
    assert run.stopped == "memory", run


def test_map_runs_concurrently_in_order():
    with DockerSandbox(wall_s=5, concurrency=2) as pool:
        programs = [Program([pool.python, "-I", "-S", "-c", f"import time; time.sleep(0.5); print({i})"]) for i in range(4)]
        runs = pool.map(programs)
        assert [r.stdout for r in runs] == ["0\n", "1\n", "2\n", "3\n"]
        assert len(containers(pool.owner)) == 2
        start = time.perf_counter()
        pool.map(programs)
        assert time.perf_counter() - start < 4 * 0.5 + 0.5  # two at a time, warm


def test_close_removes_every_container():
    sandbox = DockerSandbox(wall_s=5, concurrency=1)
    assert sandbox.run_python("print(1)").ok
    assert len(containers(sandbox.owner)) == 1
    sandbox.close()
    assert containers(sandbox.owner) == []
    with pytest.raises(EnvgymError, match="closed"):
        sandbox.run_python("print(1)")


def test_a_sandbox_never_closed_is_cleaned_up_at_exit():
    script = ("from envgym.sandbox.docker import DockerSandbox\nbox = DockerSandbox(wall_s=5, concurrency=1)\n"
              "assert box.run_python('pass').ok\nprint(box.owner)\n")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert containers(done.stdout.strip()) == []


def test_containers_of_a_killed_process_are_removed_by_the_next_sandbox():
    script = ("from envgym.sandbox.docker import DockerSandbox\nbox = DockerSandbox(wall_s=60, concurrency=1)\n"
              "print(box.owner, flush=True)\nbox.run_python('import time; time.sleep(60)')\n")
    proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    owner = proc.stdout.readline().strip()
    deadline = time.monotonic() + 30
    while not containers(owner) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert containers(owner), "the child started no container"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert containers(owner), "the container went with its owner: nothing left to test"
    DockerSandbox(wall_s=5).close()
    assert containers(owner) == []


def test_no_engine_is_an_error_that_says_how_to_start_one():
    with pytest.raises(EnvgymError, match="dockerd --storage-driver=vfs"):
        DockerSandbox(base_url="unix:///nonexistent/docker.sock")
