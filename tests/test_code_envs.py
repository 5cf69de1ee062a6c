"""The code environments: every task's reference passes and its wrong solutions fail, in the real
sandbox; every reward hack scores 0; envgym check; CodeRefine's feedback loop; reward modes;
finding the code in a completion; option errors."""

from __future__ import annotations

import json
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

import envgym
from envgym.check import check_environment
from envgym_code.extract import extract_code
from envgym_code.function_tasks import FUNCTION_TASKS
from envgym_code.hacks import function_hacks, python_block, stdio_hacks
from envgym_code.stdio_tasks import STDIO_TASKS
from envgym_code.verifier import NO_CODE, UnitTests

ENV_IDS = ["envgym/PythonFunction-v0", "envgym/StdioProgram-v0", "envgym/CodeRefine-v0"]
ALL_TASKS = FUNCTION_TASKS + STDIO_TASKS
THREADS = 16  # sandbox runs at once; most of a run is bwrap and interpreter start-up


@pytest.fixture(scope="module")
def tests():
    verifier = UnitTests("tests")
    yield verifier
    verifier.close()


def _lines(text: str) -> list[str]:
    """Output as the harness compares it: trailing spaces and trailing blank lines ignored."""
    lines = [line.rstrip() for line in text.split("\n")]
    while lines and not lines[-1]:
        lines.pop()
    return lines


# ---- the task data --------------------------------------------------------------------------


def test_there_are_enough_tasks_with_unique_names():
    assert len(FUNCTION_TASKS) >= 28 and len(STDIO_TASKS) >= 12 and len(ALL_TASKS) >= 40
    names = [t.name for t in ALL_TASKS]
    assert len(names) == len(set(names))


@pytest.mark.parametrize("task", FUNCTION_TASKS, ids=lambda t: t.name)
def test_function_task_follows_the_rules(task):
    assert 6 <= len(task.tests) <= 12 and 1 <= len(task.examples) <= 2 and task.wrong
    assert task.signature.startswith(f"def {task.entry}(") and f"def {task.entry}(" in task.reference
    visible = {repr(args) for args, _ in task.examples}
    for args, _ in task.tests:
        assert repr(args) not in visible, f"{task.name}: hidden test {args!r} is a visible example"
        # inputs cross into the sandbox as JSON: they must arrive exactly as written (no tuples, sets, int keys)
        assert repr(json.loads(json.dumps(list(args)))) == repr(list(args)), f"{task.name}: {args!r} is not JSON-safe"


@pytest.mark.parametrize("task", STDIO_TASKS, ids=lambda t: t.name)
def test_stdio_task_follows_the_rules(task):
    assert 3 <= len(task.tests) <= 6 and task.wrong
    for stdin, expected in task.tests:
        assert _lines(expected), f"{task.name}: an empty expected output lets a silent program pass"
        assert _lines(expected) != _lines(task.example[1]), f"{task.name}: {stdin!r} expects the example's output"
        assert _lines(expected) != _lines(stdin), f"{task.name}: echoing {stdin!r} would pass"


# ---- reference and wrong solutions in the real sandbox ----------------------------------------


def test_every_reference_passes_and_every_wrong_solution_fails(tests):
    runs = [(task, "reference", task.reference) for task in ALL_TASKS]
    runs += [(task, f"wrong #{i}", code) for task in ALL_TASKS for i, code in enumerate(task.wrong)]
    with ThreadPoolExecutor(THREADS) as pool:
        reports = list(pool.map(lambda run: tests.run(run[2], run[0]), runs))
    problems = []
    for (task, label, _), report in zip(runs, reports):
        if label == "reference" and not report.all_passed:
            problems.append(f"{task.name} reference: {report.summary()}")
        if label != "reference" and report.fraction == 1.0:
            problems.append(f"{task.name} {label} passed every test")
    assert not problems, "\n".join(problems)
    assert {r.backend for report in reports for r in report.runs} == {"bwrap"}


def test_a_reference_run_is_quick(tests):
    report = tests.run(FUNCTION_TASKS[0].reference, FUNCTION_TASKS[0])
    assert report.all_passed and report.runs[0].duration_s < 0.5


# ---- reward hacks -----------------------------------------------------------------------------


def test_every_hack_scores_zero_on_every_task(tests):
    """All hacks on all tasks, except the infinite loop, which does not depend on the task and
    costs a full wall-clock limit per run: it runs on a few tasks in the next test (and on every
    seed ``envgym check`` probes)."""
    probes = [(task, name, action) for task in FUNCTION_TASKS for name, action in function_hacks(task).items()]
    probes += [(task, name, action) for task in STDIO_TASKS for name, action in stdio_hacks(task).items()]
    probes = [p for p in probes if p[1] != "infinite_loop"]
    with ThreadPoolExecutor(THREADS) as pool:
        verdicts = list(pool.map(lambda p: tests.verify(p[2], p[0]), probes))
    scored = [f"{task.name} {name}: {v.reward} ({v.reason})" for (task, name, _), v in zip(probes, verdicts)
              if v.reward != 0 or v.correct]
    assert not scored, "\n".join(scored)


def test_infinite_loops_score_zero_within_the_wall_clock_limit(tests):
    loops = [(t, function_hacks(t)["infinite_loop"]) for t in (FUNCTION_TASKS[0], FUNCTION_TASKS[-1])]
    loops += [(t, stdio_hacks(t)["infinite_loop"]) for t in (STDIO_TASKS[0], STDIO_TASKS[-1])]
    start = time.perf_counter()
    with ThreadPoolExecutor(len(loops)) as pool:
        verdicts = list(pool.map(lambda loop: tests.verify(loop[1], loop[0]), loops))
    assert all(v.reward == 0 and not v.correct for v in verdicts)
    assert time.perf_counter() - start < tests.wall_s + 8.0  # ended by the limit, not left to run (slack: zygotes start cold)


def test_a_function_that_loops_on_some_inputs_fails_only_those_tests():
    task = next(t for t in FUNCTION_TASKS if t.name == "gcd")
    looping_on_zero = python_block("def gcd(a, b):\n    while a == 0 or b == 0:\n        pass\n"
                                   "    while b:\n        a, b = b, a % b\n    return a\n")
    verifier = UnitTests("tests", case_s=0.2)
    try:
        verdict = verifier.verify(looping_on_zero, task)
    finally:
        verifier.close()
    zeros = sum(0 in args for args, _ in task.tests)
    assert verdict.details["passed"] == len(task.tests) - zeros
    assert "TimeoutError" in verdict.details["feedback"]


# ---- the environments ---------------------------------------------------------------------------


@pytest.mark.parametrize("env_id", ENV_IDS)
def test_envgym_check_passes(env_id):
    report = check_environment(env_id)
    assert report.ok, [item for item in report.items if not item.ok]


def test_seeds_draw_different_tasks_and_the_prompt_shows_signature_and_example():
    env = envgym.make("envgym/PythonFunction-v0")
    prompts = {env.reset(seed=s)[0][-1]["content"] for s in range(10)}
    assert len(prompts) >= 5
    obs, info = env.reset(seed=3)
    task = env.task.reference
    assert info["task_id"] == f"fn-{task.name}"
    assert task.signature in obs[-1]["content"] and "```python" in obs[-1]["content"]
    args, expected = task.examples[0]
    assert f"{task.entry}(" in obs[-1]["content"] and repr(expected) in obs[-1]["content"]
    env.close()


def test_reward_fraction_gives_partial_credit_and_all_gives_none():
    gcd = next(t for t in FUNCTION_TASKS if t.name == "gcd")
    wrong = python_block(gcd.wrong[0])
    for reward, expect in (("fraction", None), ("all", 0.0)):
        env = envgym.make("envgym/PythonFunction-v0", reward=reward, tasks=["gcd"])
        env.reset(seed=0)
        _, got, terminated, _, info = env.step(wrong)
        verdict = info["verdict"]
        passed, total = verdict.details["passed"], verdict.details["total"]
        assert 0 < passed < total == len(gcd.tests) and terminated and not verdict.correct
        assert got == (passed / total if expect is None else expect)
        assert verdict.details["backend"] == "bwrap" and verdict.details["reward_mode"] == reward
        env.reset(seed=0)
        assert env.step(env.gold_action())[1] == 1.0
        env.close()


def test_stdio_reward_modes():
    task = next(t for t in STDIO_TASKS if t.name == "fizzbuzz")  # the wrong one passes nothing
    fizz = python_block(task.wrong[0])
    partial = python_block("n = int(input())\nif n == 3:\n    print('1\\n2\\nFizz')\n")
    for reward in ("fraction", "all"):
        env = envgym.make("envgym/StdioProgram-v0", reward=reward, tasks=["fizzbuzz"])
        env.reset(seed=0)
        assert env.step(fizz)[1] == 0.0
        env.reset(seed=0)
        _, got, _, _, info = env.step(partial)
        assert info["verdict"].details["passed"] == 1
        assert got == (1 / len(task.tests) if reward == "fraction" else 0.0)
        env.close()


def test_code_refine_feeds_back_failing_tests_and_a_fixed_attempt_succeeds():
    env = envgym.make("envgym/CodeRefine-v0", tasks=["to_roman"])
    env.reset(seed=0)
    task = env.task.reference
    obs, reward, terminated, truncated, info = env.step(python_block(task.wrong[0]))
    assert 0 < reward < 1 and not terminated and not truncated and info["turn"] == 1
    feedback = obs[-1]
    assert feedback["role"] == "user"
    assert f"{info['verdict'].details['passed']}/{len(task.tests)} tests passed." in feedback["content"]
    assert "input (4,): expected 'IV', got 'IIII'" in feedback["content"]
    assert "```python" in feedback["content"]
    obs, reward, terminated, _, info = env.step(env.gold_action())
    assert (reward, terminated, info["turn"], info["verdict"].correct) == (1.0, True, 2, True)
    assert obs[-1]["role"] == "assistant"
    env.close()


def test_code_refine_feedback_for_no_code_and_running_out_of_attempts():
    env = envgym.make("envgym/CodeRefine-v0", max_turns=2)
    env.reset(seed=1)
    obs, reward, terminated, _, info = env.step("Let me think about it.")
    assert (reward, terminated) == (0.0, False) and NO_CODE in obs[-1]["content"]
    obs, reward, terminated, _, info = env.step("still thinking")
    assert (reward, terminated, info["turn"]) == (0.0, True, 2)
    with pytest.raises(envgym.EnvStateError, match="episode is over"):
        env.step(env.gold_action())
    env.close()


def test_no_code_is_reward_zero_with_a_reason_and_details():
    env = envgym.make("envgym/StdioProgram-v0")
    env.reset(seed=0)
    _, reward, terminated, _, info = env.step("The program should read the numbers and add them.")
    verdict = info["verdict"]
    assert (reward, terminated, verdict.reason) == (0.0, True, NO_CODE)
    assert verdict.details["passed"] == 0 and verdict.details["total"] == len(env.task.reference.tests)
    assert verdict.details["backend"] == "bwrap"
    env.close()


def test_hint_and_gold_show_the_reference():
    env = envgym.make("envgym/PythonFunction-v0")
    env.reset(seed=2)
    assert env.task.reference.reference in env.gold_action()
    assert env.gold_action() in env.hint()[0].content
    env.close()


def test_close_releases_the_sandbox_and_the_env_still_works():
    env = envgym.make("envgym/PythonFunction-v0")
    env.reset(seed=0)
    assert env.step(env.gold_action())[1] == 1.0
    env.close()
    assert env.tests._sandbox is None
    env.reset(seed=0)
    assert env.step(env.gold_action())[1] == 1.0
    env.close()


@pytest.mark.parametrize(("env_id", "options", "message"), [
    ("envgym/PythonFunction-v0", {"reward": "most"}, r"reward must be one of \['fraction', 'all'\], got 'most'"),
    ("envgym/StdioProgram-v0", {"backend": "chroot"}, r"backend must be None .* one of \[.*'bwrap'.*\], got 'chroot'"),
    ("envgym/PythonFunction-v0", {"tasks": ["gcd", "sudoku"]}, r"unknown task name\(s\) \['sudoku'\]"),
    ("envgym/PythonFunction-v0", {"tasks": "gcd"}, r"tasks must be a non-empty list of task names"),
    ("envgym/StdioProgram-v0", {"tasks": ["gcd"]}, r"unknown task name\(s\) \['gcd'\]"),
    ("envgym/CodeRefine-v0", {"max_turns": 0}, r"max_turns must be a positive integer, got 0"),
    ("envgym/PythonFunction-v0", {"wall_s": -1}, r"wall_s must be a positive number of seconds, got -1"),
])
def test_bad_options_name_the_env_the_option_and_the_choices(env_id, options, message):
    with pytest.raises(ValueError, match=f"{env_id}: {message}"):
        envgym.make(env_id, **options)


# ---- finding the code ---------------------------------------------------------------------------


@pytest.mark.parametrize(("completion", "code"), [
    ("def f():\n    return 1\n", "def f():\n    return 1\n"),  # no block: the whole text parses
    ("Sure! I would loop over the list.", None),  # prose
    ("", None),
    ("```python\n```", None),  # an empty block
    ("first:\n```python\nx = 1\n```\nthen:\n```python\nx = 2\n```\ndone", "x = 2\n"),  # the last block
    ("```python\nx = 1\n```\n```bash\nls\n```", "x = 1\n"),  # other languages are skipped
    ("```\nx = 3\n```", "x = 3\n"),  # untagged
    ("```py\nx = 4\n```", "x = 4\n"),
    ("```Python3\nx = 5\n```", "x = 5\n"),
    ("```python\ndef f():\n    return 6", "def f():\n    return 6\n"),  # unclosed: runs to the end
    ("````python\nprint('```')\n```\n````", "print('```')\n```\n"),  # a longer fence holds shorter ones
    ("1. Code:\n   ```python\n   x = 7\n   ```", "x = 7\n"),  # indented in a list item
    ("```bash\npip install numpy\n```", None),  # a block, but no Python one
    ("Here it is: ```python x = 1```", None),  # not a fence
])
def test_extract_code(completion, code):
    assert extract_code(completion) == code
