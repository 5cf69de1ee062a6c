"""Installed OpenEnv environment packages, found without importing them.

OpenEnv's convention (``openenv init``, and its own ``AutoEnv`` discovery): a distribution named
``openenv-<module>`` holds the package ``<module>`` with an ``openenv.yaml`` manifest (its ``name``),
the environment in ``<module>/server/<name>_environment.py`` and the models in
``<module>/models.py``. ``installed()`` lists such distributions by their ``.dist-info`` folders
(a directory listing per ``sys.path`` entry: the plugin loads on every envgym command);
``environment_classes(module)`` imports one and finds its ``Environment`` and ``Action`` classes.
"""

from __future__ import annotations

import importlib
import importlib.resources
import inspect
import os
import re
import sys
import typing
from typing import Any

from envgym.errors import EnvgymError
from envgym.registry import resolve

_DIST = re.compile(r"^openenv_(?P<module>\w+?)-[^-]+\.dist-info$")


def installed() -> dict[str, str]:
    """``{envgym name: module}`` for every installed ``openenv-*`` environment package (not openenv-core).

    The envgym name is the module's, without ``_env``, in PascalCase: ``guess_env`` -> ``Guess``.
    """
    found: dict[str, str] = {}
    for path in sys.path:
        try:
            entries = os.listdir(path or ".")
        except OSError:
            continue
        for entry in entries:
            match = _DIST.match(entry)
            if match and match["module"] != "core":
                module = match["module"]
                found.setdefault(env_name(module), module)
    return found


def env_name(module: str) -> str:
    """
    >>> env_name("guess_env"), env_name("text_arena"), env_name("echo")
    ('Guess', 'TextArena', 'Echo')
    """
    base = module[:-4] if module.endswith("_env") and len(module) > 4 else module
    return "".join(part[:1].upper() + part[1:] for part in base.split("_") if part)


def environment_classes(module: str, environment: str | None = None, action: str | None = None) -> tuple[type, type]:
    """The ``Environment`` subclass and ``Action`` subclass of an installed OpenEnv package (or the ones
    named ``'module:Class'``), with an error naming the option to set when the convention does not hold."""
    from openenv.core.env_server.interfaces import Environment
    from openenv.core.env_server.types import Action

    if environment is not None:
        env_cls = resolve(environment)
    else:
        where = f"{module}.server.{_manifest_name(module)}_environment"
        env_cls = _one_subclass(where, Environment, "environment")
    if action is not None:
        return env_cls, resolve(action)
    hinted = _step_action_type(env_cls)
    if isinstance(hinted, type) and issubclass(hinted, Action):
        return env_cls, hinted
    return env_cls, _one_subclass(f"{module}.models", Action, "action")


def _manifest_name(module: str) -> str:
    try:
        text = (importlib.resources.files(module) / "openenv.yaml").read_text()
    except (FileNotFoundError, ModuleNotFoundError, NotADirectoryError):
        return module
    import yaml

    manifest = yaml.safe_load(text) or {}
    return str(manifest.get("name", module)) if isinstance(manifest, dict) else module


def _one_subclass(where: str, base: type, option: str) -> type:
    try:
        found = importlib.import_module(where)
    except ImportError as exc:
        raise EnvgymError(f"cannot import {where} ({exc}); name the class with {option}='module:Class'") from None
    classes = [obj for _, obj in inspect.getmembers(found, inspect.isclass)
               if issubclass(obj, base) and obj is not base and obj.__module__ == where]
    if len(classes) != 1:
        names = ", ".join(c.__name__ for c in classes) or "none"
        raise EnvgymError(f"{where} defines {len(classes)} {base.__name__} subclasses ({names}), not one; "
                          f"name it with {option}='module:Class'")
    return classes[0]


def _step_action_type(env_cls: type) -> Any:
    try:
        return typing.get_type_hints(env_cls.step).get("action")
    except Exception:  # noqa: BLE001 - annotations that do not resolve: fall back to the models module
        return None
