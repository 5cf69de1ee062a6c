"""Harbor tasks read from disk: one directory per task, in Harbor's (Terminal-Bench 2's) layout.

    <task>/
      instruction.md        what the agent is asked to do (its whole prompt)
      task.toml             version, [metadata], [verifier] timeout_sec, [agent] timeout_sec,
                            [environment] build_timeout_sec, cpus, memory_mb, storage_mb, ...
      environment/          the build context: a Dockerfile and the files it copies
      tests/test.sh         the verifier: writes /logs/verifier/reward.txt (or reward.json)
      tests/...             anything test.sh uses (test_*.py for pytest, expected outputs)
      solution/solve.sh     the oracle: a shell script that solves the task (optional in Harbor)

The Dockerfile is not built. ``read_dockerfile`` runs the part of it that only places files:
``WORKDIR`` and ``COPY``/``ADD`` of files from ``environment/`` into the working directory; ``FROM``
is read (the host's ``/usr`` stands in for the image) and ``LABEL``, ``EXPOSE``, ``CMD``,
``ENTRYPOINT``, ``ARG``, ``HEALTHCHECK``, ``STOPSIGNAL``, ``MAINTAINER`` change no file, so they are
passed over. Anything else (``RUN``, ``ENV``, ``USER``, ...) makes the task unsupported, and loading
it raises an error naming the task, the line and the instruction.
"""

from __future__ import annotations

import fnmatch
import math
import posixpath
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from envgym_repo.workspace import MAX_FILE_BYTES, MAX_TREE_BYTES, MAX_TREE_FILES

PASSED_OVER = {"FROM", "LABEL", "EXPOSE", "CMD", "ENTRYPOINT", "ARG", "HEALTHCHECK", "STOPSIGNAL", "MAINTAINER"}
SYSTEM_TOPS = {"", "usr", "bin", "lib", "lib64", "sbin", "etc", "proc", "dev", "tmp", "var", "harness", "tests",
               "logs", "solution", "sys"}
DEFAULT_WORKDIR = "/app"
DEFAULT_VERIFIER_S = 60.0
SKIPPED = ("__pycache__", ".pytest_cache", ".git", ".DS_Store")


class HarborTaskError(ValueError):
    """A task directory that is not a Harbor task this environment can run; the message names the
    task, the file and the fix."""


@dataclass(frozen=True)
class HarborTask:
    """One task: its instruction, the working directory's files as the Dockerfile leaves them, the
    verifier's files, the oracle, and task.toml's settings."""

    name: str
    instruction: str
    workdir: str
    files: Mapping[str, bytes]
    tests: Mapping[str, bytes]
    solution: str | None
    verifier_timeout_s: float
    agent_timeout_s: float | None
    metadata: Mapping[str, Any] = field(default_factory=dict)
    image: str | None = None


def _tree(root: Path) -> dict[str, bytes]:
    files = {}
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root).as_posix()
        if path.is_file() and not any(part in SKIPPED for part in rel.split("/")):
            files[rel] = path.read_bytes()
    return files


def _logical_lines(text: str) -> list[tuple[int, str]]:
    """The Dockerfile's instructions with their first line numbers: comments dropped, ``\\``
    continuations joined."""
    lines, pending, start = [], "", 0
    for number, raw in enumerate(text.splitlines(), 1):
        stripped = raw.strip()
        if not pending and (not stripped or stripped.startswith("#")):
            continue
        if not pending:
            start = number
        if stripped.endswith("\\"):
            pending += stripped[:-1] + " "
            continue
        lines.append((start, pending + stripped))
        pending = ""
    if pending.strip():
        lines.append((start, pending))
    return lines


def read_dockerfile(name: str, context: Path) -> tuple[str, dict[str, bytes], str | None]:
    """The working directory, its files (relative to it) and the base image, from ``context``'s
    Dockerfile (see the module docstring for what is supported). Paths resolve as Docker resolves
    them (from ``/`` until a ``WORKDIR``); the working directory is the last ``WORKDIR``
    (``/app`` when there is none), and every file must land inside it."""
    dockerfile = context / "Dockerfile"
    workdir, placed, image = None, {}, None
    if not dockerfile.is_file():
        return DEFAULT_WORKDIR, {}, None
    built = _tree(context)
    for number, line in _logical_lines(dockerfile.read_text()):
        keyword, _, rest = line.partition(" ")
        keyword, rest = keyword.upper(), rest.strip()
        where = f"Harbor task {name!r}: environment/Dockerfile line {number} ({line[:60]!r})"
        if keyword in PASSED_OVER:
            image = rest.split()[0] if keyword == "FROM" and rest else image
            continue
        if "$" in rest:
            raise HarborTaskError(f"{where}: variable substitution is not supported; write the value out")
        if keyword == "WORKDIR":
            workdir = posixpath.normpath(posixpath.join(workdir or "/", rest))
            if workdir.split("/")[1] in SYSTEM_TOPS:
                raise HarborTaskError(f"{where}: the working directory must not be {workdir} (a system path here); "
                                      "use a directory of its own such as /app")
        elif keyword in ("COPY", "ADD"):
            for path, data in _copy(where, keyword, rest.split(), built, workdir or "/").items():
                placed[path] = (data, where)
        else:
            raise HarborTaskError(
                f"{where}: {keyword} is not supported: envgym/Harbor-v0 does not build images (it runs tasks in "
                "bubblewrap on the host's system, offline). Supported: WORKDIR and COPY/ADD of files from "
                "environment/ into the working directory. Drop the instruction if the task does not need it, "
                "or run this task with Harbor itself")
    workdir = workdir or DEFAULT_WORKDIR
    files = {}
    for path, (data, where) in placed.items():
        if not path.startswith(workdir + "/"):
            raise HarborTaskError(f"{where}: it copies to {path}, outside the working directory {workdir}; only "
                                  "the working directory is carried into the sandbox")
        files[path[len(workdir) + 1:]] = data
    return workdir, files, image


def _under(name: str, pattern: str) -> str | None:
    """Where ``name`` (a build-context file) lies under the entry that ``pattern`` (a COPY source)
    matches: "" when it is that entry, its path inside a matched folder, None when not matched.

    >>> _under("a/b/c.txt", "a"), _under("a/b/c.txt", "a/*"), _under("x.py", "*.py"), _under("a/x.py", "*.py")
    ('b/c.txt', 'c.txt', '', None)
    """
    if not pattern:
        return name
    parts, depth = name.split("/"), pattern.count("/") + 1
    head = "/".join(parts[:depth])
    if len(parts) < depth or not fnmatch.fnmatchcase(head, pattern):
        return None
    return "/".join(parts[depth:])


def _copy(where: str, keyword: str, words: Sequence[str], built: Mapping[str, bytes], cwd: str) -> dict[str, bytes]:
    """The files one ``COPY``/``ADD`` places, by absolute path (``cwd``: the WORKDIR then)."""
    flags = [w for w in words if w.startswith("--")]
    if any(f.startswith("--from") for f in flags) or (words and words[0].startswith("[")):
        raise HarborTaskError(f"{where}: only the plain form `{keyword} src... dest` from the build context is supported")
    args = [w for w in words if not w.startswith("--")]
    if len(args) < 2:
        raise HarborTaskError(f"{where}: {keyword} needs a source and a destination")
    *sources, dest = args
    target = posixpath.normpath(posixpath.join(cwd, dest))
    into_folder = dest.endswith("/") or len(sources) > 1 or dest in (".", "./")
    placed = {}
    for source in sources:
        if "://" in source or (keyword == "ADD" and source.endswith((".tar", ".tar.gz", ".tgz", ".tar.xz"))):
            raise HarborTaskError(f"{where}: ADD of URLs and archives is not supported; COPY plain files instead")
        pattern = posixpath.normpath(source).lstrip("/")
        pattern = "" if pattern == "." else pattern
        found = False
        for name, data in built.items():
            inside = _under(name, pattern)
            if inside is None:
                continue
            found = True
            if inside:  # a folder's contents go into the destination
                placed[posixpath.join(target, inside)] = data
            else:  # a file: into the destination folder, or as the destination
                placed[posixpath.join(target, posixpath.basename(name)) if into_folder else target] = data
        if not found:
            raise HarborTaskError(f"{where}: no file {source!r} in environment/")
    return placed


def load_task(folder: str | Path) -> HarborTask:
    """Read one Harbor task directory; ``HarborTaskError`` says what is missing or unsupported."""
    folder = Path(folder)
    name = folder.name
    if not folder.is_dir():
        raise HarborTaskError(f"Harbor task {str(folder)!r}: not a directory")
    for required in ("instruction.md", "task.toml", "tests/test.sh"):
        if not (folder / required).is_file():
            raise HarborTaskError(f"Harbor task {name!r} ({folder}): {required} is missing; a Harbor task holds "
                                  "instruction.md, task.toml, environment/, tests/test.sh and solution/solve.sh")
    instruction = (folder / "instruction.md").read_text().strip()
    if not instruction:
        raise HarborTaskError(f"Harbor task {name!r}: instruction.md is empty")
    try:
        config = tomllib.loads((folder / "task.toml").read_text())
    except tomllib.TOMLDecodeError as e:
        raise HarborTaskError(f"Harbor task {name!r}: task.toml is not valid TOML: {e}") from e
    environment = config.get("environment", {})
    if (folder / "environment" / "docker-compose.yaml").exists() or (folder / "environment" / "docker-compose.yml").exists():
        raise HarborTaskError(f"Harbor task {name!r}: multi-container tasks (environment/docker-compose.yaml) are not "
                              "supported")
    if environment.get("docker_image") and not (folder / "environment" / "Dockerfile").is_file():
        raise HarborTaskError(f"Harbor task {name!r}: task.toml names a prebuilt image ({environment['docker_image']}), "
                              "which is not pulled here; give environment/Dockerfile instead")
    workdir, files, image = read_dockerfile(name, folder / "environment")
    if len(files) > MAX_TREE_FILES or sum(map(len, files.values())) > MAX_TREE_BYTES:
        raise HarborTaskError(f"Harbor task {name!r}: the working directory holds more than {MAX_TREE_FILES} files or "
                              f"{MAX_TREE_BYTES >> 20} MiB")
    big = [n for n, d in files.items() if len(d) > MAX_FILE_BYTES]
    if big:
        raise HarborTaskError(f"Harbor task {name!r}: {big[0]} is over {MAX_FILE_BYTES >> 10} KiB, the largest file "
                              "the working copy keeps")
    solve = folder / "solution" / "solve.sh"
    return HarborTask(name, instruction, workdir, files, _tree(folder / "tests"),
                      solve.read_text() if solve.is_file() else None,
                      _seconds(name, config, "verifier") or DEFAULT_VERIFIER_S, _seconds(name, config, "agent"),
                      dict(config.get("metadata", {})), image or environment.get("docker_image"))


def _seconds(name: str, config: Mapping[str, Any], section: str) -> float | None:
    value = config.get(section, {}).get("timeout_sec")
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value) or value <= 0:
        raise HarborTaskError(f"Harbor task {name!r}: [{section}] timeout_sec must be a positive number, got {value!r}")
    return float(value)


def load_tasks(path: str | Path | None = None) -> tuple[HarborTask, ...]:
    """Every task under ``path`` (a directory of task directories, or one task directory); the
    tasks shipped with this package when ``path`` is None."""
    if path is None:
        return _shipped()
    root = Path(path).expanduser()
    if not root.is_dir():
        raise HarborTaskError(f"envgym/Harbor-v0: path={str(path)!r} is not a directory of Harbor tasks")
    if (root / "task.toml").is_file():
        return (load_task(root),)
    folders = sorted(d for d in root.iterdir() if d.is_dir() and not d.name.startswith((".", "_")))
    if not folders:
        raise HarborTaskError(f"envgym/Harbor-v0: {root} holds no task directories")
    return tuple(load_task(d) for d in folders)


@cache
def _shipped() -> tuple[HarborTask, ...]:
    return load_tasks(Path(str(resources.files("envgym_harbor") / "data")))
