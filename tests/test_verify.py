"""Built-in verifiers: equivalence cases, hostile input, and the never-raise / never-hang guard."""

from __future__ import annotations

import multiprocessing as mp
import random
import threading
import time
from pathlib import Path

import pytest

import envgym
from envgym import Guarded, Verdict
from verifiers_for_tests import InlineRaising, Misbehaving

NUMBER_CASES = [
    # (completion, reference, expected correct)
    (r"\boxed{46}", 46, True),
    (r"so 12 + 34 = \boxed{ 46 }.", 46, True),
    ("The answer is 46.", 46, True),
    ("12 + 34 = 46", 46, True),
    (r"\boxed{46} and again \boxed{46}", 46, True),
    (r"\fbox{46}", 46, True),
    (r"\boxed{-5}", -5, True),
    ("the result is −5", -5, True),
    (r"\boxed{1,234}", 1234, True),
    ("total: 1,234,567", 1234567, True),
    (r"\boxed{2.50}", "2.5", True),
    (r"\boxed{3/4}", "0.75", True),
    (r"\boxed{\$12}", 12, True),
    (r"\boxed{$12}", 12, True),
    (r"\boxed{1e3}", 1000, True),
    (r"\boxed{45}\boxed{46}", 46, False),
    (r"\boxed{}", 46, False),
    (r"\boxed{forty-six}", 46, False),
    ("", 46, False),
    ("no digits here", 46, False),
    ("46 47", 46, False),
    (r"\boxed{46", 46, True),  # an unclosed box is not an answer; the final number still is
    (r"\boxed{50%}", 50, False),
    (r"\boxed{0.1}", "0.1", True),
    (r"\boxed{²}", 2, False),
    (r"\boxed{12 345}", 12345, True),
    (r"\boxed{12\,345}", 12345, True),
    (r"\boxed{12 34}", 1234, False),  # two numbers, not one
    (r"\boxed{1 2}", 12, False),
    (r"\boxed{1 234 567}", 1234567, True),
    (r"\boxed{- 5}", -5, True),
]


@pytest.mark.parametrize("completion, reference, expected", NUMBER_CASES)
def test_number_verifier(completion, reference, expected):
    verdict = envgym.make_verifier("number").verify(completion, reference)
    assert verdict.correct is expected, verdict
    assert verdict.reward == (1.0 if expected else 0.0)
    assert expected or verdict.reason


@pytest.mark.parametrize("completion, reference, expected", [
    ("Paris", "paris", True),
    ("  New   York ", "new york", True),
    (r"\boxed{Paris}", "Paris", True),
    (r"\boxed{Paris}\boxed{Rome}", "Paris", False),
    ("London", "Paris", False),
    ("", "Paris", False),
])
def test_exact_verifier(completion, reference, expected):
    assert envgym.make_verifier("exact").verify(completion, reference).correct is expected


def test_unknown_verifier_suggests_names():
    with pytest.raises(envgym.ComponentNotFoundError, match="did you mean 'number'"):
        envgym.make_verifier("nuber")


def _hostile_strings(rng: random.Random, n: int):
    atoms = ["\\boxed{", "}", "{", "\\fbox", "-", "−", ",", ".", "/", "e", "9" * 50, "1,000", " ", "\n",
             "\x00", "\ud7ff", "💥", "$", "%", "\\frac{", "^{", "0x", "nan", "inf", "1" * 300]
    for _ in range(n):
        yield "".join(rng.choice(atoms) for _ in range(rng.randint(0, 40)))


@pytest.mark.parametrize("name", ["number", "exact"])
def test_fuzz_never_raises_and_stays_fast(name):
    verifier = envgym.make_verifier(name)
    rng = random.Random(0)
    worst = 0.0
    for text in _hostile_strings(rng, 3000):
        for reference in (46, "46", "x"):
            start = time.perf_counter()
            verdict = verifier.verify(text, reference)
            worst = max(worst, time.perf_counter() - start)
            assert type(verdict) is Verdict and 0.0 <= verdict.reward <= 1.0
    # A bound on pathological inputs (backtracking, huge numbers), loose enough for a busy CI machine.
    assert worst < 0.5, f"slowest verification took {worst:.3f}s"


def test_guard_turns_every_failure_into_a_verdict():
    guarded = Guarded(Misbehaving(), timeout_s=5)
    assert guarded.verify(12, 12).reason == "completion must be a string, got int"
    assert "longer than" in Guarded(Misbehaving(), max_chars=10).verify("x" * 11, 1).reason
    assert "ValueError: bad input" in guarded.verify("raise", 1).reason
    assert "returned NoneType" in guarded.verify("none", 1).reason
    assert guarded.verify("1", 1).correct
    assert "KeyError" in Guarded(InlineRaising()).verify("x", 1).reason


def test_verifier_without_a_declared_bound_is_refused():
    class NoBound:
        name = "nobound"

        def verify(self, completion, reference):
            return Verdict.ok()

    with pytest.raises(TypeError, match="must declare bound"):
        Guarded(NoBound())


def _timeouts(results: list) -> None:
    guarded = Guarded(Misbehaving(), timeout_s=0.5)
    for text in ("hang", "bigpow"):
        start = time.perf_counter()
        verdict = guarded.verify(text, 1)
        results.append((verdict.reason, verdict.details.get("timeout"), time.perf_counter() - start))
    # A fresh worker replaces the killed one. Its start (importing sympy) counts against the bound
    # of a call that waits for it, so this call is given time for that.
    results.append((Guarded(Misbehaving(), timeout_s=10).verify("1", 1).reason, None, 0.0))


def _check_timeouts(results: list) -> None:
    (hang, hang_flag, hang_s), (bigpow, pow_flag, pow_s), (after, _, _) = results
    assert "exceeded 0.5s" in hang and hang_flag is True and hang_s < 3
    assert "exceeded 0.5s" in bigpow and pow_flag is True and pow_s < 3
    assert after == "correct"


def test_hard_time_bound_in_the_main_thread():
    results: list = []
    _timeouts(results)
    _check_timeouts(results)


def test_hard_time_bound_in_a_thread():
    results: list = []
    worker = threading.Thread(target=_timeouts, args=(results,))
    worker.start()
    worker.join(30)
    _check_timeouts(results)


def _in_child(queue) -> None:
    results: list = []
    _timeouts(results)
    queue.put(results)


def test_hard_time_bound_in_a_child_process():
    ctx = mp.get_context("spawn")
    queue = ctx.Queue()
    child = ctx.Process(target=_in_child, args=(queue,))
    child.start()
    results = queue.get(timeout=60)
    child.join(10)
    _check_timeouts(results)


def test_process_path_works_from_a_script_without_a_main_guard(tmp_path):
    """Workers must not re-run the caller's script (multiprocessing children would)."""
    import subprocess
    import sys

    script = tmp_path / "no_guard.py"
    script.write_text(
        "import envgym\n"
        "print('script body ran')\n"
        "v = envgym.make_verifier('math', timeout_s=20)\n"
        "print(v.verify(r'\\boxed{100000!}', '5').reason)\n"
    )
    out = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert lines[0] == "script body ran" and lines[1].startswith("not equivalent: gold '5' read as number 5") and len(lines) == 2


_ORPHAN_SCRIPT = """
import sys, time
from envgym.verify.bounded import BoundedRunner
runner = BoundedRunner()
print(runner.call(sum, ([1, 2],), 30.0), flush=True)  # the worker is up
runner.call(time.sleep, (600,), 600.0)  # killed while the worker sleeps
"""


def test_a_worker_whose_caller_is_killed_exits(tmp_path):
    """A caller killed mid-call never sends the kill its time bound would; the worker must not
    compute on as an orphan (three such workers held this machine's cores for an hour)."""
    import signal
    import subprocess
    import sys
    import time

    script = tmp_path / "caller.py"
    script.write_text(_ORPHAN_SCRIPT)
    caller = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE, text=True)
    assert caller.stdout.readline().strip() == "3"
    time.sleep(1.0)  # the sleep call has reached the worker
    workers = subprocess.run(["pgrep", "-P", str(caller.pid)], capture_output=True, text=True).stdout.split()
    assert workers, "the caller started no worker"
    caller.send_signal(signal.SIGKILL)
    caller.wait()
    deadline = time.monotonic() + 10
    alive = workers
    while alive and time.monotonic() < deadline:
        time.sleep(0.2)
        alive = [pid for pid in workers if Path(f"/proc/{pid}").exists()
                 and "Z" not in Path(f"/proc/{pid}/stat").read_text().split()[2]]
    assert not alive, f"workers {alive} outlived their killed caller"
