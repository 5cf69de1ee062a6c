"""The plugin host: the one place where plugins are loaded (docs/design.md, rule 5).

Nothing is loaded when ``envgym`` is imported. The first call that needs the registry
(``envgym.make``, ``envgym.list_envs``, the CLI) loads, in this order:

1. envgym's built-in plugin (``envgym.builtin``), through the same hooks as everyone else;
2. every entry point in the ``envgym`` group, unless ``ENVGYM_DISABLE_PLUGIN_AUTOLOAD=1``;
3. modules named in ``ENVGYM_PLUGINS`` (comma-separated) and passed explicitly.

A plugin that fails to import, declares a misspelt hook, raises in a hook, or registers an id
that is taken is recorded in ``failures`` with its name and error; the others keep working.
Environments are mirrored into Gymnasium's registry so ``gymnasium.make(id)`` works once loaded.
"""

from __future__ import annotations

import importlib
import os
import threading
import traceback
import warnings
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from importlib.metadata import entry_points
from types import ModuleType
from typing import Any, Literal

import gymnasium
import pluggy

from envgym import hookspecs
from envgym.errors import EnvgymError, EnvNotFoundError, RegistrationError
from envgym.registry import Catalog, ComponentSpec, EnvSpec, component_catalog, env_catalog, resolve

ENTRY_POINT_GROUP = "envgym"
DISABLE_AUTOLOAD_ENV = "ENVGYM_DISABLE_PLUGIN_AUTOLOAD"
PLUGINS_ENV = "ENVGYM_PLUGINS"

Source = Literal["builtin", "entry point", "explicit"]


@dataclass(frozen=True)
class PluginInfo:
    name: str
    source: Source
    distribution: str | None = None
    version: str | None = None


@dataclass(frozen=True)
class PluginFailure:
    """A plugin that did not (fully) load. stage: where it failed."""

    plugin: str
    stage: Literal["import", "validate", "hook", "register"]
    error: str
    distribution: str | None = None


def autoload_enabled() -> bool:
    return os.environ.get(DISABLE_AUTOLOAD_ENV, "").strip().lower() not in ("1", "true", "yes", "on")


class PluginHost:
    """Loads plugins and holds what they register: environments and the component catalogs."""

    def __init__(
        self,
        *,
        autoload: bool | None = None,
        extra: Sequence[str | ModuleType] = (),
        mirror_to_gymnasium: bool = False,
    ) -> None:
        self.autoload = autoload_enabled() if autoload is None else autoload
        self.extra = list(extra)
        self.mirror_to_gymnasium = mirror_to_gymnasium
        self.pm = pluggy.PluginManager("envgym")
        self.pm.add_hookspecs(hookspecs)
        self.envs: Catalog[EnvSpec] = env_catalog()
        self.components: dict[str, Catalog[ComponentSpec]] = {
            kind: component_catalog(kind) for kind in hookspecs.COMPONENT_HOOKS.values()
        }
        self.plugins: list[PluginInfo] = []
        self.failures: list[PluginFailure] = []
        self.loaded = False
        self._lock = threading.RLock()

    # ---- loading ---------------------------------------------------------------------------

    def load(self) -> PluginHost:
        """Load every plugin once; later calls return at once."""
        with self._lock:
            if self.loaded:
                return self
            self.loaded = True
            from envgym import builtin

            self._register(builtin, PluginInfo("envgym", "builtin"))
            if self.autoload:
                for ep in sorted(entry_points(group=ENTRY_POINT_GROUP), key=lambda e: e.name):
                    dist = ep.dist.name if ep.dist else None
                    version = ep.dist.version if ep.dist else None
                    info = PluginInfo(ep.name, "entry point", dist, version)
                    self._import_and_register(ep.load, info)
            names = [n.strip() for n in os.environ.get(PLUGINS_ENV, "").split(",") if n.strip()]
            for item in [*names, *self.extra]:
                if isinstance(item, ModuleType):
                    self._register(item, PluginInfo(item.__name__, "explicit"))
                else:
                    self._import_and_register(lambda m=item: importlib.import_module(m), PluginInfo(item, "explicit"))
            self._collect()
            return self

    def _import_and_register(self, load: Any, info: PluginInfo) -> None:
        try:
            plugin = load()
        except BaseException as exc:  # noqa: BLE001 - a broken plugin must not take the others down
            if isinstance(exc, KeyboardInterrupt):
                raise
            self._fail(info, "import", exc)
            return
        self._register(plugin, info)

    def _register(self, plugin: Any, info: PluginInfo) -> None:
        if self.pm.has_plugin(info.name):
            self._fail(info, "import", EnvgymError(f"another plugin is already named {info.name!r}"))
            return
        try:
            self.pm.register(plugin, name=info.name)
            self.pm.check_pending()
        except Exception as exc:  # noqa: BLE001 - pluggy validation: a misspelt hook or bad signature
            if self.pm.has_plugin(info.name):
                self.pm.unregister(name=info.name)
            self._fail(info, "validate", exc)
            return
        self.plugins.append(info)

    def _collect(self) -> None:
        order = {p.name: i for i, p in enumerate(self.plugins)}
        info = {p.name: p for p in self.plugins}

        def impls(hook_name: str):
            found = getattr(self.pm.hook, hook_name).get_hookimpls()
            return sorted(found, key=lambda impl: order[impl.plugin_name])

        for impl in impls("envgym_environments"):
            for spec in self._call(impl, info[impl.plugin_name]):
                self._add(self.envs, spec, info[impl.plugin_name])
        for hook_name, kind in hookspecs.COMPONENT_HOOKS.items():
            for impl in impls(hook_name):
                for spec in self._call(impl, info[impl.plugin_name]):
                    self._add(self.components[kind], spec, info[impl.plugin_name])

    def _call(self, impl: Any, info: PluginInfo) -> Iterable[Any]:
        try:
            result = impl.function()
            return list(result or ())
        except Exception as exc:  # noqa: BLE001
            self._fail(info, "hook", exc, where=impl.function.__name__)
            return ()

    def _add(self, catalog: Catalog, spec: Any, info: PluginInfo) -> None:
        try:
            spec = catalog.add(spec, plugin=info.name)
        except RegistrationError as exc:
            self._fail(info, "register", exc)
            return
        if catalog is self.envs and self.mirror_to_gymnasium:
            self._mirror(spec)

    def _mirror(self, spec: EnvSpec) -> None:
        existing = gymnasium.envs.registry.get(spec.id)
        if existing is not None and existing.entry_point == spec.entry_point:
            return
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            gymnasium.register(id=spec.id, entry_point=spec.entry_point, kwargs=dict(spec.kwargs))

    def _fail(self, info: PluginInfo, stage: str, exc: BaseException, where: str | None = None) -> None:
        lines = traceback.format_exception_only(type(exc), exc)
        error = "".join(lines).strip()
        if where:
            error = f"in {where}(): {error}"
        self.failures.append(PluginFailure(info.name, stage, error, info.distribution))

    # ---- using what was loaded -------------------------------------------------------------

    def register_env(self, spec: EnvSpec, plugin: str | None = None) -> EnvSpec:
        """Register an environment from user code (raises on a taken id)."""
        self.load()
        spec = self.envs.add(spec, plugin=plugin)
        if self.mirror_to_gymnasium:
            self._mirror(spec)
        return spec

    def env_spec(self, env_id: str) -> EnvSpec:
        """The spec registered as ``env_id``; the error says why it may be missing."""
        self.load()
        try:
            return self.envs.get(env_id)
        except EnvNotFoundError as exc:
            hint = ""
            if not self.autoload:
                hint = (f" Plugin autoloading is off ({DISABLE_AUTOLOAD_ENV}=1): name plugin modules "
                        f"in {PLUGINS_ENV} or pass `envgym -p MODULE`.")
            elif self.failures:
                hint = f" Some plugins failed to load ({', '.join(sorted({f.plugin for f in self.failures}))}): see `envgym plugins`."
            raise EnvNotFoundError(str(exc) + hint) from None

    def make(self, env_id: str, **kwargs: Any) -> gymnasium.Env:
        spec = self.env_spec(env_id)
        try:
            creator = resolve(spec.entry_point)
        except Exception as exc:
            raise EnvgymError(
                f"{env_id}: cannot import its entry point {spec.entry_point!r} "
                f"(plugin {spec.plugin}): {type(exc).__name__}: {exc}"
            ) from exc
        merged = {**spec.kwargs, **kwargs}
        env = creator(**merged)
        if not isinstance(env, gymnasium.Env):
            raise EnvgymError(f"{env_id}: its entry point returned {type(env).__name__}, not a gymnasium.Env")
        env.spec = gymnasium.envs.registration.EnvSpec(id=spec.id, entry_point=spec.entry_point, kwargs=merged)
        return env

    def component(self, kind: str, name: str) -> ComponentSpec:
        self.load()
        if kind not in self.components:
            raise EnvgymError(f"unknown component kind {kind!r}; kinds: {', '.join(self.components)}")
        return self.components[kind].get(name)

    def emit(self, event: hookspecs.Event) -> None:
        """Send an event to every listener; one that raises is recorded and the others still run."""
        self.load()
        for impl in self.pm.hook.envgym_on_event.get_hookimpls():
            try:
                impl.function(event=event)
            except Exception as exc:  # noqa: BLE001
                info = next((p for p in self.plugins if p.name == impl.plugin_name), PluginInfo(impl.plugin_name, "explicit"))
                self._fail(info, "hook", exc, where="envgym_on_event")


_host: PluginHost | None = None
_host_lock = threading.Lock()
_warned: set[int] = set()


class PluginWarning(UserWarning):
    """A plugin failed to load: its environments and components are missing."""


def warn_failures(plugin_host: PluginHost) -> None:
    """Warn once per host that plugins failed to load, naming them and ``envgym plugins``."""
    if id(plugin_host) in _warned or not plugin_host.failures:
        return
    _warned.add(id(plugin_host))

    names = ", ".join(sorted({f.plugin for f in plugin_host.failures}))
    warnings.warn(f"envgym: {len(plugin_host.failures)} plugin problem(s) ({names}); their environments are missing. "
                  "Run `envgym plugins` for the errors.", PluginWarning, stacklevel=3)


def host() -> PluginHost:
    """The process-wide plugin host, loaded on first use."""
    global _host
    with _host_lock:
        if _host is None:
            _host = PluginHost(mirror_to_gymnasium=True)
    return _host.load()


def load_plugins(extra: Sequence[str | ModuleType] = ()) -> PluginHost:
    """Load plugins now (and any ``extra`` plugin modules) and return the host.

    Call it before ``gymnasium.make("envgym/...")`` if nothing else has touched envgym's
    registry yet. Extra modules can only be added before the first load.
    """
    global _host
    with _host_lock:
        if _host is None:
            _host = PluginHost(extra=extra, mirror_to_gymnasium=True)
        elif extra and not _host.loaded:
            _host.extra.extend(extra)
        elif extra:
            missing = [m for m in extra if (m if isinstance(m, str) else m.__name__) not in {p.name for p in _host.plugins}]
            if missing:
                raise EnvgymError(f"plugins are already loaded; load {missing} with ENVGYM_PLUGINS or before first use")
    return _host.load()


def reset_host() -> None:
    """Forget the process-wide host (tests; a changed environment)."""
    global _host
    with _host_lock:
        _host = None
