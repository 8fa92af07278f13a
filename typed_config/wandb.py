"""wandb, typed: push a config into a wandb run, and build a typed config from ``wandb.config``.

Imported only when used (``import typed_config`` never imports wandb)::

    import typed_config.wandb as tcw

    run = tc.init(HParams)
    wb = wandb.init(config=tcw.to_wandb(run.config))     # or tcw.push(run.config) after wandb.init
    cfg = tcw.from_wandb(HParams)                          # inside a sweep run: wandb.config, typed

wandb shows nested dicts with dots itself, so configs go in nested. From a sweep, ``wandb.config``
may hold both ``optimizer: {...}`` and dotted keys such as ``optimizer.lr`` (wandb issue 982):
they are merged, and only a real conflict (two different values for one key) is an error.
Secrets (``SecretStr``) are never pushed in clear.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel

from typed_config._errors import ConfigError, Origin, Problem, show
from typed_config._flat.flatten import flatten
from typed_config._keys.dotted import unflatten
from typed_config._keys.values import is_mapping
from typed_config._layers.layers import validate
from typed_config._schema.check import WANDB_KEYS, check_schema
from typed_config._schema.secrets import holds_marker, redact, type_at
from typed_config._sources.mapping import mapping_layer
from typed_config._types import M

__all__ = ["from_wandb", "push", "to_wandb"]


def _wandb() -> Any:
    try:
        import wandb
    except ModuleNotFoundError:
        raise ModuleNotFoundError(
            "typed_config.wandb needs the wandb package: pip install wandb", name="wandb"
        ) from None
    return wandb


def to_wandb(config: BaseModel) -> dict[str, Any]:
    """The config as wandb stores it: nested dicts of JSON values, secrets redacted, computed fields in.

    Args:
        config: a validated config.

    Returns:
        A new nested dict, for ``wandb.init(config=...)`` or ``wandb.config.update(...)``.

    Raises:
        TypeError: a top-level key of the config's class is one of wandb's own (``wandb_version``).
    """
    check_schema(type(config))  # its top-level keys are the run's: none may be one of wandb's own
    return unflatten(flatten(config))  # computed fields included: trackers see derived values


def push(config: BaseModel, run: Any = None) -> None:
    """Put the config into a wandb run (the current one by default), replacing what it had.

    Raises:
        RuntimeError: there is no run: call ``wandb.init()`` first.
    """
    target = run if run is not None else _wandb().run
    if target is None:
        raise RuntimeError("no wandb run: call wandb.init() before typed_config.wandb.push()")
    target.config.update(to_wandb(config), allow_val_change=True)


def from_wandb(schema: type[M], config: Mapping[str, Any] | Any = None) -> M:
    """A typed config from ``wandb.config`` (the current run's by default) or any mapping like it.

    Nested dicts and dotted keys are merged key by key; ``_wandb`` is skipped; keys that give two
    different values for one setting are a conflict.

    Args:
        schema: the model to validate against.
        config: ``wandb.config``, ``run.config`` or a dict; the current run's config when None.

    Raises:
        ConfigError: a conflict or any validation problem, each naming ``wandb.config[...]``.
        RuntimeError: no config was given and there is no wandb run.
    """
    check_schema(schema)
    if config is None:
        run = _wandb().run
        if run is None:
            raise RuntimeError("no wandb run: pass config= or call wandb.init() first")
        config = run.config
    source: Any = config
    raw: Mapping[str, Any] = source.as_dict() if hasattr(source, "as_dict") else source
    flat, origins, problems = _merged(schema, raw)
    if problems:
        raise ConfigError(problems)
    # Pushed redacted: the marker is not the secret, so the field falls back to its default.
    for key in [k for k, v in flat.items() if holds_marker(type_at(schema, k.split(".")), v)]:
        del flat[key]
    layer, more = mapping_layer(flat, "wandb.config", lambda key: origins.get(key, f"wandb.config[{key!r}]"))
    if more:
        raise ConfigError(more)
    return validate(schema, [layer])


def _merged(
    schema: type[BaseModel], raw: Mapping[str, Any]
) -> tuple[dict[str, Any], dict[str, str], list[Problem]]:
    """Dot-keys from nested dicts and dotted keys together; a key given two values is a problem."""
    flat: dict[str, Any] = {}
    origins: dict[str, str] = {}
    problems: list[Problem] = []
    for top, value in raw.items():
        if top in WANDB_KEYS:
            continue
        for key, leaf in _leaves(str(top), value):
            where = f"wandb.config[{top!r}]"
            if key in flat and flat[key] != leaf:
                tp = type_at(schema, key.split("."))
                ours, theirs = show(redact(tp, leaf)), show(redact(tp, flat[key]))
                message = f"{where} gives {ours}, but {origins[key]} gives {theirs}"
                problems.append(Problem(key, message, Origin(text=where)))
                continue
            flat[key] = leaf
            origins.setdefault(key, where)
    return flat, origins, problems


def _leaves(prefix: str, value: Any) -> list[tuple[str, Any]]:
    if is_mapping(value) and value:
        return [pair for key, item in value.items() for pair in _leaves(f"{prefix}.{key}", item)]
    return [(prefix, value)]
