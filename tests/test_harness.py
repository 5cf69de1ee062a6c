"""The trusted harness on the real default sandbox: typed values both ways, verdicts outside."""

from __future__ import annotations

import pytest

import envgym
from envgym.sandbox.harness import run_function_tests, run_stdio_tests


@pytest.fixture(scope="module")
def box():
    envgym.load_plugins()
    sandbox = envgym.make_sandbox("bwrap", wall_s=5)
    yield sandbox
    sandbox.close()


def test_inputs_arrive_with_their_types_and_dict_order(box):
    code = "def f(t, s, d):\n    return [type(t).__name__, type(s).__name__, list(d)]\n"
    report = run_function_tests(box, code, "f", [(((1, 2), {3}, {"b": 1, "a": 2}), ["tuple", "set", ["b", "a"]])])
    assert report.all_passed, report.summary()


def test_outputs_compare_by_value_and_exact_type(box):
    cases = [((), {"x": 1, "y": 2}), ((), 2.0), ((), (1, 2))]
    code = "def f():\n    return CALLS.pop(0)\nCALLS = [{'y': 2, 'x': 1}, 2, [1, 2]]\n"
    report = run_function_tests(box, code, "f", cases)
    # a dict's order is not its value; an int may stand for a float; a list is not a tuple
    assert [c.passed for c in report.cases] == [True, True, False]


def test_a_candidate_walking_the_stack_finds_no_secret(box):
    code = ("import gc, sys\ndef add(a, b):\n    found = [o for o in gc.get_objects() if isinstance(o, bytes) and len(o) == 34]\n"
            "    f, names = sys._getframe(), set()\n    while f:\n        names |= set(f.f_locals)\n        f = f.f_back\n"
            "    return [len(found), sorted(names & {'prefix', 'emit', 'secret'})]\n")
    report = run_function_tests(box, code, "add", [((1, 2), [0, []])])
    assert report.all_passed, report.summary()


def test_stdio_compares_stdout_outside_and_needs_a_clean_exit(box):
    cases = [("1 2\n", "3\n"), ("5 5\n", "10")]
    assert run_stdio_tests(box, "a, b = map(int, input().split())\nprint(a + b)\n", cases).all_passed
    crashed = run_stdio_tests(box, "a, b = map(int, input().split())\nprint(a + b)\nraise SystemExit(3)\n", cases)
    assert crashed.passed == 0 and "status 3" in crashed.cases[0].reason
