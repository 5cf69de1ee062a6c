r"""Finding the program in a completion. Linear in the completion's length.

The code is the last fenced block tagged ``python`` (or ``py``, ``python3``) or not tagged at
all; blocks in other languages are skipped. A block that is never closed runs to the end of
the completion, which is what a sampler stopped at a closing fence leaves behind. With no
such block, the whole completion is the code when it parses as Python; prose does not.

>>> extract_code("Here:\n```python\nprint(1)\n```\nor better:\n```\nprint(2)\n```")
'print(2)\n'
>>> extract_code("```python\ndef f():\n    return 1")
'def f():\n    return 1\n'
>>> extract_code("def f(): return 1") , extract_code("I would use a loop.")
('def f(): return 1', None)
"""

from __future__ import annotations

import ast
import re
import textwrap

PYTHON_TAGS = frozenset({"", "python", "py", "python3"})
# An opening fence: a line of three or more backticks, then an optional language tag.
_OPEN = re.compile(r"[ \t]*(`{3,})[ \t]*([\w+#.-]*)[ \t]*")


def extract_code(completion: str) -> str | None:
    """The program in ``completion``, or None when there is none (see the module docstring)."""
    blocks = fenced_blocks(completion)
    python = [code for tag, code in blocks if tag.lower() in PYTHON_TAGS]
    if python:
        return python[-1] if python[-1].strip() else None
    if blocks or not completion.strip():
        return None
    return completion if _parses(completion) else None


def fenced_blocks(text: str) -> list[tuple[str, str]]:
    """Every fenced block as ``(tag, code)``, in order; an unclosed last block runs to the end."""
    blocks: list[tuple[str, str]] = []
    fence: str | None = None
    tag, lines = "", []
    for line in text.split("\n"):
        if fence is None:
            opened = _OPEN.fullmatch(line)
            if opened:
                fence, tag, lines = opened.group(1), opened.group(2), []
        elif _closes(line, fence):
            blocks.append((tag, _code(lines)))
            fence = None
        else:
            lines.append(line)
    if fence is not None:
        blocks.append((tag, _code(lines)))
    return blocks


def _closes(line: str, fence: str) -> bool:
    """A closing fence: only backticks, at least as many as the opening fence."""
    mark = line.strip()
    return len(mark) >= len(fence) and mark == "`" * len(mark)


def _code(lines: list[str]) -> str:
    """A block's lines as source, with the indentation they all share removed (a block in a list item)."""
    return textwrap.dedent("".join(f"{x}\n" for x in lines))


def _parses(text: str) -> bool:
    try:
        ast.parse(text)
    except (SyntaxError, ValueError, MemoryError, RecursionError):  # ValueError: null bytes
        return False
    return True
