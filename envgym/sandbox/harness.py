"""The trusted test harness: hidden tests run in a sandbox, verdicts are decided outside it.

What enters the sandbox: the candidate's file and, for function tests, the test INPUTS (the
candidate must be called with them). What never does: the expected outputs. The harness runs the
candidate's function on each input and sends back the return value, serialised by exact type
(``type(v) is int``, never ``isinstance``: a subclass or an object whose ``__eq__`` always says
True cannot be serialised and fails that test). The candidate's code runs only in a child
process that never holds the per-run secret; the harness parent alone writes result lines to
stdout, each prefixed by the secret, so nothing the candidate prints is read as a result. Inputs
go in with the same typed encoding (a tuple stays a tuple, a set a set). The comparison with the
expected values happens here, in the trusted process.

So forging is pointless: a candidate that patches the harness, fakes result lines, exits early
with status 0 or prints "all tests passed" can at best report values it computed, and a missing
or malformed result is a failed test. Exit status 0 and text on stdout never pass a test on
their own. Stdio tests compare the program's stdout, outside, with an expected output the
program never sees.
"""

from __future__ import annotations

import json
import math
import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from envgym.sandbox.base import Limits, Program, RunResult

SOLUTION = "solution.py"
MAX_CASES_REPORTED = 3

# Runs inside the sandbox, read-only. Kept dependency-free (stdlib only, no site packages).
# Two processes: the candidate's code runs only in the child, which never holds the secret (it
# is read from stdin by the parent after the fork; the child's stdin is /dev/null) and cannot
# read the parent's memory (the parent makes itself undumpable). The child reports typed values
# over a private pipe; the parent checks their shape and alone writes result lines.
HARNESS = r'''
import json, os, select, signal, sys, types

def encode(v, depth=0):
    if depth > 50:
        raise TypeError("value nested too deeply")
    t = type(v)
    if v is None: return ["none"]
    if t is bool: return ["bool", v]
    if t is int: return ["int", str(v)]
    if t is float: return ["float", repr(v)]
    if t is str: return ["str", v]
    if t is list: return ["list", [encode(x, depth + 1) for x in v]]
    if t is tuple: return ["tuple", [encode(x, depth + 1) for x in v]]
    if t is dict: return ["dict", [[encode(k, depth + 1), encode(x, depth + 1)] for k, x in v.items()]]
    if t is set or t is frozenset: return ["set", sorted((encode(x, depth + 1) for x in v), key=json.dumps)]
    raise TypeError("cannot check a value of type " + t.__name__ + " (return plain int, float, str, bool, None, list, tuple, dict or set)")

def decode(v):
    kind = v[0]
    if kind == "none": return None
    if kind in ("bool", "str"): return v[1]
    if kind == "int": return int(v[1])
    if kind == "float": return float(v[1])
    if kind == "list": return [decode(x) for x in v[1]]
    if kind == "tuple": return tuple(decode(x) for x in v[1])
    if kind == "set": return set(decode(x) for x in v[1])
    if kind == "dict": return {decode(k): decode(x) for k, x in v[1]}
    raise ValueError(kind)

def child(cases_fd, results_fd):
    null = os.open("/dev/null", os.O_RDONLY)
    os.dup2(null, 0)
    with os.fdopen(cases_fd) as f:
        spec = json.load(f)
    write, dumps = os.write, json.dumps
    def report(obj):
        write(results_fd, dumps(obj).encode() + b"\n")
    module = types.ModuleType("solution")
    module.__file__ = spec["module"]
    sys.modules["solution"] = module
    try:
        with open(spec["module"]) as f:
            source = f.read()
        exec(compile(source, spec["module"], "exec"), module.__dict__)
        fn = module.__dict__[spec["entry"]]
    except BaseException as e:
        report({"load_error": (type(e).__name__ + ": " + str(e))[:500]})
        return
    def alarm(signum, frame):
        raise TimeoutError("test took longer than " + str(spec["case_s"]) + " s")
    for i, args in enumerate(spec["cases"]):
        try:
            args = [decode(a) for a in args]
            signal.signal(signal.SIGALRM, alarm)
            signal.setitimer(signal.ITIMER_REAL, spec["case_s"])
            try:
                value = fn(*args)
            finally:
                signal.setitimer(signal.ITIMER_REAL, 0)
            report({"i": i, "value": encode(value)})
        except BaseException as e:
            report({"i": i, "error": (type(e).__name__ + ": " + str(e))[:300]})

def well_formed(item, n):
    if not isinstance(item, dict):
        return False
    if set(item) == {"load_error"}:
        return isinstance(item["load_error"], str)
    return (type(item.get("i")) is int and 0 <= item["i"] < n and
            (set(item) == {"i", "value"} or (set(item) == {"i", "error"} and isinstance(item["error"], str))))

def main():
    cases_r, cases_w = os.pipe()
    results_r, results_w = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(cases_w); os.close(results_r)
        try:
            child(cases_r, results_w)
        finally:
            os._exit(0)
    os.close(cases_r); os.close(results_w)
    try:
        import ctypes
        ctypes.CDLL(None).prctl(4, 0, 0, 0, 0)  # PR_SET_DUMPABLE 0: no ptrace, no /proc/<pid>/mem
    except Exception:
        pass
    spec = json.loads(sys.stdin.readline())
    prefix = ("\n" + spec.pop("secret") + " ").encode()
    def emit(obj):
        os.write(1, prefix + json.dumps(obj).encode() + b"\n")
    with os.fdopen(cases_w, "w") as f:
        json.dump(spec, f)
    emit({"started": True})
    n, buffer, done, exited = len(spec["cases"]), b"", set(), False
    while True:
        ready = select.select([results_r], [], [], 0.05)[0]
        chunk = os.read(results_r, 65536) if ready else b""
        if ready and not chunk:
            break
        buffer += chunk
        *lines, buffer = buffer.split(b"\n")
        for line in lines:
            try:
                item = json.loads(line)
            except ValueError:
                continue
            if well_formed(item, n) and item.get("i") not in done:
                done.add(item.get("i"))
                emit(item)
        if not ready and not exited:
            exited = os.waitpid(pid, os.WNOHANG)[0] != 0
        elif not ready and exited:
            break  # the child is gone; whatever still holds the pipe is not reporting for it

main()
'''


@dataclass(frozen=True)
class CaseResult:
    passed: bool
    reason: str
    input: Any = None
    expected: Any = None
    got: Any = None


@dataclass(frozen=True)
class TestReport:
    """Per-test results of one candidate; ``fraction`` and ``all_passed`` are the verdicts."""

    cases: tuple[CaseResult, ...]
    runs: tuple[RunResult, ...] = field(default=(), repr=False)
    error: str | None = None
    """Why no test could pass at all (the file would not load, the run was stopped...)."""

    @property
    def passed(self) -> int:
        return sum(c.passed for c in self.cases)

    @property
    def total(self) -> int:
        return len(self.cases)

    @property
    def fraction(self) -> float:
        return self.passed / self.total if self.total else 0.0

    @property
    def all_passed(self) -> bool:
        return self.total > 0 and self.passed == self.total

    def summary(self, limit: int = MAX_CASES_REPORTED) -> str:
        """Feedback a model can act on: the count, then the first failing tests."""
        lines = [f"{self.passed}/{self.total} tests passed."]
        if self.error:
            lines.append(self.error)
        for c in [c for c in self.cases if not c.passed][:limit]:
            lines.append(f"- input {_short(c.input)}: expected {_short(c.expected)}, {c.reason}")
        return "\n".join(lines)


def run_function_tests(sandbox: Any, code: str, entry: str, cases: Sequence[tuple[Sequence[Any], Any]], *,
                       float_tol: float = 1e-6, case_s: float = 2.0, limits: Limits | None = None) -> TestReport:
    """Call ``entry(*args)`` from ``code`` on every case's args inside ``sandbox``; compare here."""
    secret = secrets.token_hex(16)
    spec = {"secret": secret, "module": SOLUTION, "entry": entry, "case_s": case_s,
            "cases": [[_encode(a) for a in args] for args, _ in cases]}
    harness = sandbox.harness_path("envgym_harness.py")
    run = sandbox.run([sandbox.python, "-I", "-S", harness], files={SOLUTION: code},
                      readonly_files={"envgym_harness.py": HARNESS}, stdin=json.dumps(spec) + "\n", limits=limits)
    results, started = _results(run, secret)
    error = None
    if "load_error" in results:
        error = f"the code did not load: {results['load_error']}"
    elif not started:
        error = _run_problem(run) or "the harness never started"
    elif run.stopped:
        error = _run_problem(run)
    out = []
    for i, (args, expected) in enumerate(cases):
        got = results.get(i)
        if got is None:
            out.append(CaseResult(False, error or "no result (the program ended before this test)", args, expected))
        elif "error" in got:
            out.append(CaseResult(False, f"raised {got['error']}", args, expected))
        else:
            same = _same(got.get("value"), _encode(expected), float_tol)
            out.append(CaseResult(same, "passed" if same else f"got {_short(_decode(got.get('value')))}", args, expected,
                                  _decode(got.get("value"))))
    return TestReport(tuple(out), (run,), error)


def run_stdio_tests(sandbox: Any, code: str, cases: Sequence[tuple[str, str]], *, limits: Limits | None = None) -> TestReport:
    """Run ``code`` once per case with the case's stdin; its stdout must equal the expected output
    (trailing spaces on lines and trailing blank lines ignored), and it must exit 0 unstopped."""
    programs = [Program([sandbox.python, "-I", "-S", SOLUTION], {SOLUTION: code}, stdin, limits) for stdin, _ in cases]
    runs = sandbox.map(programs)
    out = []
    for (stdin, expected), run in zip(cases, runs):
        if run.stopped:
            out.append(CaseResult(False, _run_problem(run), stdin, expected, run.stdout[:200]))
        elif run.exit_code != 0:
            out.append(CaseResult(False, f"exited with status {run.exit_code}: {_last_line(run.stderr)}", stdin, expected))
        else:
            same = _lines(run.stdout) == _lines(expected)
            out.append(CaseResult(same, "passed" if same else f"printed {_short(run.stdout)}", stdin, expected, run.stdout[:200]))
    return TestReport(tuple(out), tuple(runs))


# ---- outside the sandbox -------------------------------------------------------------------------


def _results(run: RunResult, secret: str) -> tuple[dict[Any, Any], bool]:
    """Lines carrying the secret, parsed; anything else the program printed is ignored."""
    found: dict[Any, Any] = {}
    started = False
    marker = secret + " "
    for line in run.stdout.split("\n"):
        if not line.startswith(marker):
            continue
        try:
            item = json.loads(line[len(marker):])
        except ValueError:
            continue
        if not isinstance(item, dict):
            continue
        if item.get("started") is True:
            started = True
        elif "load_error" in item:
            found["load_error"] = str(item["load_error"])
        elif isinstance(item.get("i"), int) and item["i"] not in found:  # the first result per test counts
            found[item["i"]] = item
    return found, started


def _encode(v: Any) -> Any:
    """The harness's encoding, for expected values (trusted: plain Python values from task data)."""
    if v is None:
        return ["none"]
    t = type(v)
    if t is bool:
        return ["bool", v]
    if t is int:
        return ["int", str(v)]
    if t is float:
        return ["float", repr(v)]
    if t is str:
        return ["str", v]
    if t in (list, tuple):
        return ["list" if t is list else "tuple", [_encode(x) for x in v]]
    if t is dict:  # in insertion order, as inputs must arrive; compared without order
        return ["dict", [[_encode(k), _encode(x)] for k, x in v.items()]]
    if t in (set, frozenset):
        return ["set", sorted((_encode(x) for x in v), key=json.dumps)]
    raise TypeError(f"expected value of unsupported type {t.__name__}")


def _same(got: Any, want: Any, tol: float) -> bool:
    """Structural equality of two encodings; floats within ``tol`` (relative or absolute); an int
    where a float is expected is accepted (``2`` for ``2.0``), never the other way round."""
    if not isinstance(got, list) or not got or not isinstance(want, list):
        return False
    kind, wkind = got[0], want[0]
    if wkind == "float" and kind in ("float", "int") and len(got) == 2:
        try:
            a, b = float(got[1]), float(want[1])
        except (TypeError, ValueError):
            return False
        if math.isnan(b):
            return math.isnan(a)
        return math.isclose(a, b, rel_tol=tol, abs_tol=tol)
    if kind != wkind or len(got) != len(want):
        return False
    if kind in ("list", "tuple", "set", "dict"):
        items, wants = got[1], want[1]
        if not isinstance(items, list) or len(items) != len(wants):
            return False
        if kind == "dict":  # a dict's order is not part of its value
            try:
                items, wants = sorted(items, key=lambda kv: json.dumps(kv[0])), sorted(wants, key=lambda kv: json.dumps(kv[0]))
            except (TypeError, IndexError):
                return False
            return all(isinstance(g, list) and len(g) == 2 and _same(g[0], w[0], 0.0) and _same(g[1], w[1], tol)
                       for g, w in zip(items, wants))
        return all(_same(g, w, tol) for g, w in zip(items, wants))
    return got == want


def _decode(v: Any) -> Any:
    try:
        kind = v[0]
        if kind == "none":
            return None
        if kind in ("bool", "str"):
            return v[1]
        if kind == "int":
            return int(v[1])
        if kind == "float":
            return float(v[1])
        if kind in ("list", "tuple", "set"):
            items = [_decode(x) for x in v[1]]
            return items if kind == "list" else tuple(items) if kind == "tuple" else set(map(_hashable, items))
        if kind == "dict":
            return {_hashable(_decode(k)): _decode(x) for k, x in v[1]}
    except (TypeError, ValueError, IndexError, KeyError):
        pass
    return "<unreadable>"


def _hashable(v: Any) -> Any:
    try:
        hash(v)
        return v
    except TypeError:
        return repr(v)


def _run_problem(run: RunResult) -> str:
    if run.stopped:
        what = {"timeout": "it ran out of time", "cpu": "it used too much CPU time", "memory": "it ran out of memory",
                "output": "it printed too much", "processes": "it started too many processes",
                "file_size": "it wrote too large a file", "disk": "it filled its disk",
                "signal": "it was killed"}[run.stopped]
        return f"stopped: {what}"
    if run.exit_code not in (0, None):
        return f"exited with status {run.exit_code}: {_last_line(run.stderr)}"
    return ""


def _last_line(text: str) -> str:
    lines = [line for line in text.strip().splitlines() if line.strip()]
    return lines[-1][:300] if lines else ""


def _lines(text: str) -> list[str]:
    lines = [line.rstrip() for line in text.replace("\r\n", "\n").split("\n")]
    while lines and not lines[-1]:
        lines.pop()
    return lines


def _short(v: Any, n: int = 120) -> str:
    s = v if isinstance(v, str) else repr(v)
    s = repr(s) if isinstance(v, str) else s
    return s if len(s) <= n else s[: n - 3] + "..."
