"""A hard time bound for calls that may not finish: run them in a worker process, kill it on overrun.

A signal alarm only works in the main thread and cannot interrupt a long C call (a huge integer
power, a regex); a thread cannot be killed at all. A process can, from any thread of any
process, so this is the bound envgym relies on for verifiers that do open-ended work (sympy).

Workers are plain ``python -c`` subprocesses speaking pickled messages over two pipes, started
once and reused: a call costs a pickle and a pipe round trip. They are deliberately not
``multiprocessing`` children, which re-run the caller's main script on start-up and so break
scripts without an ``if __name__ == "__main__":`` guard. A worker that overruns is killed and
a replacement starts at once, so it is warm by the next call. Workers preload ``PRELOAD`` and
see the caller's ``sys.path``; a callable sent to them must be importable by module name (not
defined in the main script). A worker exits when its caller closes the pipe or exits.
"""

from __future__ import annotations

import importlib
import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import Any

PRELOAD = ("envgym.verify.math", "envgym.verify.mathsympy", "sympy")


class CallTimeout(Exception):
    """The call did not finish within its bound; its worker was killed."""


def serve(read_fd: int, write_fd: int) -> None:
    """The worker's loop: receive (fn, args), send (ok, value)."""
    inbox, outbox = Connection(read_fd, writable=False), Connection(write_fd, readable=False)
    threading.Thread(target=_exit_with_parent, args=(os.getppid(),), daemon=True).start()
    for name in PRELOAD:
        try:
            importlib.import_module(name)
        except ImportError:
            pass
    try:
        outbox.send("ready")
    except OSError:  # the caller is gone already
        return
    while True:
        try:
            fn, args = inbox.recv()
        except (EOFError, OSError):
            return
        try:
            result = (True, fn(*args))
        except BaseException as exc:  # noqa: BLE001 - reported to the caller, never raised here
            result = (False, f"{type(exc).__name__}: {exc}")
        try:
            outbox.send(result)
        except OSError:  # the caller is gone
            return


def _exit_with_parent(parent: int) -> None:
    """End the worker once its caller is gone. A caller killed while the worker computes (a test
    run cut by its timeout, kill -9) never sends the kill its time bound would: the worker would
    compute on as an orphan, holding a core, for as long as the computation lasts."""
    while os.getppid() == parent:
        time.sleep(0.5)
    os._exit(0)


class _Worker:
    def __init__(self) -> None:
        to_child_r, to_child_w = os.pipe()
        from_child_r, from_child_w = os.pipe()
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)}
        code = f"from envgym.verify.bounded import serve; serve({to_child_r}, {from_child_w})"
        self.process = subprocess.Popen(
            [sys.executable, "-c", code], pass_fds=(to_child_r, from_child_w), env=env,
            stdin=subprocess.DEVNULL, start_new_session=True,
        )
        os.close(to_child_r)
        os.close(from_child_w)
        self.outbox = Connection(to_child_w, readable=False)
        self.inbox = Connection(from_child_r, writable=False)
        self.ready = False

    def wait_ready(self, timeout_s: float) -> bool:
        """Wait up to ``timeout_s`` for the worker to start (import its modules); whether it has."""
        if not self.ready:
            if not self.inbox.poll(max(0.0, timeout_s)):
                return False
            if self.inbox.recv() != "ready":
                raise OSError("bounded worker sent a bad greeting")
            self.ready = True
        return True

    def alive(self) -> bool:
        return self.process.poll() is None

    def kill(self) -> None:
        """Kill at once; reap in the background (a worker holding gigabytes takes a while to exit)."""
        self.process.kill()
        self.outbox.close()
        self.inbox.close()
        threading.Thread(target=self.process.wait, daemon=True, name="envgym-reap").start()


class BoundedRunner:
    """Runs ``fn(*args)`` in a reusable worker process with a wall-clock bound.

    Thread-safe: concurrent callers each take an idle worker (up to ``max_workers``).
    The callable and its arguments must pickle (module-level functions, dataclasses).
    """

    def __init__(self, max_workers: int = 4) -> None:
        self._idle: list[_Worker] = []
        self._slots = threading.BoundedSemaphore(max_workers)
        self._lock = threading.Lock()
        self._pid = os.getpid()

    def call(self, fn: Callable[..., Any], args: tuple[Any, ...], timeout_s: float, startup_s: float = 60.0,
             deadline: float | None = None) -> Any:
        """Return ``fn(*args)``; raise CallTimeout on overrun, RuntimeError if it raised.

        startup_s: how long a new worker may take to start (import sympy) before the call's clock runs.
        deadline: a ``time.monotonic()`` instant by which the whole call, a worker's start included,
            must be done (then ``timeout_s`` and ``startup_s`` are not used): the bound a caller
            states for its own total time. A worker still starting at the deadline is kept for the
            next call, not killed. Time spent waiting for a free worker (more concurrent callers
            than ``max_workers``) is queueing and is not counted.
        """
        if os.getpid() != self._pid:  # a forked copy: the workers it lists belong to the parent
            self._idle, self._pid = [], os.getpid()
        with self._slots:
            with self._lock:
                worker = self._idle.pop() if self._idle else None
            if worker is None or not worker.alive():
                worker = _Worker()
            try:
                if not worker.wait_ready(startup_s if deadline is None else deadline - time.monotonic()):
                    if deadline is None:
                        worker.kill()
                        raise RuntimeError(f"bounded worker did not start within {startup_s:g}s")
                    with self._lock:
                        self._idle.append(worker)  # still starting: warm for a later call
                    raise CallTimeout(f"no worker ready within the {timeout_s:g}s bound")
                if deadline is not None:
                    timeout_s = deadline - time.monotonic()
                worker.outbox.send((fn, args))
                ready = worker.inbox.poll(max(0.0, timeout_s))
                if ready:
                    ok, value = worker.inbox.recv()
            except (EOFError, OSError) as exc:
                worker.kill()
                raise RuntimeError(f"bounded worker died: {exc}") from exc
            if not ready:
                worker.kill()
                with self._lock:
                    self._idle.append(_Worker())  # warm by the next call
                raise CallTimeout(f"no result within {timeout_s:g}s")
            with self._lock:
                self._idle.append(worker)
        if not ok:
            raise RuntimeError(value)
        return value

    def close(self) -> None:
        with self._lock:
            workers, self._idle = self._idle, []
        for w in workers:
            w.kill()


_default: BoundedRunner | None = None
_default_lock = threading.Lock()


def default_runner() -> BoundedRunner:
    """The process-wide runner, created on first use (never at import)."""
    global _default
    with _default_lock:
        if _default is None or _default._pid != os.getpid():
            _default = BoundedRunner()
        return _default
