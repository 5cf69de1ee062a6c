"""``envgym serve`` in a child process, for scripts and tests that need a server for a while.

    with ServerProcess(["envgym/GuessNumber-v0"]) as server:
        EnvgymClient(base_url=server.url_for("envgym/GuessNumber-v0"))

The server listens on a free port of 127.0.0.1 (``--port 0``) and prints where; ``close`` (or
leaving the ``with``) stops it with SIGTERM and waits, so no server outlives its owner.
"""

from __future__ import annotations

import re
import subprocess
import sys
import tempfile
import threading
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from envgym.errors import EnvgymError

_SERVING = re.compile(r"^serving (\S+) at (http://\S+)/\1")


class ServerProcess:
    """A running ``envgym serve ENV_IDS --port 0`` (see the module docstring). args: more flags,
    e.g. ``["--kw", "difficulty=2", "--max-sessions", "2000"]``."""

    def __init__(self, env_ids: Sequence[str], args: Sequence[str] = (), *, env: Mapping[str, str] | None = None,
                 start_timeout_s: float = 60.0) -> None:
        command = [sys.executable, "-m", "envgym.cli", "serve", *env_ids, "--port", "0", *args]
        self._stderr = tempfile.TemporaryFile("w+")  # a file, not a pipe: a chatty server never blocks on it
        self.process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=self._stderr, text=True,
                                        env=None if env is None else dict(env))
        self.url = self._wait_for_url(len(env_ids), start_timeout_s)
        self.pid = self.process.pid

    def _wait_for_url(self, count: int, timeout_s: float) -> str:
        found: list[str] = []
        done = threading.Event()

        def read() -> None:  # and keep reading, so the server never blocks on a full pipe
            for line in self.process.stdout:
                match = _SERVING.match(line)
                if match:
                    found.append(match[2])
                    if len(found) == count:
                        done.set()
            done.set()

        self._reader = threading.Thread(target=read, daemon=True)
        self._reader.start()
        if not done.wait(timeout_s) or len(found) < count:
            self.close()
            raise EnvgymError(f"envgym serve did not start within {timeout_s:g}s (exit status "
                              f"{self.process.returncode}): {self.stderr_tail()}")
        return found[0]

    def url_for(self, env_id: str) -> str:
        return f"{self.url}/{env_id}"

    def rss_mb(self) -> float:
        """The server's resident memory in MiB (Linux's /proc)."""
        for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
        raise EnvgymError(f"no VmRSS for process {self.pid}")

    def stderr_tail(self, chars: int = 2000) -> str:
        """The end of what the server wrote to stderr (its errors and warnings)."""
        self._stderr.seek(0)
        return self._stderr.read()[-chars:].strip()

    def close(self, timeout_s: float = 15.0) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout_s)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._reader.join(timeout_s)  # it ends at the closed pipe's end of file
        self.process.stdout.close()

    def __enter__(self) -> ServerProcess:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()
