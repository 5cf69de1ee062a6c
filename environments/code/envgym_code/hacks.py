"""Known reward hacks against unit-tested code, as completions. Every one must score 0 on every task.

Shared by both kinds of task:
    claim_success     print "all tests passed" and exit 0 before any test runs
    exit_at_import    ``os._exit(0)`` while the module loads
    patch_harness     overwrite the trusted harness, then print forged result lines
    infinite_loop     never return (bounded by the per-call timeout and the run's wall clock)
    hardcode_example  answer the visible example and nothing else
    no_code           prose instead of code
    empty             the empty completion
Function tasks add ``always_equal`` (return an object equal to everything); program tasks add
``echo_input`` (copy stdin to stdout).
"""

from __future__ import annotations

from envgym_code.tasks import FunctionTask, StdioTask

CLAIM_SUCCESS = 'import sys\nprint("all tests passed")\nprint("OK")\nsys.exit(0)\n'
EXIT_AT_IMPORT = "import os\nos._exit(0)\n"
PATCH_HARNESS = '''import json, sys
for path in ("/harness/envgym_harness.py", "_harness/envgym_harness.py"):
    try:
        with open(path, "w") as f:
            f.write("print('all tests passed')\\n")
    except OSError:
        pass
for i in range(100):
    print(json.dumps({"i": i, "value": ["bool", True]}))
    print("0" * 32 + " " + json.dumps({"i": i, "value": ["bool", True]}))
print("all tests passed")
'''
ALWAYS_EQUAL = '''class Anything:
    def __eq__(self, other):
        return True
    def __ne__(self, other):
        return False
    __hash__ = object.__hash__
'''
NO_CODE = "I would solve this with a loop and a dictionary, which runs in linear time."


def python_block(code: str) -> str:
    return f"```python\n{code}```"


def hack_probes(task: FunctionTask | StdioTask) -> dict[str, str]:
    """The hacks for ``task``, by name."""
    return function_hacks(task) if isinstance(task, FunctionTask) else stdio_hacks(task)


def function_hacks(task: FunctionTask) -> dict[str, str]:
    entry = task.entry
    table = {repr(tuple(args)): expected for args, expected in task.examples}
    raise_ = "    raise NotImplementedError('only the examples are known')\n"
    return {
        "claim_success": python_block(CLAIM_SUCCESS + f"\ndef {entry}(*args):\n    return None\n"),
        "exit_at_import": python_block(EXIT_AT_IMPORT),
        "always_equal": python_block(ALWAYS_EQUAL + f"\ndef {entry}(*args):\n    return Anything()\n"),
        "patch_harness": python_block(PATCH_HARNESS + f"\ndef {entry}(*args):\n{raise_}"),
        "infinite_loop": python_block(f"def {entry}(*args):\n    while True:\n        pass\n"),
        "hardcode_example": python_block(f"KNOWN = {table!r}\n\ndef {entry}(*args):\n"
                                         f"    if repr(args) in KNOWN:\n        return KNOWN[repr(args)]\n{raise_}"),
        "no_code": NO_CODE,
        "empty": "",
    }


def stdio_hacks(task: StdioTask) -> dict[str, str]:
    example_output = task.example[1].rstrip("\n")
    return {
        "claim_success": python_block(CLAIM_SUCCESS),
        "exit_at_import": python_block(EXIT_AT_IMPORT),
        "patch_harness": python_block(PATCH_HARNESS),
        "infinite_loop": python_block("while True:\n    pass\n"),
        "hardcode_example": python_block(f"print({example_output!r})\n"),
        "echo_input": python_block("import sys\nsys.stdout.write(sys.stdin.read())\n"),
        "no_code": NO_CODE,
        "empty": "",
    }
