"""The ``python`` tool: run the model's code in envgym's sandbox and show it what the code printed.

Code runs in the default sandbox (``envgym.make_sandbox()``: bubblewrap where installed, else
docker): no network, a private temporary filesystem, the host's Python standard library only (no
site packages), and hard limits on wall time, CPU, memory, processes and output. Each call is a
fresh interpreter: nothing carries over between calls, so a program must print what it wants seen.
The tool therefore has no state of its own: an environment offering it snapshots and forks
(``envgym.snapshot``) without copying anything for it.

The sandbox is created on the first call and shared by every ``python`` tool of the process (a
forked child makes its own); it is closed when the process exits, or earlier by
``close_shared_sandbox`` (environments that offer the tool call it from ``close()``). A machine
with no sandbox backend gets an error message back, never an unsandboxed run.

The result is stdout when the program exits cleanly (with stderr after it, if any); otherwise it
starts with ``Error:`` and says why (the exception, a timeout, a limit), followed by what the
program printed before that. It is cut at ``MAX_OUTPUT_CHARS``. The tool never raises.
"""

from __future__ import annotations

import atexit
import os
import threading
from typing import Any

from envgym.tools.base import Tool

WALL_S = 5.0
MEMORY_MB = 512
MAX_OUTPUT_CHARS = 2000
_OUTPUT_BYTES = 64 << 10  # what the sandbox keeps of stdout and of stderr; more stops the run
_START_MARGIN_S = 10.0  # on top of the run's wall time: a cold sandbox's first start-up

_STOPPED = {
    "timeout": "timed out after {wall_s:g} s",
    "cpu": "used more than its CPU time limit",
    "memory": "ran out of memory (limit {memory_mb} MiB)",
    "output": "printed more than the output limit; print less",
    "processes": "started too many processes or threads",
    "file_size": "wrote a file larger than the limit",
    "disk": "filled its disk space; write less",
    "signal": "was killed by a signal",
}

_lock = threading.Lock()
_sandbox: Any = None
_sandbox_pid = 0
_closes_at_exit = False


def shared_sandbox() -> Any:
    """The process's sandbox for tool code, created on first use and closed at exit."""
    global _sandbox, _sandbox_pid, _closes_at_exit
    with _lock:
        if _sandbox is None or _sandbox_pid != os.getpid():  # a forked child must not share its parent's
            import envgym

            _sandbox = envgym.make_sandbox(output_bytes=_OUTPUT_BYTES)
            _sandbox_pid = os.getpid()
            if not _closes_at_exit:
                atexit.register(close_shared_sandbox)
                _closes_at_exit = True
        return _sandbox


def close_shared_sandbox() -> None:
    """Close the process's tool sandbox now, ending its warm processes; the next run opens a new one.

    Environments call it from ``close()``. A run in flight in another thread is killed with it.
    """
    global _sandbox
    with _lock:
        box, _sandbox = _sandbox, None
        if box is not None and _sandbox_pid == os.getpid():  # never a parent's, from a forked child
            box.close()



def make_python_tool(*, wall_s: float = WALL_S, memory_mb: int = MEMORY_MB, name: str = "python") -> Tool:
    """A python tool with its own limits (each run passes them to the shared sandbox).

    wall_s: seconds a program may run before it is killed.
    memory_mb: address space the program may use, in MiB.
    """

    def run_python(code: str) -> str:
        """Run a Python 3 program in a sandbox and return what it printed.

        Each call starts a fresh interpreter with the standard library only (no third-party
        packages, no network, no files from earlier calls): print every result you need.

        Args:
            code: The complete program, e.g. "print(sum(k**2 for k in range(1, 101)))".
        """
        return run_code(code, wall_s=wall_s, memory_mb=memory_mb)

    return Tool.from_function(run_python, name=name, timeout_s=wall_s + _START_MARGIN_S)


def run_code(code: str, *, wall_s: float = WALL_S, memory_mb: int = MEMORY_MB,
             max_chars: int = MAX_OUTPUT_CHARS) -> str:
    """Run ``code`` in the shared sandbox; the text the model reads (see the module docstring)."""
    if not isinstance(code, str):
        return f"Error: the code must be a string, got {type(code).__name__}"
    if not code.strip():
        return "Error: the code is empty"
    try:
        box = shared_sandbox()
        result = box.run_python(code, wall_s=wall_s, cpu_s=wall_s + 1, memory_mb=memory_mb)  # the wall clock stops it first
    except Exception as exc:  # noqa: BLE001 - no sandbox here, or it failed to start: told, never raised
        return f"Error: the sandbox could not run the code ({type(exc).__name__}: {exc})"
    if result.ok:
        text = result.stdout if not result.stderr else f"{result.stdout}\n[stderr]\n{result.stderr}"
        return _cut(text, max_chars) if text.strip() else "(the program printed nothing: use print() to see a value)"
    if result.stopped is not None:
        why = _STOPPED.get(result.stopped, result.stopped).format(wall_s=wall_s, memory_mb=memory_mb)
    elif result.exit_code is None:
        why = "the program did not start"
    else:
        why = f"the program exited with code {result.exit_code}"
    parts = [f"Error: {why}"]
    if result.stderr.strip():
        parts.append(_tail(result.stderr.strip(), max_chars // 2))  # a traceback's last lines say what failed
    if result.stdout.strip():
        parts.append(f"[stdout before the error]\n{result.stdout.strip()}")
    return _cut("\n".join(parts), max_chars)


def _cut(text: str, max_chars: int) -> str:
    if len(text) <= max_chars:
        return text
    return f"{text[:max_chars]}\n[output cut: showing {max_chars} of {len(text)} characters]"


def _tail(text: str, max_chars: int) -> str:
    return text if len(text) <= max_chars else f"[...]\n{text[-max_chars:]}"


python = make_python_tool()
"""The default ``python`` tool: 5 s and 512 MiB per run."""
