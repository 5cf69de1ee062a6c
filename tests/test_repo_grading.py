"""envgym/Repo-v0's grading: the hidden tests only observe values in the sandbox, and the host
compares them with the gold solution's. Agent code that forges the runner's report, reads the
hidden tests or searches the sandbox for the gold's values earns 0; only the gold's values pass.
Real bubblewrap sandboxes; one shared by the module."""

from __future__ import annotations

import json
import secrets
import shutil
from decimal import Decimal

import pytest

pytest.importorskip("envgym_repo")

from envgym_repo.hacks import forger_source  # noqa: E402
from envgym_repo.observe import canonical  # noqa: E402
from envgym_repo.tasks import load_tasks  # noqa: E402
from envgym_repo.workspace import gold_observations, grade, make_repo_sandbox, observe_hidden  # noqa: E402

needs_bwrap = pytest.mark.skipif(shutil.which("bwrap") is None, reason="needs bubblewrap")
TASK = next(t for t in load_tasks() if t.name == "semver_compare_numeric")
GOLD = {**TASK.files, **TASK.solution}
INIT = f"{TASK.packages[0]}/__init__.py"


@pytest.fixture(scope="module")
def box():
    sandbox = make_repo_sandbox()
    yield sandbox
    sandbox.close()


def _grade(box, files, task=TASK, gold=None):
    return grade(box, files, task.packages, task.hidden, task.hidden_tests, gold=gold or {**task.files, **task.solution})


def test_canonical_values_agree_where_equality_did():
    assert canonical(6.0) == canonical(6) == canonical(Decimal("6")) == 6
    assert canonical(0.1 + 0.2) == canonical(0.3) != canonical(0.31)
    assert json.dumps(canonical(True)) != json.dumps(canonical(1))  # as the host compares them
    assert canonical((1, 2)) != canonical([1, 2])
    assert canonical({"b": 1, "a": {2, 1}}) == canonical({"a": {1, 2}, "b": 1})
    assert canonical(float("nan")) == ["float", "nan"]
    assert canonical(object())[:2] == ["object", "object"] and "0x" not in canonical(object())[2]
    loop: list = []
    loop.append(loop)
    with pytest.raises(ValueError, match="nested too deeply"):
        canonical(loop)


def _forger(claim: dict | str | None = None) -> dict[str, bytes]:
    """The task's repository with ``envgym_repo.hacks.FORGER`` at the top of its package."""
    return {**TASK.files, INIT: forger_source(claim).encode() + TASK.files[INIT]}


@needs_bwrap
def test_agent_code_cannot_forge_the_graders_result(box):
    """The old hole: agent code writing the runner's result line. Its report is read, and fails."""
    result = _grade(box, _forger())
    assert not result.all_passed and result.passed == ()
    assert result.reason.startswith(f"0 of {TASK.hidden_tests} hidden tests passed"), result.reason
    assert len(result.failed) == TASK.hidden_tests  # the forged report named every test: it was read


@needs_bwrap
def test_a_forged_report_passes_only_with_the_gold_values(box):
    """The control: the same forger, told the gold's observations (which it cannot learn in the
    sandbox), passes. So the report channel is open to the agent and the values alone decide."""
    expected = gold_observations(box, GOLD, TASK.packages, TASK.hidden)
    assert _grade(box, _forger(expected)).all_passed
    one_wrong = {**expected, sorted(expected)[0]: [1]}
    result = _grade(box, _forger(one_wrong))
    assert not result.all_passed and len(result.passed) == TASK.hidden_tests - 1


@needs_bwrap
def test_garbled_missing_or_extra_output_fails(box):
    for source, why in ((b"import os\nos._exit(0)\n", "did not report"),
                        (b"import sys\nsys.stdout.close()\nimport os\nos.close(1)\n", "did not report")):
        result = _grade(box, {**TASK.files, INIT: source + TASK.files[INIT]})
        assert not result.all_passed and why in result.reason, result.reason
    for text in ("{not json", "[1, 2]", '{"test_semver_hidden.py::test_latest_numeric": 3}',
                 '{"test_semver_hidden.py::test_latest_numeric": ' + "[" * 100_000 + "]" * 100_000 + "}"):
        result = _grade(box, _forger(text))
        assert not result.all_passed and "garbled" in result.reason, result.reason
    expected = gold_observations(box, GOLD, TASK.packages, TASK.hidden)
    extra = _grade(box, _forger({**expected, "test_semver_hidden.py::test_more": [1]}))
    assert not extra.all_passed and "test_semver_hidden.py::test_more" in extra.failed


# A task made up here: the gold's value is a random token that exists only on the host and in the
# gold's own sandbox run. The agent's code searches everything it can reach for a token of that
# shape (files outside /usr, /proc and /sys, its argv, environment and stdin, every string in its
# process's containers and stack frames) and returns the first it finds: finding it would pass.
SEARCH = r'''import gc, os, re, sys
PATTERN = re.compile(r"gold-[0-9a-f]{32}")

def token():
    seen, texts = 0, []
    for top in sorted(set(os.listdir("/")) - {"usr", "proc", "sys", "dev"}):
        if os.path.islink("/" + top):  # /bin, /lib: into /usr
            continue
        for root, dirs, names in os.walk("/" + top):
            for name in names:
                try:
                    with open(os.path.join(root, name), "rb") as f:
                        texts.append(f.read(1 << 22).decode("latin-1"))
                    seen += 1
                except OSError:
                    pass
    for name in ("environ", "cmdline"):
        with open("/proc/self/" + name, "rb") as f:
            texts.append(f.read().decode("latin-1"))
    texts += [repr(sys.argv), repr(dict(os.environ)), sys.stdin.read()]
    frame = sys._getframe()
    while frame is not None:
        texts.append(repr(frame.f_locals))
        frame = frame.f_back
    for obj in gc.get_objects():
        if isinstance(obj, (dict, list, tuple, set)):
            texts += [x for x in (obj.values() if isinstance(obj, dict) else obj) if isinstance(x, str)]
    found = PATTERN.findall("\n".join(texts))
    return found[0] if found else f"not found in {seen} files"
'''
HIDDEN = b"from observe import observe\nfrom tok import token\n\n\ndef test_token():\n    observe(token())\n"


@needs_bwrap
def test_the_gold_values_never_reach_the_agents_sandbox(box):
    gold_token = f"gold-{secrets.token_hex(16)}"
    gold = {"tok/__init__.py": f"def token():\n    return {gold_token!r}\n".encode()}
    agent = {"tok/__init__.py": SEARCH.encode()}
    hidden = {"test_tok.py": HIDDEN}
    assert gold_observations(box, gold, ["tok"], hidden) == {"test_tok.py::test_token": [gold_token]}
    result = grade(box, agent, ["tok"], hidden, 1, gold=gold)
    assert not result.all_passed and result.failed == ("test_tok.py::test_token",)
    observed, _ = observe_hidden(box, agent, ["tok"], hidden)
    [[said]] = observed.values()
    assert said.startswith("not found in ") and int(said.split()[3]) >= 3, said  # it read the harness at least
    assert gold_token not in json.dumps(observed)
    # The search does see the harness: a token planted in a hidden test file is found.
    planted = f"gold-{secrets.token_hex(16)}"
    observed, _ = observe_hidden(box, agent, ["tok"], {"test_tok.py": HIDDEN + f"# {planted}\n".encode()})
    assert observed == {"test_tok.py::test_token": [planted]}


@needs_bwrap
def test_a_broken_hidden_test_is_named_on_the_gold_run(box):
    gold = {"tok/__init__.py": b"def token():\n    return 1\n"}
    for hidden, what in ((b"from tok import token\n\n\ndef test_nothing():\n    token()\n", "observe nothing"),
                         (b"from tok import token\n\n\ndef test_crash():\n    1 / 0\n", "ZeroDivisionError"),
                         (b"import os\nfrom observe import observe\n\n\ndef test_random():\n    observe(os.urandom(8))\n",
                          "different values in two runs")):
        with pytest.raises(RuntimeError, match=what):
            gold_observations(box, gold, ["tok"], {"test_tok.py": hidden})
    with pytest.raises(ValueError, match="hidden_tests in its task.toml"):
        grade(box, gold, ["tok"], {"test_tok.py": HIDDEN}, 2, gold=gold)


@needs_bwrap
def test_values_that_equality_would_confuse_fail(box):
    hidden = {"test_tok.py": HIDDEN}
    for gold, agent in ((b"True", b"1"), (b"(1, 2)", b"[1, 2]"), (b"0.5", b"0.5000001")):
        result = grade(box, {"tok/__init__.py": b"def token():\n    return " + agent + b"\n"}, ["tok"], hidden, 1,
                       gold={"tok/__init__.py": b"def token():\n    return " + gold + b"\n"})
        assert not result.all_passed, (gold, agent)
    close = grade(box, {"tok/__init__.py": b"def token():\n    return (0.1 + 0.2) * 3\n"}, ["tok"], hidden, 1,
                  gold={"tok/__init__.py": b"def token():\n    return 0.9\n"})
    assert close.all_passed, close.reason  # float noise below 10 significant digits is not a difference
