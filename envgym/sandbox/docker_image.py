"""The docker sandbox's image: the host's system Python, its standard library and the libraries
they link, in a ``FROM scratch`` image built offline (never pulled), once per machine and Python.
"""

from __future__ import annotations

import glob
import hashlib
import io
import json
import logging
import os
import shutil
import subprocess
import tarfile
import tempfile
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from envgym.errors import EnvgymError

log = logging.getLogger(__name__)

IMAGE_REPO = "envgym-sandbox"
LABEL = "envgym.sandbox"
INNER_UID = 1000  # the program's uid; the trusted processes run as root
WORK, HARNESS = "/work", "/harness"
STDLIB_SKIP = ("test", "idlelib", "tkinter", "turtledemo", "ensurepip", "lib2to3", "config-")
LAYOUT_VERSION = 1  # bump when the image's layout changes without its file list changing


@dataclass(frozen=True)
class Entry:
    """One path of the image's root filesystem."""

    path: str
    kind: Literal["file", "dir", "link", "data"]
    mode: int = 0o755
    source: str = ""
    """The host file copied (``file``), the link's target (``link``) or the text (``data``)."""

    def fingerprint(self) -> list[Any]:
        if self.kind == "file":
            st = os.stat(self.source)
            return [self.path, self.kind, self.mode, st.st_size, int(st.st_mtime)]
        return [self.path, self.kind, self.mode, self.source]


def rootfs_entries(python: str = "/usr/bin/python3", *, programs: Sequence[str] = (),
                   trees: Sequence[str] = ()) -> list[Entry]:
    """The system Python at ``python``, its standard library, the libraries they link, and the
    few directories and files a sandbox needs; sorted so parents come first.

    ``programs``: host programs (names looked up on ``PATH``, e.g. ``sh``, ``grep``) added under
    ``/usr/bin`` with the libraries they link; a name the host lacks is left out. ``trees``: host
    directories copied in at the same path (read-only, as the whole root filesystem is)."""
    real = os.path.realpath(python)
    if not os.path.isfile(real):
        raise EnvgymError(f"the docker sandbox copies the system Python into its image, but {python} does not exist: "
                          "apt-get install python3")
    version = os.path.basename(real)  # python3.11
    stdlib = f"/usr/lib/{version}"
    entries: dict[str, Entry] = {}

    def add(entry: Entry) -> None:
        parent = os.path.dirname(entry.path)
        while parent != "/" and parent not in entries:
            entries[parent] = Entry(parent, "dir")
            parent = os.path.dirname(parent)
        entries[entry.path] = entry

    add(Entry(real, "file", 0o755, real))
    add(Entry("/usr/bin/python3", "link", 0o777, version))
    binaries = [real, *program_entries(programs, add)]
    modules = [m for m in glob.glob(f"{stdlib}/lib-dynload/*.so") if not os.path.basename(m).startswith(("_test", "xx"))]
    for lib in shared_libraries([*binaries, *modules]):
        where = os.path.join(os.path.realpath(os.path.dirname(lib)), os.path.basename(lib))
        target = os.path.realpath(lib)
        add(Entry(target, "file", 0o755, target))
        if where != target:
            add(Entry(where, "link", 0o777, os.path.basename(target) if os.path.dirname(where) == os.path.dirname(target) else target))
    for root, dirs, files in os.walk(stdlib):
        dirs[:] = sorted(d for d in dirs if not (root == stdlib and d.startswith(STDLIB_SKIP)))
        for name in sorted(files):
            path = os.path.join(root, name)
            if os.path.islink(path):
                resolved = os.path.realpath(path)
                if resolved.startswith(stdlib + "/") and os.path.isfile(resolved):  # skip links out of the stdlib
                    add(Entry(path, "link", 0o777, os.readlink(path)))
            elif os.path.isfile(path):
                add(Entry(path, "file", 0o644, path))
    for tree in trees:
        for entry in tree_entries(tree):
            add(entry)
    for link, target in {"/bin": "usr/bin", "/lib": "usr/lib", "/lib64": "usr/lib64"}.items():
        add(Entry(link, "link", 0o777, target))
    add(Entry("/etc/passwd", "data", 0o644, f"root:x:0:0:root:/:/nonexistent\n"
                                              f"sandbox:x:{INNER_UID}:{INNER_UID}:sandbox:{WORK}:/nonexistent\n"))
    add(Entry("/etc/group", "data", 0o644, f"root:x:0:\nsandbox:x:{INNER_UID}:\n"))
    add(Entry("/tmp", "dir", 0o1777))
    for d in (WORK, HARNESS, "/proc", "/dev", "/sys"):
        add(Entry(d, "dir", 0o755))
    return sorted(entries.values(), key=lambda e: e.path)


def program_entries(names: Sequence[str], add: Any) -> list[str]:
    """``add`` each host program of ``names`` found on ``PATH`` as ``/usr/bin/<name>`` (a link to
    the real file when the host's is one, as ``sh`` -> ``dash``); the real files that are ELF
    binaries, whose libraries the image needs too."""
    binaries = []
    for name in names:
        found = shutil.which(name, path="/usr/bin:/bin")
        if found is None:
            continue
        real = os.path.realpath(found)
        add(Entry(real, "file", 0o755, real))
        if os.path.join("/usr/bin", name) != real:
            add(Entry(os.path.join("/usr/bin", name), "link", 0o777, real))
        with open(real, "rb") as f:
            if f.read(4) == b"\x7fELF":
                binaries.append(real)
    return binaries


def tree_entries(top: str) -> list[Entry]:
    """A host directory, its files and links, at the same path (compiled ``.pyc`` files too: their
    sources keep their modification times, so they stay valid)."""
    top = os.path.abspath(top)
    if not os.path.isdir(top):
        raise EnvgymError(f"the docker sandbox copies {top} into its image, but it is not a directory")
    entries = [Entry(top, "dir")]
    for root, dirs, files in os.walk(top):
        for name in sorted(dirs) + sorted(files):
            path = os.path.join(root, name)
            if os.path.islink(path):
                entries.append(Entry(path, "link", 0o777, os.readlink(path)))
            elif os.path.isdir(path):
                entries.append(Entry(path, "dir"))
            elif os.path.isfile(path):
                entries.append(Entry(path, "file", 0o755 if os.access(path, os.X_OK) else 0o644, path))
    return entries


def shared_libraries(binaries: Sequence[str]) -> set[str]:
    """Every library (and the dynamic loader) that ``ldd`` lists for ``binaries``."""
    try:
        out = subprocess.run(["ldd", *binaries], capture_output=True, text=True, check=True, timeout=60).stdout
    except (OSError, subprocess.SubprocessError) as e:
        raise EnvgymError(f"the docker sandbox needs ldd to find the libraries Python links (apt-get install libc-bin): {e}") from e
    libs = set()
    for line in out.splitlines():
        words = line.split()
        if "=>" in words and len(words) > words.index("=>") + 1 and words[words.index("=>") + 1].startswith("/"):
            libs.add(words[words.index("=>") + 1])
        elif words and words[0].startswith("/") and not line.rstrip().endswith(":"):  # the loader
            libs.add(words[0])
    return libs


def image_tag(entries: Iterable[Entry]) -> str:
    """``envgym-sandbox:<hash12>`` of the file list: a changed host Python is a new image."""
    digest = hashlib.sha256(json.dumps([LAYOUT_VERSION, [e.fingerprint() for e in entries]]).encode())
    return f"{IMAGE_REPO}:{digest.hexdigest()[:12]}"


def write_rootfs(entries: Iterable[Entry], out: io.BufferedIOBase) -> None:
    """The image's root filesystem as a tarball, every file root's."""
    with tarfile.open(fileobj=out, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for e in entries:
            info = tarfile.TarInfo(e.path.lstrip("/"))
            info.mode, info.uid, info.gid, info.uname, info.gname = e.mode, 0, 0, "root", "root"
            if e.kind == "dir":
                info.type = tarfile.DIRTYPE
                tar.addfile(info)
            elif e.kind == "link":
                info.type, info.linkname = tarfile.SYMTYPE, e.source
                tar.addfile(info)
            elif e.kind == "data":
                data = e.source.encode()
                info.size = len(data)
                tar.addfile(info, io.BytesIO(data))
            else:
                with open(e.source, "rb") as f:
                    info.size = os.fstat(f.fileno()).st_size
                    info.mtime = int(os.fstat(f.fileno()).st_mtime)  # keeps the stdlib's .pyc files valid
                    tar.addfile(info, f)


def ensure_image(client: Any, python: str = "/usr/bin/python3", *, programs: Sequence[str] = (),
                 trees: Sequence[str] = ()) -> str:
    """The sandbox image's tag, building it (once per machine, Python, and set of ``programs`` and
    ``trees``, see ``rootfs_entries``) when it is missing."""
    import docker

    entries = rootfs_entries(python, programs=programs, trees=trees)
    tag = image_tag(entries)
    try:
        client.images.get(tag)
        return tag
    except docker.errors.ImageNotFound:
        pass
    log.warning("envgym: building the docker sandbox image %s from the host's %s (once per machine and Python, "
                "a few seconds)", tag, os.path.realpath(python))
    start = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="envgym-image-") as context:
        with open(os.path.join(context, "rootfs.tar"), "wb") as f:
            write_rootfs(entries, f)
        with open(os.path.join(context, "Dockerfile"), "w") as f:
            f.write(f"FROM scratch\nADD rootfs.tar /\nLABEL {LABEL}.image=\"{LAYOUT_VERSION}\"\n")
        try:
            client.images.build(path=context, tag=tag, rm=True, forcerm=True, pull=False)
        except (docker.errors.BuildError, docker.errors.APIError) as e:
            raise EnvgymError(f"could not build the docker sandbox image {tag}: {e}") from e
    log.warning("envgym: built %s in %.0f s", tag, time.perf_counter() - start)
    return tag


