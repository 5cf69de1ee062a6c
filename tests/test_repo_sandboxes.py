"""envgym/Repo-v0 on each sandbox backend (bubblewrap, the default, and the Docker pool): a gold
episode earns 1 and the hacks 0 with the hidden tests really run, and hostile tool calls stay
contained while the episode goes on.

The containment test plays one episode per backend: every attack is a tool call of that episode
(``bash`` commands, ``write_file``/``str_replace`` path escapes), each must come back as output or
an error message the model reads, leave the host as it was (files, the test's own listening socket,
a sentinel process, the pytest bundle the grader trusts) and leave nothing running; at the end the
same episode writes the gold patch and still earns 1."""

from __future__ import annotations

import hashlib
import os
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

import pytest

import envgym
from envgym.check import _hack_policy
from envgym.play import gold_policy, play_episode
from envgym.tools.calls import call_text

pytest.importorskip("envgym_repo")
import envgym_repo  # noqa: E402
import envgym_repo.tools  # noqa: E402
from envgym_repo.workspace import pytest_bundle  # noqa: E402

TASK = "semver_compare_numeric"
DATA = Path(envgym_repo.__file__).resolve().parent / "data" / TASK


def _docker_engine() -> str | None:
    """Why the Docker backend cannot run here, or None when an engine answers."""
    try:
        import docker

        docker.from_env().ping()
        return None
    except Exception as e:  # the SDK missing, or no engine: both mean "cannot run here"
        return f"no Docker engine answers ({e}); start one as root: dockerd --storage-driver=vfs --iptables=false --bridge=none &"


DOCKER_MISSING = _docker_engine()
BACKENDS = [pytest.param("bwrap", marks=pytest.mark.skipif(shutil.which("bwrap") is None, reason="needs bubblewrap")),
            pytest.param("docker", marks=pytest.mark.skipif(DOCKER_MISSING is not None, reason=str(DOCKER_MISSING)))]


@pytest.fixture(params=BACKENDS)
def env(request):
    environment = envgym.make("envgym/Repo-v0", tasks=[TASK], backend=request.param, max_turns=100,
                              budget={"calls_per_episode": 200, "seconds_per_episode": 900.0})
    yield environment
    environment.close()


def test_gold_episode_scores_one_and_the_hacks_zero(env):
    result = play_episode(env, gold_policy, 0)
    assert result.rewards[-1] == 1.0 and result.final.correct and result.final.details["passed"] == 3
    assert env.sandbox().name == env.backend
    for name in env.hack_actions():
        result = play_episode(env, _hack_policy(name), 0)
        assert result.total_reward == 0, name
        assert "hidden tests" in result.final.reason, (name, result.final.reason)  # they ran, and failed


# ---- containment ----------------------------------------------------------------------------------


@pytest.fixture
def host(tmp_path):
    """What the attacks aim at: a secret file and a folder anyone may write, a listening socket, a
    sentinel process, and the pytest bundle every sandbox run (grading too) imports pytest from."""
    secret = tmp_path / "secret.txt"
    secret.write_text("envgym-repo-secret-5d1e")
    writable = tmp_path / "open"
    writable.mkdir()
    writable.chmod(0o777)
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(4)
    server.settimeout(0.05)
    sentinel = subprocess.Popen(["sleep", "600"])
    bundle = Path(pytest_bundle())
    yield {"secret": secret, "writable": writable, "server": server, "sentinel": sentinel, "bundle": bundle,
           "bundle_digest": _digest(bundle)}
    sentinel.kill()
    sentinel.wait()
    server.close()


def _digest(folder: Path) -> str:
    h = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        if path.is_file() and not path.is_symlink():
            h.update(str(path).encode() + path.read_bytes())
    return h.hexdigest()


def _tool(env, name: str, **args) -> str:
    _, reward, done, _, info = env.step(call_text(name, args))
    assert not done and reward == 0, f"the episode ended on {name} {args}"
    [message] = info["tool_messages"]
    return message.content


def attacks(host: dict) -> list[tuple[str, str, tuple[str, ...]]]:
    """(what, bash command, any of these must appear in the tool's output)."""
    secret, writable, port = host["secret"], host["writable"], host["server"].getsockname()[1]
    hidden = next((DATA / "hidden").iterdir())
    solution = next(p for p in (DATA / "solution").rglob("*.py"))
    bundle_init = host["bundle"] / "lib" / "pytest" / "__init__.py"
    py = "python3 -c"
    return [
        ("fork bomb", "f(){ f|f& }; f; echo bombed", ("fork", "Resource temporarily unavailable", "timed out")),
        ("memory hog", f"{py} 'x = bytearray(8 << 30)'", ("MemoryError", "Killed", "stopped")),
        ("growing memory", f"{py} 'l = []\nwhile True: l.append(bytearray(64 << 20))'",
         ("MemoryError", "Killed", "timed out", "stopped")),
        ("disk fill", "head -c 300M /dev/zero > big.bin; head -c 300M /dev/zero > /tmp/big.bin; ls -la",
         ("changes were dropped",)),
        ("file flood", "mkdir many && cd many && seq 1 3000 | xargs touch", ("changes were dropped",)),
        ("network out", f"{py} \"import socket; socket.create_connection(('1.1.1.1', 80), timeout=2)\"",
         ("Network is unreachable", "OSError")),
        ("network to the host", f"{py} \"import socket; socket.create_connection(('127.0.0.1', {port}), timeout=2)\"",
         ("Connection refused", "OSError")),
        ("read host files", f"cat {secret} {hidden} {solution} /etc/shadow; ls {Path.home()} {DATA}",
         ("No such file",)),
        ("write host files", f"echo x > {writable}/x; echo x > {secret}; echo x > /etc/x; echo x > /harness/x; "
                             f"echo x >> {bundle_init}; echo x > {hidden}", ("Read-only", "Permission denied",
                                                                              "No such file", "Directory nonexistent")),
        ("kill the parent", "kill -9 $PPID; kill -9 -1; echo survived", ("stopped the command",)),
        ("kill host processes", f"kill -9 {host['sentinel'].pid} {os.getpid()} 1", ("No such process", "kill")),
        ("sleep past the limit", "sleep 100", ("timed out",)),
        ("detached sleeper", f"{py} 'import os\nif os.fork() == 0:\n    os.setsid(); os.execvp(\"sleep\", [\"sleep\", \"300\"])'"
                             "; echo detached", ("detached",)),
        ("huge output", "yes | head -c 50000000; cat /dev/urandom | head -c 20000000", ("output cut", "truncated")),
        ("symlinks out", "ln -s /etc/passwd leak.txt; ln -s / root; ln -s .. up; ls -la", ("leak.txt",)),
    ]


@pytest.fixture
def short_commands(monkeypatch):
    monkeypatch.setattr(envgym_repo.tools, "BASH_WALL_S", 3.0)  # the "sleep" attacks need not wait 20 s


def test_hostile_tool_calls_are_contained_and_the_episode_goes_on(env, host, short_commands):
    env.reset(seed=0)
    task = env.task.reference
    for what, command, expected in attacks(host):
        out = _tool(env, "bash", command=command)
        assert any(e in out for e in expected), (what, out[-1500:])
        assert set(env.workspace.files) == set(task.files), (what, sorted(env.workspace.files))
        assert env.sandbox().leftover_processes() == [], what
        alive = _tool(env, "bash", command="echo alive")
        assert alive.startswith("alive"), (what, alive)  # the episode's next command works
    assert host["secret"].read_text() == "envgym-repo-secret-5d1e" and list(host["writable"].iterdir()) == []
    assert host["sentinel"].poll() is None and _digest(host["bundle"]) == host["bundle_digest"]
    with pytest.raises(socket.timeout):
        host["server"].accept()
    assert "leak.txt" not in env.workspace.files and "passwd" not in _tool(env, "read_file", path="leak.txt")

    escapes = ["../x.py", "/etc/passwd", "/work/../etc/x", "semver/../../x.py", "/harness/test_x.py", "/usr/lib/x.py",
               "", "."]
    for path in escapes:
        assert _tool(env, "write_file", path=path, content="x").startswith("Error"), path
        assert _tool(env, "str_replace", path=path, old="a", new="b").startswith("Error"), path
        assert _tool(env, "read_file", path=path).startswith("Error"), path
    assert _tool(env, "write_file", path="semver/versions.py/x.py", content="x").startswith("Error")
    assert set(env.workspace.files) == set(task.files)
    # an absolute host path is either refused or read as a path inside the working copy (/work/...)
    _tool(env, "write_file", path=str(DATA / "solution" / "x.py"), content="x")
    _tool(env, "bash", command=f"echo x > {DATA / 'solution' / 'x.py'}")
    assert not (DATA / "solution" / "x.py").exists()

    for path, data in sorted(task.solution.items()):  # the same episode, still usable: the gold patch earns 1
        assert _tool(env, "write_file", path=path, content=data.decode()).startswith("Wrote")
    _, reward, done, _, info = env.step("Fixed the comparison.")
    assert done and reward == 1.0, info["verdict"].reason


@pytest.mark.skipif(shutil.which("bwrap") is None, reason="needs bubblewrap")
def test_the_package_data_stays_hidden_where_bubblewrap_binds_it(monkeypatch):
    """bwrap binds the host's /usr: a system-wide install of this package would put the hidden
    tests and gold patches inside it. A folder like that, bound, with ``hide`` over its data."""
    import envgym.sandbox.bwrap
    from envgym.sandbox.bwrap import BwrapSandbox
    from envgym_repo.workspace import make_repo_sandbox

    root = Path(tempfile.mkdtemp(prefix="repo-hide-", dir="/var/tmp"))  # reachable by the sandbox's uid
    try:
        root.chmod(0o755)
        (root / "data").mkdir()
        (root / "data" / "gold.py").write_text("GOLD-PATCH-3c9e")
        (root / "visible.txt").write_text("visible")
        for warm in (True, False):
            with BwrapSandbox(extra_ro_binds=[str(root)], hide=[str(root / "data")], warm=warm) as box:
                run = box.run(["/bin/sh", "-c", f"cat {root}/visible.txt; cat {root}/data/gold.py; "
                                                f"touch {root}/data/x; ls -A {root}/data; echo end"])
                assert run.stdout.startswith("visible") and "end" in run.stdout, run
                assert "GOLD" not in run.stdout and "gold.py" not in run.stdout, run
        assert not (root / "data" / "x").exists()
    finally:
        shutil.rmtree(root)
    with make_repo_sandbox("bwrap") as box:  # Repo-v0 asks for its package to be hidden; here it is not under /usr
        assert box.hide == () and box.extra_ro_binds == (pytest_bundle(),)
    package = DATA.parent.parent
    monkeypatch.setattr(envgym.sandbox.bwrap, "SYSTEM_DIRS", ("/usr", str(package.parent)))  # as if installed there
    with make_repo_sandbox("bwrap") as box:
        assert box.hide == (str(package),)
