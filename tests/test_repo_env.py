"""envgym/Repo-v0: every task's gold patch passes and its original fails, the tools work on the
episode's own working copy in real bubblewrap sandboxes, and the hacks earn 0 with the hidden tests
really run. One sandbox is shared by the module."""

from __future__ import annotations

import json
import shutil
from concurrent.futures import ThreadPoolExecutor

import pytest

import envgym
from envgym.check import _hack_policy, check_environment
from envgym.play import gold_policy, play_episode

pytest.importorskip("envgym_repo")
pytestmark = pytest.mark.skipif(shutil.which("bwrap") is None, reason="needs bubblewrap")

from envgym_repo.tasks import DIFFICULTIES, load_tasks  # noqa: E402
from envgym_repo.tools import Workspace  # noqa: E402
from envgym_repo.workspace import grade, make_repo_sandbox, run_command, safe_path, source_files  # noqa: E402

TASKS = load_tasks()


@pytest.fixture(scope="module")
def box():
    sandbox = make_repo_sandbox()
    yield sandbox
    sandbox.close()


def _judge(box, task):
    gold = {**task.files, **task.solution}
    before = grade(box, task.files, task.packages, task.hidden, task.hidden_tests, gold=gold)
    after = grade(box, gold, task.packages, task.hidden, task.hidden_tests, gold=gold)
    visible = run_command(box, gold, "python -m pytest -q -p no:cacheprovider tests", wall_s=30)
    return task, before, after, visible


def test_every_task_gold_passes_and_original_fails(box):
    assert len({t.name for t in TASKS}) == len(TASKS)
    with ThreadPoolExecutor(2) as pool:
        for task, before, after, visible in pool.map(lambda t: _judge(box, t), TASKS):
            assert not before.all_passed, f"{task.name}: the original repository passes the hidden tests"
            assert after.all_passed and len(after.passed) == task.hidden_tests, f"{task.name}: {after.reason}"
            assert visible.exit_code == 0, f"{task.name}: visible tests fail with the gold patch:\n{visible.output}"
            assert task.difficulty in DIFFICULTIES and task.issue and task.solution
            assert all(p in task.packages for p in {n.split("/")[0] for n in task.solution}), task.name


def test_grading_takes_only_source_files():
    files = {"pkg/a.py": b"1", "pkg/test_a.py": b"2", "pkg/conftest.py": b"3", "conftest.py": b"4",
             "pytest.py": b"5", "sitecustomize.py": b"6", "tests/test_x.py": b"7", "pkg/.hidden.py": b"8",
             "pkg/sub/b.py": b"9", "pkg/data.json": b"10", "other/c.py": b"11"}
    assert source_files(files, ["pkg"]) == {"pkg/a.py": b"1", "pkg/sub/b.py": b"9"}


def test_paths_outside_the_repository_are_refused():
    assert safe_path("pkg/a.py") == "pkg/a.py" and safe_path("/work/pkg/a.py") == "pkg/a.py"
    assert safe_path("./pkg/../pkg/a.py") == "pkg/a.py"
    for bad in ("../x", "/etc/passwd", "/harness/test_x.py", "pkg/../../x", "", ".", "a\0b"):
        assert safe_path(bad) is None, bad


def test_tools_change_only_the_episodes_working_copy(box):
    original = {"pkg/__init__.py": b"X = 1\n", "tests/test_pkg.py": b"from pkg import X\n\ndef test_x():\n    assert X == 1\n"}
    ws = Workspace(dict(original), lambda: box)
    assert "1 passed" in ws.run_tests()
    out = ws.bash("sed -i 's/1/2/' pkg/__init__.py && echo new > notes.txt && rm tests/test_pkg.py && cat pkg/__init__.py")
    assert "X = 2" in out and "[exit code 0]" in out
    assert ws.files == {"pkg/__init__.py": b"X = 2\n", "notes.txt": b"new\n"}
    assert original["pkg/__init__.py"] == b"X = 1\n"  # the task's files are never changed
    assert ws.str_replace("pkg/__init__.py", "X = 2", "X = 3").startswith("Edited")
    assert ws.str_replace("pkg/__init__.py", "nothing", "y").startswith("Error: the text occurs 0 times")
    assert "   1  X = 3" in ws.read_file("pkg/__init__.py")
    assert ws.read_file("../etc/passwd").startswith("Error") and ws.write_file("/tmp/x", "y").startswith("Error")
    assert ws.read_file("missing.py").startswith("Error: no file")


def test_hostile_commands_are_contained(box):
    ws = Workspace({"a.py": b"print(1)\n"}, lambda: box)
    out = ws.bash("python3 -c \"import socket; socket.create_connection(('1.1.1.1', 80), timeout=2)\"")
    assert "OSError" in out or "unreachable" in out.lower()
    slow = run_command(box, ws.files, "sleep 60", wall_s=1)
    assert slow.exit_code is None and "timed out" in slow.output
    flood = run_command(box, ws.files, "yes | head -c 5000000", wall_s=5)
    assert len(flood.output) < 10_000 and "output cut" in flood.output
    escaped = ws.bash("echo x > /etc/x; echo y > /usr/x; echo z > /harness/x; ls /root /home 2>&1; echo done")
    assert "done" in escaped and "Read-only" in escaped
    assert set(ws.files) == {"a.py"}
    big = ws.bash("head -c 6000000 /dev/zero > big.bin")
    assert "changes were dropped" in big or "big.bin" not in ws.files


def test_gold_episode_scores_one_and_the_hacks_zero_with_the_hidden_tests_run():
    env = envgym.make("envgym/Repo-v0", tasks=["semver_compare_numeric"])
    try:
        result = play_episode(env, gold_policy, 0)
        assert result.rewards[-1] == 1.0 and result.final.correct and result.final.details["passed"] == 3
        for name in env.hack_actions():
            result = play_episode(env, _hack_policy(name), 0)
            assert result.total_reward == 0, name
            assert "hidden tests" in result.final.reason, (name, result.final.reason)  # they ran, and failed
    finally:
        env.close()


def test_openai_format_tool_calls_and_fraction_reward():
    env = envgym.make("envgym/Repo-v0", tasks=["paginate_off_by_one"], reward="fraction")
    try:
        env.reset(seed=0)
        call = {"id": "c1", "type": "function", "function": {"name": "str_replace", "arguments": json.dumps(
            {"path": "pager/pages.py", "old": "start = page * size", "new": "start = (page - 1) * size"})}}
        _, reward, done, _, info = env.step({"role": "assistant", "content": "", "tool_calls": [call]})
        assert not done and reward == 0 and info["tool_messages"][0].content.startswith("Edited")
        _, reward, done, _, info = env.step("Fixed the page offset.")
        assert done and reward == 1.0 and info["verdict"].correct
    finally:
        env.close()


def test_envgym_check_passes():
    report = check_environment("envgym/Repo-v0", seeds=range(2))
    assert report.ok, [(i.name, i.detail) for i in report.items if not i.ok]


# ---- a whole episode through the rollout collector, with a scripted policy -------------------------

REPRO = "python -c 'from pager import paginate; print(paginate(list(range(5)), 1, 2))'"


def _pager_script(fix: str):
    """The calls of one episode on ``paginate_off_by_one``: read, test, reproduce, edit (``fix``),
    test, reproduce, answer. The script follows the turn count; one seed, one sample."""
    from envgym.tools.calls import call_text

    steps = [call_text("read_file", {"path": "pager/pages.py"}),
             call_text("run_tests", {}),
             call_text("bash", {"command": REPRO}),
             call_text("str_replace", {"path": "pager/pages.py", "old": "start = page * size", "new": fix}),
             call_text("run_tests", {}),
             call_text("bash", {"command": REPRO}),
             "Page numbers are 1-based now: page 1 starts at item 0."]
    return lambda prompt, k: steps[min(k, len(steps) - 1)]


def _collect_pager(fix: str):
    pytest.importorskip("transformers")
    from envgym.models import build_tokenizer
    from envgym.policy.base import SamplingParams
    from envgym.rollout.collector import RolloutConfig, collect
    from envgym.rollout.pool import LocalEnvPool
    from scripted import ScriptedPolicy

    policy = ScriptedPolicy(build_tokenizer(), _pager_script(fix))
    config = RolloutConfig(sampling=SamplingParams(max_tokens=256), max_context_tokens=32_768)
    [trajectory] = collect(LocalEnvPool("envgym/Repo-v0", {"tasks": ["paginate_off_by_one"]}), policy, [0], config)
    return trajectory


def test_scripted_episode_through_the_collector_reads_tests_edits_and_earns_one():
    from envgym.learn.sequences import training_sequence

    t = _collect_pager("start = (page - 1) * size")
    assert len(t.turns) == 7 and t.reward == 1.0 and t.correct
    outputs = [turn.env_messages[0].content if turn.env_messages else "" for turn in t.turns]
    assert "start = page * size" in outputs[0] and outputs[0].lstrip().startswith("1  def page_count")
    assert "2 passed" in outputs[1]  # the visible tests do not catch the bug...
    assert outputs[2].startswith("[2, 3]")  # ...the reproduction does
    assert outputs[3].startswith("Edited")
    assert "2 passed" in outputs[4] and outputs[5].startswith("[0, 1]")
    assert [turn.reward for turn in t.turns[:-1]] == [0.0] * 6
    assert t.turns[-1].verdict.details == {"passed": 3, "total": 3, "failed": []}
    training_sequence(t)  # every turn's tokens are a prefix of the final sequence


def test_scripted_episode_with_a_wrong_fix_earns_zero():
    t = _collect_pager("start = page * size - 1")  # moves the window, but not to the right place
    assert len(t.turns) == 7 and t.reward == 0.0 and not t.correct
    assert "hidden tests passed" in t.turns[-1].verdict.reason and t.turns[-1].verdict.details["passed"] < 3


# ---- training: the pipeline end to end on the tiny model ----------------------------------------------


def test_rlvr_steps_of_the_tiny_model_on_the_easiest_tasks(tmp_path):
    """Two RLVR steps on difficulty-1 tasks: rollouts through the tools, grading, a loss, an optimizer
    step, evaluation, metrics and a checkpoint. Learning is not expected of the tiny model (its
    answers change no file, so they earn 0 without a sandbox run): this checks the pipeline."""
    pytest.importorskip("torch")
    from envgym.learn.learners import RLVRConfig
    from envgym.learn.trainer import TrainConfig, Trainer

    out = tmp_path / "run"
    config = TrainConfig(env="envgym/Repo-v0", env_kwargs={"difficulty": 1}, learner="rlvr", output_dir=str(out),
                         steps=2, lr=1e-3, max_tokens=16, max_context_tokens=4096, eval_tasks=2, progress=False,
                         learner_config=RLVRConfig(prompts_per_step=2, group_size=2, dynamic_sampling=False,
                                                   overlong="none"))
    trainer = Trainer(config)
    try:
        last = trainer.train()
    finally:
        trainer.close()
    rows = [json.loads(line) for line in (out / "metrics.jsonl").read_text().splitlines()]
    assert [r["step"] for r in rows if "samples" in r] == [1, 2] and last["step"] == 2
    assert all(r["samples"] == 4 for r in rows if "samples" in r), rows
    assert (out / "checkpoint" / "trainer.pt").exists() and (out / "checkpoint" / "model.safetensors").exists()
    assert [r["step"] for r in rows if "eval_reward" in r] == [0, 2]  # evaluated before and after
    assert [r["policy_version"] for r in rows if "samples" in r] == [1, 2]
    trained = [json.loads(line) for line in (out / "trained.jsonl").read_text().splitlines()]
    easiest = {f"repo-{t.name}" for t in TASKS if t.difficulty == 1}
    assert len(trained) == 2 and all(t["tasks"] and set(t["tasks"]) <= easiest for t in trained), trained

