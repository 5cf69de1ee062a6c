"""``envgym new NAME``: write a complete plugin package that installs and passes ``envgym check``."""

from __future__ import annotations

import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from string import Template

from envgym.errors import EnvgymError

NAME = re.compile(r"^[a-z][a-z0-9]*(?:[-_][a-z0-9]+)*$")


@dataclass(frozen=True)
class PluginNames:
    """Every name the template needs, derived from the one the user gave."""

    dist: str  # my-env: the distribution and directory name
    module: str  # my_env: the import name and entry-point name
    cls: str  # MyEnv: the class prefix and the id's name part
    env_id: str  # my-env/MyEnv-v0

    @classmethod
    def from_name(cls, name: str, namespace: str | None = None) -> PluginNames:
        if not NAME.match(name):
            raise EnvgymError(
                f"plugin name {name!r} must be lowercase letters, digits, '-' or '_', starting with a letter (e.g. 'word-games')"
            )
        module = name.replace("-", "_")
        camel = "".join(part.capitalize() for part in re.split(r"[-_]", name))
        return cls(name, module, camel, f"{namespace or name}/{camel}-v0")


def write_plugin(name: str, directory: Path, *, namespace: str | None = None, force: bool = False) -> tuple[PluginNames, list[Path]]:
    """Render the plugin template into ``directory / name`` and return the files written."""
    names = PluginNames.from_name(name, namespace)
    root = directory / names.dist
    if root.exists() and any(root.iterdir()) and not force:
        raise EnvgymError(f"{root} already exists and is not empty; pick another name or pass --force")
    template_root = resources.files("envgym.templates") / "plugin"
    values = {"dist": names.dist, "module": names.module, "cls": names.cls, "env_id": names.env_id}
    written = []
    for source, relative in _walk(template_root, ""):
        if relative.startswith("package/"):
            relative = names.module + relative.removeprefix("package")
        target = root / relative.removesuffix(".tmpl")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(Template(source.read_text()).substitute(values))
        written.append(target)
    return names, written


def _walk(node, prefix: str):
    for child in sorted(node.iterdir(), key=lambda c: c.name):
        relative = f"{prefix}{child.name}"
        if child.is_dir():
            yield from _walk(child, relative + "/")
        elif child.name.endswith(".tmpl"):
            yield child, relative
