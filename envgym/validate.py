"""Checks of user input against what it feeds, before any work starts.

The command line (``envgym.cli``) and pipeline files (``envgym.pipeline.load``) both check here,
so both say the same thing about the same mistake. Every failure is one ``InputError`` whose
message fits on one line and says where (``stage 2 (rl): settings.group_size``), what is wrong and
the fix; a misspelled name gets the nearest valid one.

- ``fields(cls, values, place)``: a mapping against a dataclass (a learner's config, ``TrainConfig``,
  ``LossConfig``): unknown keys, and each value against its field's type (``int``, ``float``,
  ``bool``, ``str``, ``Literal``, ``X | None``, ``dict``, ``list``, a nested dataclass).
- ``build(cls, values, place)``: the same, then the dataclass itself, so its range checks
  (``__post_init__``) speak with the place too.
- ``call_kwargs(fn, values, place)``: keyword arguments against a signature (a scaffold's).
- ``env(env_id, kwargs, place)``: the environment is registered and constructs with the kwargs.
- ``component(kind, name, place)``: a learner, scaffold, ... is registered.
- ``sampler(name, settings, place)``: a task sampler is registered and builds with its settings.
"""

from __future__ import annotations

import dataclasses
import difflib
import inspect
import types
import typing
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from envgym.errors import EnvgymError, InputError, NotFoundError


def nearest(name: str, options: Iterable[str]) -> str:
    """`` (did you mean 'x'?)`` for the closest option, or nothing.

    >>> nearest("tasts", ["tasks", "samples"])
    " (did you mean 'tasks'?)"
    >>> nearest("zzz", ["tasks"])
    ''
    """
    close = difflib.get_close_matches(str(name), list(options), n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


def known_keys(values: Mapping[str, Any], known: Iterable[str], place: str, what: str = "key") -> None:
    """Refuse the first key of ``values`` that is not in ``known``, naming the nearest known one."""
    known = sorted(known)
    for key in values:
        if key not in known:
            raise InputError(f"{place}: unknown {what} {key!r}{nearest(key, known)}; "
                             f"known {what}s: {', '.join(known) or '(none)'}")


def mapping(value: Any, place: str, example: str = "{key: value}") -> Mapping[str, Any]:
    """``value`` itself when it is a mapping with string keys (None counts as empty)."""
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise InputError(f"{place} must be a mapping like {example}, got {_shown(value)}")
    for key in value:
        if not isinstance(key, str):
            raise InputError(f"{place}: keys must be names, got {key!r}")
    return value


def value(given: Any, annotation: Any, place: str) -> Any:
    """``given`` checked against a type annotation (an int is accepted for a float and becomes one;
    a number written as text, such as YAML's ``1e-3``, is accepted for a float)."""
    ok, result = _convert(given, annotation, place)
    if not ok:
        raise InputError(f"{place} must be {_describe(annotation)}, got {_shown(given)}")
    return result


def fields(cls: type, values: Mapping[str, Any], place: str, *, exclude: Iterable[str] = (), join: str = ".") -> dict[str, Any]:
    """``values`` checked against the init fields of dataclass ``cls`` (``exclude``: fields that are
    set elsewhere and may not be given here; ``join`` goes between ``place`` and a field's name)."""
    values = mapping(values, place)
    hints = typing.get_type_hints(cls)
    names = [f.name for f in dataclasses.fields(cls) if f.init and f.name not in set(exclude)]
    known_keys(values, names, place, "field")
    return {key: value(v, hints[key], f"{place}{join}{key}") for key, v in values.items()}


def build(cls: type, values: Mapping[str, Any], place: str, *, join: str = ".") -> Any:
    """An instance of dataclass ``cls`` from checked ``values``; its own refusals name ``place``."""
    checked = fields(cls, values, place, join=join)
    try:
        return cls(**checked)
    except (TypeError, ValueError) as exc:
        raise InputError(f"{place}: {exc}") from None


def call_kwargs(fn: Callable[..., Any], values: Mapping[str, Any], place: str, *, skip: int = 0,
                what: str = "key", join: str = ".") -> dict[str, Any]:
    """Keyword arguments checked against ``fn``'s signature (its first ``skip`` parameters are not
    the user's); annotated ones are type-checked when the annotations resolve."""
    values = mapping(values, place)
    params = list(inspect.signature(fn).parameters.values())[skip:]
    if any(p.kind is p.VAR_KEYWORD for p in params):
        return dict(values)
    names = [p.name for p in params if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY) and p.name != "self"]
    known_keys(values, names, place, what)
    try:
        hints = typing.get_type_hints(fn.__init__ if inspect.isclass(fn) else fn)
    except Exception:  # noqa: BLE001 - a plugin's annotations that do not resolve only lose the type check
        hints = {}
    return {key: value(v, hints[key], f"{place}{join}{key}") if key in hints else v for key, v in values.items()}


def model(given: Any, place: str) -> str:
    """'tiny', a model directory, or a Hugging Face name already in the local cache (no downloads)."""
    name = value(given, str, place)
    if name == "tiny" or Path(name).is_dir():
        return name
    from huggingface_hub import try_to_load_from_cache

    try:
        cached = isinstance(try_to_load_from_cache(name, "config.json"), str)
    except Exception:  # noqa: BLE001 - not a repository name either
        cached = False
    if not cached:
        raise InputError(f"{place}: {name!r} is no model directory, not 'tiny', and not in the local Hugging Face "
                         "cache (runs never download); give a folder with config.json")
    return name


def component(kind: str, name: Any, place: str) -> str:
    """``name`` when a ``kind`` (learner, scaffold, ...) is registered under it."""
    from envgym.plugins import host

    if not isinstance(name, str):
        raise InputError(f"{place} must be a {kind} name, got {_shown(name)}")
    try:
        host().component(kind, name)
    except NotFoundError as exc:
        raise InputError(f"{place}: {exc}") from None
    return name


def sampler(name: Any, settings: Any, place: str) -> tuple[str, dict[str, Any]]:
    """A registered task sampler and its settings, checked against its signature and built once,
    so its own range checks speak with the place: ``(name, settings)``."""
    from envgym.plugins import host
    from envgym.registry import resolve

    name = component("sampler", name, place)
    factory = resolve(host().component("sampler", name).factory)
    settings = call_kwargs(factory, settings, f"{place} {name}", what="setting", join=" setting ")
    try:
        factory(**settings)
    except (TypeError, ValueError) as exc:
        raise InputError(f"{place} {name}: {exc}") from None
    return name, settings


def env(env_id: Any, kwargs: Mapping[str, Any], place: str) -> None:
    """The environment is registered and its constructor takes ``kwargs``: it is built once (and
    closed), so a refused option is reported here, not after a model has loaded."""
    from envgym.plugins import host
    from envgym.registry import resolve

    if not isinstance(env_id, str):
        raise InputError(f"{place} must be an environment id like envgym/Arithmetic-v0, got {_shown(env_id)}")
    kwargs = mapping(kwargs, f"{place} options")
    try:
        spec = host().env_spec(env_id)
        creator = resolve(spec.entry_point)
    except EnvgymError as exc:
        raise InputError(f"{place}: {exc}") from None
    except Exception as exc:  # noqa: BLE001 - a plugin's entry point that does not import
        raise InputError(f"{place}: {env_id} cannot be imported (plugin {spec.plugin}): {type(exc).__name__}: {exc}") from None
    try:
        inspect.signature(creator)
    except (TypeError, ValueError):
        pass  # a signature inspect cannot read: the constructor decides
    else:
        call_kwargs(creator, kwargs, f"{place}: {env_id}", what="option", join=" option ")
    try:
        built = host().make(env_id, **kwargs)
    except Exception as exc:  # noqa: BLE001 - any refusal of a plugin's constructor becomes one line
        given = ", ".join(f"{k}={v!r}" for k, v in kwargs.items()) or "its defaults"
        raise InputError(f"{place}: {env_id} refused {given}: {_reason(exc)}") from None
    built.close()


def out_dir(path: Path, flag: str) -> None:
    """A run folder: it may not exist yet, but must not be a file (nor sit under one)."""
    for p in (path, *path.parents):
        if p.exists() and not p.is_dir():
            raise InputError(f"{flag} {path}: {p} is a file; give a folder")


def out_file(path: Path, flag: str) -> None:
    """A file to write: not a folder, and its folder not a file."""
    if path.is_dir():
        raise InputError(f"{flag} {path} is a folder; give a file name, e.g. {path / 'results.json'}")
    out_dir(path.parent, flag)


def url(text: str, flag: str) -> str:
    """An http(s) URL with a host.

    >>> url("http://localhost:8000/v1", "--base-url")
    'http://localhost:8000/v1'
    """
    parsed = urlparse(text)
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        raise InputError(f"{flag} must be an http(s) URL like http://localhost:8000/v1, got {text!r}")
    try:
        parsed.port  # noqa: B018 - raises on a port that is not a number
    except ValueError:
        raise InputError(f"{flag} {text!r} has a port that is not a number") from None
    return text


def _reason(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def _shown(given: Any) -> str:
    text = repr(given)
    text = text if len(text) <= 60 else text[:57] + "..."
    return f"{type(given).__name__} {text}" if isinstance(given, (dict, list, tuple)) else text


def _describe(annotation: Any) -> str:
    origin, args = typing.get_origin(annotation), typing.get_args(annotation)
    if origin is typing.Literal:
        return "one of " + ", ".join(repr(a) for a in args)
    if origin in (typing.Union, types.UnionType):
        parts = [_describe(a) for a in args if a is not type(None)]
        return " or ".join(parts) + (" or null" if type(None) in args else "")
    if dataclasses.is_dataclass(annotation):
        return f"a mapping of {annotation.__name__} fields"
    base = origin or annotation
    names = {bool: "true or false", int: "an integer", float: "a number", str: "text",
             dict: "a mapping like {key: value}", list: "a list", tuple: "a list"}
    if isinstance(base, type) and issubclass(base, Mapping) and base not in names:
        return names[dict]
    return names.get(base, getattr(base, "__name__", str(base)))


def _convert(given: Any, annotation: Any, place: str) -> tuple[bool, Any]:
    """(whether ``given`` fits ``annotation``, the value to use)."""
    if annotation is Any or annotation is object:
        return True, given
    origin, args = typing.get_origin(annotation), typing.get_args(annotation)
    if origin is typing.Literal:
        return given in args and not (isinstance(given, bool) and not any(isinstance(a, bool) for a in args)), given
    if origin in (typing.Union, types.UnionType):
        if given is None:
            return type(None) in args, None
        for arg in args:
            ok, result = _convert(given, arg, place)
            if ok:
                return True, result
        return False, given
    if annotation is type(None):
        return given is None, given
    if dataclasses.is_dataclass(annotation) and isinstance(annotation, type):
        if isinstance(given, annotation):
            return True, given
        if isinstance(given, Mapping):
            return True, build(annotation, given, place)
        return False, given
    base = origin or annotation
    if base is bool:
        return isinstance(given, bool), given
    if base is int:
        return isinstance(given, int) and not isinstance(given, bool), given
    if base is float:
        if isinstance(given, (int, float)) and not isinstance(given, bool):
            return True, float(given)
        if isinstance(given, str):
            try:
                return True, float(given)
            except ValueError:
                return False, given
        return False, given
    if base is str:
        return isinstance(given, str), given
    if isinstance(base, type) and issubclass(base, Mapping):
        return isinstance(given, Mapping), given
    if isinstance(base, type) and issubclass(base, Sequence) and not issubclass(base, str):
        return isinstance(given, (list, tuple)), given
    return True, given  # a type this module does not know: the consumer checks it
