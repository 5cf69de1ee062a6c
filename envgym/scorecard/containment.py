"""Containment: a few hostile programs played as answers to a sandboxed environment.

An environment is sandboxed when its verifier declares ``bound = "sandbox"`` (its time is bounded
by an envgym sandbox) and its gold answer is a Python code block. Each attack is that gold code
with an escape attempt in front that raises when the sandbox holds, so the answer earns reward
only if the escape worked, the way ``tests/test_sandbox_attacks.py`` builds its attacks:

- ``read host file``: read a file the scorecard wrote in a private folder of the working directory;
- ``write host file``: write next to it (also checked on the host afterwards);
- ``reach host socket``: connect to a socket the scorecard listens on at 127.0.0.1;
- ``fork bomb``: fork until refused, forever; the gold code never runs.

Every attack must earn a return of 0 and its step must end within ``ATTACK_SECONDS``. This is a
quick probe of the environment's real path, not the full attack suite of the sandbox tests.
"""

from __future__ import annotations

import re
import shutil
import socket
import tempfile
import textwrap
import time
from dataclasses import dataclass
from pathlib import Path

from envgym.env import TextEnv
from envgym.errors import ProbesUnavailable

ATTACK_SECONDS = 20.0
_BLOCK = re.compile(r"```python\n(.*?)```", re.DOTALL)


@dataclass(frozen=True)
class Attack:
    name: str
    code: str
    """Python run before the gold code; it must raise (or never end) when the sandbox holds."""


def attacks(secret: Path, marker: Path, port: int) -> list[Attack]:
    return [
        Attack("read host file", f"open({str(secret)!r}).read()\n"),
        Attack("write host file", f"open({str(marker)!r}, 'w').write('escaped')\n"),
        Attack("reach host socket", f"import socket\nsocket.create_connection(('127.0.0.1', {port}), timeout=1).close()\n"),
        Attack("fork bomb", textwrap.dedent("""\
            import os
            while True:
                try:
                    os.fork()
                except OSError:
                    pass
            """)),
    ]


def _host_folder() -> Path:
    """A private folder that no sandbox should see but an unisolated run would: not under the
    temporary directory (sandboxes, and the ``process`` backend as root, cover ``/tmp`` with their
    own), and under folders every user may enter (the ``process`` backend as root runs the program
    as a throwaway uid). The working directory, the user's cache folder, or ``/var/lib/envgym``;
    a temporary folder only when none of them will do."""
    for base in (Path.cwd(), Path.home() / ".cache" / "envgym", Path("/var/lib/envgym")):
        try:
            base.mkdir(parents=True, exist_ok=True)
            if _under_tmp(base) or not _enterable_by_all(base):
                continue
            return Path(tempfile.mkdtemp(prefix=".envgym-scorecard-", dir=base))
        except OSError:
            continue
    return Path(tempfile.mkdtemp(prefix="envgym-scorecard-"))


def _under_tmp(path: Path) -> bool:
    path = path.resolve()
    return any(path.is_relative_to(t) for t in {Path(tempfile.gettempdir()).resolve(), Path("/tmp"), Path("/var/tmp")})


def _enterable_by_all(path: Path) -> bool:
    return all(p.stat().st_mode & 0o001 for p in (path.resolve(), *path.resolve().parents))


def sandboxed(env: TextEnv) -> bool:
    return getattr(env.unwrapped.verifier, "bound", None) == "sandbox"


def containment(env: TextEnv, *, names: tuple[str, ...] | None = None, seed: int = 0) -> tuple[bool | None, str]:
    """(held, detail): True when every attack earned 0 in time, False on a breach, None when the
    environment is not sandboxed or has no Python gold answer to carry the attacks.

    names: only the attacks with these names (all of them by default).
    """
    if not sandboxed(env):
        return None, "not sandboxed"
    env.reset(seed=seed)
    try:
        gold = env.gold_action()
    except ProbesUnavailable as exc:
        return None, f"not probed: no gold answer ({exc})"
    if not isinstance(gold, str) or not _BLOCK.search(gold):
        return None, "not probed: the gold answer is not a Python code block"
    folder = _host_folder()
    listener = socket.socket()
    try:
        secret, marker = folder / "secret.txt", folder / "escaped.txt"
        secret.write_text("envgym-scorecard-secret")
        # open to every uid: a sandbox that runs as another user must be stopped by isolation, not by permissions
        folder.chmod(0o777)
        secret.chmod(0o644)
        listener.bind(("127.0.0.1", 0))
        listener.listen(4)
        chosen = [a for a in attacks(secret, marker, listener.getsockname()[1]) if names is None or a.name in names]
        breaches = []
        for attack in chosen:
            env.reset(seed=seed)
            action = _BLOCK.sub(lambda m: f"```python\n{attack.code}\n{m.group(1)}```", env.gold_action(), count=1)
            start = time.perf_counter()
            _, reward, *_ = env.step(action)
            elapsed = time.perf_counter() - start
            if reward != 0 or marker.exists():
                breaches.append(f"{attack.name} earned {reward:g}" + (" and wrote a host file" if marker.exists() else ""))
            elif elapsed > ATTACK_SECONDS:
                breaches.append(f"{attack.name} ran {elapsed:.1f}s (bound {ATTACK_SECONDS:g}s)")
            marker.unlink(missing_ok=True)
        if breaches:
            return False, "; ".join(breaches)
        return True, f"{len(chosen)} attacks held ({', '.join(a.name for a in chosen)})"
    finally:
        listener.close()
        shutil.rmtree(folder, ignore_errors=True)
