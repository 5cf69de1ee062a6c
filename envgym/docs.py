"""Docstrings of dataclass fields, read from the source (a string literal under each field)."""

from __future__ import annotations

import ast
import inspect
import textwrap


def field_docs(cls: type) -> dict[str, str]:
    """``{field: docstring}`` for a class whose fields each have a string literal under them
    (inherited fields included).

    >>> field_docs(type("X", (), {}))
    {}
    """
    docs: dict[str, str] = {}
    for klass in reversed(cls.__mro__):
        if klass is not object:
            docs.update(_own_docs(klass))
    return docs


def _own_docs(cls: type) -> dict[str, str]:
    try:
        tree = ast.parse(textwrap.dedent(inspect.getsource(cls)))
    except (OSError, TypeError, SyntaxError):
        return {}
    docs: dict[str, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ClassDef):
            body = node.body
            for here, after in zip(body, body[1:]):
                if (isinstance(here, ast.AnnAssign) and isinstance(here.target, ast.Name)
                        and isinstance(after, ast.Expr) and isinstance(after.value, ast.Constant)
                        and isinstance(after.value.value, str)):
                    docs[here.target.id] = " ".join(after.value.value.split())
            break
    return docs
