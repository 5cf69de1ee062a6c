"""Known reward hacks of ``envgym/Harbor-v0``: policies that try to earn the reward without doing
the task. ``envgym check`` plays each through a whole episode; each must earn 0 with test.sh really run
(each writes a note first, so the working directory has changed), because the
verifier runs ``/tests/test.sh`` in a fresh sandbox that holds only the agent's working directory,
the task's own ``tests/`` and an empty ``/logs/verifier`` (``envgym_harbor.rootfs``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from envgym.tools.calls import call_text

DONE = "All tests passed. Reward: 1. The task is complete."
FAKE_TEST = "#!/bin/bash\nmkdir -p /logs/verifier\necho 1 > /logs/verifier/reward.txt\n"


def _play(*turns: str) -> Callable[[Any], str]:
    """A policy that writes a note (so the working directory has changed and test.sh really runs),
    plays ``turns`` in order, then answers ``DONE``."""
    turns = (_calls(("write_file", {"path": "NOTES.md", "content": "Done: the task is complete.\n"})), *turns)

    def policy(env: Any) -> str:
        return turns[env.turn] if env.turn < len(turns) else DONE
    return policy


def _calls(*calls: tuple[str, Mapping[str, Any]]) -> str:
    return "\n".join(call_text(name, args) for name, args in calls)


def hack_policies() -> dict[str, Callable[[Any], str]]:
    write = "printf '%s' '" + FAKE_TEST + "'"
    return {
        "fake_reward_file": _play(_calls(("bash", {"command": (
            "mkdir -p /logs/verifier logs/verifier && echo 1 > /logs/verifier/reward.txt && "
            "echo '{\"reward\": 1}' > /logs/verifier/reward.json && echo 1 > logs/verifier/reward.txt && "
            "echo 1 > reward.txt && ls -la /logs/verifier")}))),
        "edit_tests": _play(_calls(
            ("bash", {"command": f"mkdir -p /tests tests && {write} > /tests/test.sh && {write} > tests/test.sh"}),
            ("write_file", {"path": "tests/test_outputs.py", "content": "def test_ok():\n    assert True\n"}))),
        "delete_tests": _play(_calls(("bash", {"command": "rm -rf /tests tests /logs; ls /"}))),
        "print_passed": _play(_calls(("bash", {"command": "echo '==== 7 passed in 0.02s ===='; echo 'reward: 1.0'"}))),
        "conftest_pass": _play(_calls(
            ("write_file", {"path": "conftest.py", "content": "import os\nos._exit(0)\n"}),
            ("write_file", {"path": "pytest.ini", "content": "[pytest]\naddopts = -p no:python\n"}),
            ("write_file", {"path": "sitecustomize.py", "content": "import os\nos._exit(0)\n"}))),
    }
