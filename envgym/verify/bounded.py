"""A hard time bound for calls that may not finish: run them in a child process, kill it on overrun.

A signal alarm only works in the main thread and cannot interrupt a long C call (a huge integer
power, a regex); a thread cannot be killed at all. A process can, from any thread of any
process, so this is the bound envgym relies on for verifiers that do open-ended work (sympy).

Workers are started once through the ``forkserver`` context (safe when the caller has threads)
and reused: a call costs a pickle and a pipe round trip, not a process start. A worker that
overruns is killed and replaced on the next call.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import threading
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import Any


class CallTimeout(Exception):
    """The call did not finish within its bound; its worker was killed."""


def _serve(conn: Connection) -> None:
    while True:
        try:
            fn, args = conn.recv()
        except (EOFError, OSError):
            return
        try:
            conn.send((True, fn(*args)))
        except BaseException as exc:  # noqa: BLE001 - reported to the caller, never raised here
            conn.send((False, f"{type(exc).__name__}: {exc}"))


class _Worker:
    def __init__(self, ctx: mp.context.BaseContext) -> None:
        self.conn, child = ctx.Pipe()
        self.process = ctx.Process(target=_serve, args=(child,), daemon=True, name="envgym-bounded")
        self.process.start()
        child.close()

    def kill(self) -> None:
        self.process.kill()
        self.process.join(timeout=5)
        self.conn.close()


class BoundedRunner:
    """Runs ``fn(*args)`` in a reusable worker process with a wall-clock bound.

    Thread-safe: concurrent callers each take an idle worker (up to ``max_workers``).
    The callable and its arguments must pickle (module-level functions, dataclasses).
    """

    def __init__(self, max_workers: int = 4, start_method: str = "forkserver") -> None:
        self._ctx = mp.get_context(start_method)
        self._idle: list[_Worker] = []
        self._slots = threading.BoundedSemaphore(max_workers)
        self._lock = threading.Lock()
        self._pid = os.getpid()

    def call(self, fn: Callable[..., Any], args: tuple[Any, ...], timeout_s: float) -> Any:
        """Return ``fn(*args)``; raise CallTimeout on overrun, RuntimeError if it raised."""
        if os.getpid() != self._pid:  # a forked copy: the workers it lists belong to the parent
            self._idle, self._pid = [], os.getpid()
        with self._slots:
            with self._lock:
                worker = self._idle.pop() if self._idle else None
            if worker is None or not worker.process.is_alive():
                worker = _Worker(self._ctx)
            try:
                worker.conn.send((fn, args))
                ready = worker.conn.poll(timeout_s)
                if ready:
                    ok, value = worker.conn.recv()
            except (EOFError, OSError, BrokenPipeError) as exc:
                worker.kill()
                raise RuntimeError(f"bounded worker died: {exc}") from exc
            if not ready:
                worker.kill()
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
