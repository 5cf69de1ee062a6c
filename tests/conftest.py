"""Shared helpers: real package installs into a private folder, and the real `envgym` command."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

BIN = Path(sys.executable).parent


def pip_install_target(target: Path, *packages: Path) -> None:
    """pip-install packages (no deps, no network) into ``target``, as a user's site-packages."""
    cmd = [sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--no-build-isolation",
           "--no-index", "--target", str(target), *map(str, packages)]
    subprocess.run(cmd, check=True, capture_output=True, text=True)


def envgym_cli(*args: str, pythonpath: Path | None = None, env: dict | None = None, cwd: Path | None = None):
    """Run the installed `envgym` console script in a fresh process."""
    environ = {**os.environ, **(env or {})}
    if pythonpath is not None:
        environ["PYTHONPATH"] = str(pythonpath)
    return subprocess.run([str(BIN / "envgym"), *args], capture_output=True, text=True, env=environ,
                          cwd=cwd, timeout=300)


def write_package(root: Path, dist: str, module: str, files: dict[str, str], entry_point: str | None = None,
                  dependencies: tuple[str, ...] = ()) -> Path:
    """A minimal pip-installable package: an ``envgym`` entry point when given, and its dependencies."""
    pkg = root / dist
    (pkg / module).mkdir(parents=True)
    lines = ["[build-system]", 'requires = ["setuptools>=64"]', 'build-backend = "setuptools.build_meta"',
             "[project]", f'name = "{dist}"', 'version = "0.0.1"', f"dependencies = {json.dumps(list(dependencies))}"]
    if entry_point:
        lines += ["[project.entry-points.envgym]", entry_point]
    lines += ["[tool.setuptools]", f'packages = ["{module}"]']
    (pkg / "pyproject.toml").write_text("\n".join(lines) + "\n")
    for name, text in files.items():
        (pkg / module / name).write_text(textwrap.dedent(text))
    return pkg


@pytest.fixture
def arithmetic():
    import envgym

    return envgym.make("envgym/Arithmetic-v0")


@pytest.fixture(autouse=True, scope="module")
def no_sandbox_processes_outlive_a_module():
    """After each test module, nothing may still run as this process's sandbox uids: a sandbox or
    environment a test forgot to close is ended by its finalizer, and a process that survives even
    that is a leak (it would also show up in the next module's leftover checks)."""
    yield
    import gc
    import time

    from envgym.sandbox.base import is_root, sandbox_processes
    from envgym.tools.python import close_shared_sandbox

    if not is_root():
        return
    close_shared_sandbox()
    gc.collect()
    deadline = time.monotonic() + 3.0
    while sandbox_processes() and time.monotonic() < deadline:
        time.sleep(0.05)
    left = sandbox_processes()
    assert not left, f"sandbox processes outlived the module: {left}"
