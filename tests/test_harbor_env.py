"""envgym/Harbor-v0: every shipped task's oracle scores 1 and its untouched working directory 0,
a task written here in Harbor's layout runs, bad task directories are refused by name, the tools
see Harbor's paths in real bubblewrap sandboxes, and a scripted episode through the rollout
collector earns 1 (a wrong fix 0)."""

from __future__ import annotations

import shutil
import textwrap
from concurrent.futures import ThreadPoolExecutor

import pytest

import envgym
from envgym.check import _hack_policy, check_environment
from envgym.play import gold_policy, play_episode

pytest.importorskip("envgym_harbor")
pytestmark = pytest.mark.skipif(shutil.which("bwrap") is None, reason="needs bubblewrap")

from envgym_harbor.rootfs import RootedSandbox, run_verifier  # noqa: E402
from envgym_harbor.tasks import HarborTaskError, load_task, load_tasks  # noqa: E402
from envgym_harbor.tools import HarborWorkspace  # noqa: E402
from envgym_repo.workspace import make_repo_sandbox  # noqa: E402

TASKS = load_tasks()


@pytest.fixture(scope="module")
def box():
    sandbox = make_repo_sandbox("bwrap")
    yield sandbox
    sandbox.close()


def _episodes(name):
    """On one task: the gold episode's verdict, test.sh's verdict on the untouched working
    directory, an answer-at-once episode's verdict, and each hack's episode verdict."""
    env = envgym.make("envgym/Harbor-v0", tasks=[name])
    try:
        gold = play_episode(env, gold_policy, 0).final
        task = env.task.reference
        untouched = run_verifier(env.sandbox(), task.workdir, task.files, task.tests, timeout_s=60)
        env.reset(seed=0)
        at_once = env.step("I am done.")[4]["verdict"]
        hacks = {hack: play_episode(env, _hack_policy(hack), 0).final for hack in env.hack_actions()}
        return name, gold, untouched, at_once, hacks
    finally:
        env.close()


def test_every_shipped_task_solution_scores_one_the_untouched_task_and_the_hacks_zero():
    assert len(TASKS) >= 5 and len({t.name for t in TASKS}) == len(TASKS)
    with ThreadPoolExecutor(2) as pool:
        for name, gold, untouched, at_once, hacks in pool.map(_episodes, [t.name for t in TASKS]):
            assert gold.reward == 1.0 and gold.correct, (name, gold.reason, gold.details)
            assert untouched.reward == 0.0 and "wrote reward 0" in untouched.reason, (name, untouched.reason)
            assert at_once.reward == 0.0 and at_once.reason == "no file in the working directory was changed"
            assert len(hacks) >= 5
            for hack, verdict in hacks.items():  # each ran test.sh, which wrote 0
                assert verdict.reward == 0.0 and "wrote reward 0" in verdict.reason, (name, hack, verdict.reason)


def test_shipped_tasks_read_from_their_dockerfiles():
    by_name = {t.name: t for t in TASKS}
    assert all(t.workdir == "/app" and t.solution and t.tests.get("test.sh") for t in TASKS)
    assert set(by_name["tidy-filenames"].files) == {"inbox/Q3 Report  FINAL.TXT", "inbox/Meeting Notes.md",
                                                    "inbox/todo.txt", "inbox/Budget 2024 DRAFT.csv"}
    assert set(by_name["fix-median"].files) == {"stats.py", "README.md"} and by_name["hello-file"].files == {}
    assert by_name["csv-region-totals"].image == "python:3.12-slim"
    assert by_name["csv-region-totals"].verifier_timeout_s == 60.0 and by_name["hello-file"].metadata["difficulty"] == "easy"


def _write(root, files):
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip())


OWN_TASK = {
    "instruction.md": "Append a line `done` to `/srv/project/notes/todo.txt`.\n",
    "task.toml": """
        version = "1.0"
        [metadata]
        difficulty = "easy"
        [verifier]
        timeout_sec = 30.0
        """,
    "environment/Dockerfile": """
        # a comment, and a continued instruction
        FROM debian:12
        LABEL maintainer="someone" \\
              purpose="test"
        WORKDIR /srv
        WORKDIR project
        COPY . .
        COPY extra/config.ini settings/
        """,
    "environment/notes/todo.txt": "write tests\n",
    "environment/extra/config.ini": "[a]\nx = 1\n",
    "tests/test.sh": """
        #!/bin/bash
        # reward.json with one value under another name: Harbor's other reward file
        mkdir -p /logs/verifier
        if [ "$(tail -n 1 /srv/project/notes/todo.txt)" = done ] && [ -f /srv/project/settings/config.ini ]; then
          echo '{"score": 1}' > /logs/verifier/reward.json
        else
          echo '{"score": 0}' > /logs/verifier/reward.json
        fi
        """,
    "solution/solve.sh": "#!/bin/bash\necho done >> notes/todo.txt\n",
}


def test_a_task_written_here_in_harbors_layout_runs(tmp_path):
    _write(tmp_path / "append-done", OWN_TASK)
    task = load_task(tmp_path / "append-done")
    assert task.workdir == "/srv/project" and task.image == "debian:12" and task.verifier_timeout_s == 30.0
    assert set(task.files) == {"Dockerfile", "notes/todo.txt", "extra/config.ini", "settings/config.ini"}
    assert [t.name for t in load_tasks(tmp_path / "append-done")] == ["append-done"]  # one task's own directory
    env = envgym.make("envgym/Harbor-v0", path=str(tmp_path))
    try:
        result = play_episode(env, gold_policy, 0)
        assert result.rewards[-1] == 1.0 and result.final.details["reward_file"] == "reward.json", result.final
        assert result.final.details["metrics"] == {"score": 1.0}
        env.reset(seed=0)
        assert env.step("nothing to do")[1] == 0.0
    finally:
        env.close()


def test_dockerfile_paths_resolve_as_docker_resolves_them(tmp_path):
    from envgym_harbor.tasks import read_dockerfile

    _write(tmp_path, {"a.txt": "a", "src/m.py": "m", "src/pkg/n.py": "n", "lib/x.py": "x", "Dockerfile": """
        FROM python:3.12
        COPY a.txt /srv/
        COPY src /srv/code
        COPY *.txt lib/* /srv/flat/
        WORKDIR /srv
        COPY a.txt b.txt
        """})
    workdir, files, image = read_dockerfile("t", tmp_path)
    assert workdir == "/srv" and image == "python:3.12"
    assert files == {"a.txt": b"a", "code/m.py": b"m", "code/pkg/n.py": b"n", "flat/a.txt": b"a",
                     "flat/x.py": b"x", "b.txt": b"a"}
    _write(tmp_path, {"Dockerfile": "FROM x\nCOPY a.txt /opt/a.txt\nWORKDIR /srv\n"})
    with pytest.raises(HarborTaskError, match="line 2 .*copies to /opt/a.txt, outside the working directory /srv"):
        read_dockerfile("t", tmp_path)


@pytest.mark.parametrize("change, message", [
    ({"instruction.md": None}, "instruction.md is missing"),
    ({"task.toml": None}, "task.toml is missing"),
    ({"tests/test.sh": None}, "tests/test.sh is missing"),
    ({"instruction.md": "  \n"}, "instruction.md is empty"),
    ({"task.toml": "version = \n"}, "task.toml is not valid TOML"),
    ({"task.toml": "[verifier]\ntimeout_sec = -1\n"}, "[verifier] timeout_sec must be a positive number"),
    ({"environment/Dockerfile": "FROM ubuntu:24.04\nWORKDIR /app\nRUN apt-get update && apt-get install -y jq\n"},
     "line 3 ('RUN apt-get update && apt-get install -y jq'): RUN is not supported"),
    ({"environment/Dockerfile": "FROM python:3.12\nENV DEBUG=1\n"}, "ENV is not supported"),
    ({"environment/Dockerfile": "FROM python:3.12\nWORKDIR /app\nCOPY notes /opt/notes\n"},
     "copies to /opt/notes/todo.txt, outside the working directory /app"),
    ({"environment/Dockerfile": "FROM python:3.12\nWORKDIR /app\nCOPY missing.txt .\n"}, "no file 'missing.txt'"),
    ({"environment/Dockerfile": "FROM python:3.12\nWORKDIR /usr/src\n"}, "must not be /usr/src"),
    ({"environment/Dockerfile": "FROM python:3.12\nARG V=1\nWORKDIR /app/$V\n"}, "variable substitution"),
    ({"environment/docker-compose.yaml": "services: {}\n"}, "multi-container"),
])
def test_bad_task_directories_get_clear_errors(tmp_path, change, message):
    _write(tmp_path / "broken", {k: v for k, v in OWN_TASK.items() if k not in change})
    _write(tmp_path / "broken", {k: v for k, v in change.items() if v is not None})
    with pytest.raises(HarborTaskError) as caught:
        envgym.make("envgym/Harbor-v0", path=str(tmp_path))
    assert message in str(caught.value) and "'broken'" in str(caught.value), str(caught.value)


def test_bad_paths_and_options_are_refused(tmp_path):
    with pytest.raises(HarborTaskError, match="is not a directory of Harbor tasks"):
        load_tasks(tmp_path / "nowhere")
    with pytest.raises(HarborTaskError, match="holds no task directories"):
        load_tasks(tmp_path)
    with pytest.raises(ValueError, match=r"unknown task\(s\) \['nope'\]"):
        envgym.make("envgym/Harbor-v0", tasks=["nope"])
    with pytest.raises(ValueError, match="bubblewrap only"):
        envgym.make("envgym/Harbor-v0", backend="docker")


def test_tools_see_harbors_paths_and_keep_only_the_working_directory(box):
    ws = HarborWorkspace({"data/in.txt": b"a\n"}, lambda: RootedSandbox(box, "/app"), "/app")
    out = ws.bash("pwd; ls /tests /logs 2>&1; cat /app/data/in.txt; echo b >> data/in.txt; echo x > /tmp/x; "
                  "echo y > /usr/y; mkdir -p /logs/verifier && echo 1 > /logs/verifier/reward.txt; id -u")
    assert out.startswith("/app\n") and "No such file" in out and "Read-only file system" in out, out
    assert out.rstrip().endswith("0\n[exit code 0]") or "\n0\n" in out, out
    assert ws.files == {"data/in.txt": b"a\nb\n"}
    assert ws.write_file("/app/data/new.txt", "n").startswith("Wrote") and ws.files["data/new.txt"] == b"n"
    assert "   1  a" in ws.read_file("/app/data/in.txt") and ws.read_file("/etc/passwd").startswith("Error")
    assert ws.str_replace("/app/data/in.txt", "b\n", "c\n").startswith("Edited")
    assert "No such file" in ws.bash("ls /logs/verifier; cat /tmp/x")  # nothing outside /app survived


def test_verifier_time_limit_and_unreadable_reward_files(box):
    slow = run_verifier(box, "/app", {}, {"test.sh": b"sleep 30\n"}, timeout_s=1)
    assert slow.reward is None and "ran past its 1 s limit" in slow.reason
    none = run_verifier(box, "/app", {}, {"test.sh": b"echo hi\n"}, timeout_s=10)
    assert none.reward is None and "wrote no /logs/verifier/reward.txt" in none.reason and "hi" in none.output
    garbage = run_verifier(box, "/app", {}, {"test.sh": b"echo yes > /logs/verifier/reward.txt\n"}, timeout_s=10)
    assert garbage.reward is None and "does not hold a number" in garbage.reason
    fifo = run_verifier(box, "/app", {}, {"test.sh": b"mkfifo /logs/verifier/reward.txt\n"}, timeout_s=10)
    assert fifo.reward is None and "does not hold a number" in fifo.reason  # not opened, so no hang
    both = run_verifier(box, "/app", {"f": b"1"}, {"test.sh": b"cp /app/f /logs/verifier/reward.txt\n"
                                                              b"echo '{\"a\": 1, \"b\": 2}' > /logs/verifier/reward.json\n"},
                        timeout_s=10)
    assert both.reward is None and "no 'reward' key" in both.reason  # reward.json is read first, as in Harbor


def test_envgym_check_passes():
    report = check_environment("envgym/Harbor-v0", seeds=range(2))
    assert report.ok, [(i.name, i.detail) for i in report.items if not i.ok]


# ---- a whole episode through the rollout collector, with a scripted policy -------------------------

REPRO = "python3 -c 'import stats; print(stats.median([3, 1, 2]), stats.median([4, 1, 3, 2]))'"
BUGGY = "    middle = len(values) // 2\n    if len(values) % 2:\n        return values[middle]\n" \
        "    return (values[middle] + values[middle + 1]) / 2\n"


def _median_script(fix: str):
    """The calls of one episode on ``fix-median``: look, read, reproduce, edit (``fix``), reproduce, answer."""
    from envgym.tools.calls import call_text

    steps = [call_text("bash", {"command": "ls -la /app"}),
             call_text("read_file", {"path": "/app/stats.py"}),
             call_text("bash", {"command": REPRO}),
             call_text("str_replace", {"path": "stats.py", "old": BUGGY, "new": fix}),
             call_text("bash", {"command": REPRO}),
             "median now sorts a copy and averages the two middle values."]
    return lambda prompt, k: steps[min(k, len(steps) - 1)]


def _collect_median(fix: str):
    pytest.importorskip("transformers")
    from envgym.models import build_tokenizer
    from envgym.policy.base import SamplingParams
    from envgym.rollout.collector import RolloutConfig, collect
    from envgym.rollout.pool import LocalEnvPool
    from scripted import ScriptedPolicy

    policy = ScriptedPolicy(build_tokenizer(), _median_script(fix))
    config = RolloutConfig(sampling=SamplingParams(max_tokens=256), max_context_tokens=32_768)
    [trajectory] = collect(LocalEnvPool("envgym/Harbor-v0", {"tasks": ["fix-median"]}), policy, [0], config)
    return trajectory


def test_scripted_episode_through_the_collector_earns_one():
    from envgym.learn.sequences import training_sequence

    fix = "    s = sorted(values)\n    m = len(s) // 2\n    return s[m] if len(s) % 2 else (s[m - 1] + s[m]) / 2\n"
    t = _collect_median(fix)
    assert len(t.turns) == 6 and t.reward == 1.0 and t.correct
    outputs = [turn.env_messages[0].content if turn.env_messages else "" for turn in t.turns]
    assert "stats.py" in outputs[0] and "README.md" in outputs[0]
    assert "def median(values):" in outputs[1]
    assert outputs[2].startswith("1 2.5")  # the bug, reproduced: the unsorted middle value
    assert outputs[3].startswith("Edited") and outputs[4].startswith("2 2.5")
    assert [turn.reward for turn in t.turns[:-1]] == [0.0] * 5
    assert t.turns[-1].verdict.details["reward_file"] == "reward.txt"
    training_sequence(t)  # every turn's tokens are a prefix of the final sequence


def test_scripted_episode_with_a_wrong_fix_earns_zero():
    wrong = "    s = sorted(values)\n    return s[len(s) // 2]\n"  # right for odd counts only
    t = _collect_median(wrong)
    assert len(t.turns) == 6 and t.reward == 0.0 and not t.correct
    assert "wrote reward 0" in t.turns[-1].verdict.reason


def test_launcher_bench_runs_with_the_ratio_first():
    import subprocess
    import sys
    from pathlib import Path

    bench = Path(__file__).resolve().parents[1] / "bench" / "harbor_launcher.py"
    out = subprocess.run([sys.executable, str(bench), "--runs", "3"], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr[-3000:]
    values = dict(line.split(": ", 1) for line in out.stdout.strip().splitlines())
    assert list(values)[0] == "rooted_over_plain_command" and float(values["rooted_command_ms"]) > 0
    assert float(values["verifier_run_ms"]) > 0


ATTACK = b"""
python3 - <<'PY'
import os
for pid in sorted(int(p) for p in os.listdir("/proc") if p.isdigit()):
    cmd = open(f"/proc/{pid}/cmdline", "rb").read()
    if b"harbor_root.py" in cmd:  # the launcher, which holds the secret
        for what in ("mem", "environ", "fd/1"):
            try:
                open(f"/proc/{pid}/{what}", "rb")
                print("opened", what)
            except OSError as e:
                print("refused", what, type(e).__name__)
    for fd in (1, 2):
        try:
            with open(f"/proc/{pid}/fd/{fd}", "w") as f:
                f.write('\\n{"code": 0, "timed_out": false, "output": "", "reward_json": null, "reward_txt": "1"}\\n')
        except OSError:
            pass
PY
echo 0 > /logs/verifier/reward.txt
"""


def test_test_sh_cannot_reach_the_launchers_secret_or_result_line(box):
    run = run_verifier(box, "/app", {}, {"test.sh": ATTACK}, timeout_s=20)
    assert run.reward == 0.0, (run.reason, run.output)
    assert "refused mem PermissionError" in run.output and "opened" not in run.output, run.output
