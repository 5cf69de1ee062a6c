"""``reasoning-gym/Composite-v0``: reasoning-gym's ``CompositeDataset``, a weighted mixture of datasets.

Entry ``i`` comes from one of the mixed datasets, drawn by weight from ``seed + i``; the entry's
``metadata["source_dataset"]`` names it, and the composite's scorer passes the answer to that
dataset's scorer. The mixture is the environment's ``config``, in plain JSON:

    config={"datasets": [{"name": "chain_sum", "weight": 2, "config": {"min_terms": 3}},
                         {"name": "maze"}]}

``name`` is any other reasoning-gym dataset; ``weight`` (default 1) is a positive number, relative
to the others; ``config`` (default none) overrides that dataset's config. The environment's
``size`` and ``dataset_seed`` are the composite's; each mixed dataset gets the same size and seed
``dataset_seed + k + 1`` for the k-th, unless its ``config`` sets them.

Without ``datasets``, the mixture is ``DEFAULT_MIXTURE``, equal weights: one fast dataset from each
of six reasoning-gym families whose scorers give no partial credit, so every hack probe applies
to every entry.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from numbers import Real
from typing import Any

from envgym_reasoning_gym.catalog import COMPOSITE

DEFAULT_MIXTURE: tuple[str, ...] = (
    "basic_arithmetic",  # arithmetic
    "caesar_cipher",  # algorithmic
    "family_relationships",  # graphs
    "knights_knaves",  # logic
    "maze",  # games
    "number_sequence",  # cognition
)

_SPEC_KEYS = ("name", "weight", "config")
_SHAPE = 'config={"datasets": [{"name": ..., "weight": ..., "config": {...}}, ...]}'


def composite_config(config: Mapping[str, Any] | None) -> dict[str, Any]:
    """The composite's config with every spec complete (``name``, ``weight``, ``config``), or the
    default mixture; raises ValueError naming what is wrong."""
    config = dict(config or {})
    unknown = sorted(set(config) - {"datasets"})
    if unknown:
        raise ValueError(
            f"the composite's config takes only 'datasets' ({_SHAPE}), got {unknown}; its size and "
            "seed are the environment's size and dataset_seed options"
        )
    specs = config.get("datasets", [{"name": name} for name in DEFAULT_MIXTURE])
    if isinstance(specs, str | bytes) or not isinstance(specs, Sequence) or not specs:
        raise ValueError(f"'datasets' must be a non-empty list of dataset specs ({_SHAPE}), got {specs!r}")
    complete = [_spec(spec) for spec in specs]
    names = [spec["name"] for spec in complete]
    twice = sorted({name for name in names if names.count(name) > 1})
    if twice:
        raise ValueError(f"each dataset may appear once in a composite; {twice} appear more than once")
    return {"datasets": complete}


def _spec(spec: Any) -> dict[str, Any]:
    """One dataset spec, checked, with its defaults filled in."""
    from reasoning_gym.factory import DATASETS

    if not isinstance(spec, Mapping):
        raise ValueError(f"each dataset spec must be a mapping with keys {list(_SPEC_KEYS)}, got {spec!r}")
    unknown = sorted(set(spec) - set(_SPEC_KEYS))
    if unknown:
        raise ValueError(f"dataset spec {dict(spec)} has unknown keys {unknown}; the keys are {list(_SPEC_KEYS)}")
    name = spec.get("name")
    if not isinstance(name, str) or name not in DATASETS or name == COMPOSITE:
        raise ValueError(
            f"dataset spec {dict(spec)}: 'name' must name a reasoning-gym dataset other than "
            f"{COMPOSITE!r} (see `envgym list`), got {name!r}"
        )
    weight = spec.get("weight", 1)
    if isinstance(weight, bool) or not isinstance(weight, Real) or not math.isfinite(weight) or weight <= 0:
        raise ValueError(f"dataset spec for {name!r}: 'weight' must be a positive number, got {weight!r}")
    config = spec.get("config", {})
    if not isinstance(config, Mapping):
        raise ValueError(
            f"dataset spec for {name!r}: 'config' must be a mapping of {name} config fields, got {config!r}"
        )
    return {"name": name, "weight": float(weight), "config": dict(config)}


def dataset_specs(config: Mapping[str, Any]) -> list[Any]:
    """reasoning-gym's ``DatasetSpec`` for each spec of a config from ``composite_config``."""
    from reasoning_gym.composite import DatasetSpec

    return [DatasetSpec(spec["name"], spec["weight"], dict(spec["config"])) for spec in config["datasets"]]
