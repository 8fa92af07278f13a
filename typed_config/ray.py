"""Ray Tune over a schema's search space: a ``param_space`` built from it, and trainables that validate.

Ray is imported only when a function here needs it (``pip install 'typed-config[ray]'``).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from typing import Any

from pydantic import BaseModel

from typed_config._errors import ConfigError
from typed_config._flat.flatten import flatten
from typed_config._keys.dotted import unflatten
from typed_config._layers.layers import validate
from typed_config._schema.space import Choice, IntUniform, LogUniform, Searched, Uniform, applies
from typed_config._sources.mapping import mapping_layer
from typed_config._types import M, R
from typed_config.search import spaced

__all__ = ["param_space", "trainable", "validated"]

_HINT = "typed_config.ray needs Ray Tune: pip install 'typed-config[ray]'"


def param_space(schema: type[BaseModel]) -> dict[str, Any]:
    """The nested ``param_space`` of ``ray.tune`` distributions for the schema's search space.

    A discriminated union's tag is a ``tune.choice``; a field of its variants is a
    ``tune.sample_from`` that draws from the chosen variant's distribution (``None`` when the
    chosen variant has no such field: ``trainable`` and ``validated`` drop it).

    Raises:
        ImportError: Ray Tune is not installed.
        TypeError: a search space its field cannot take.
    """
    tune = _import_tune()
    by_key: dict[str, list[Searched]] = {}
    for item in spaced(schema):
        by_key.setdefault(item.key, []).append(item)
    flat: dict[str, Any] = {}
    for key, items in by_key.items():
        if len(items) == 1 and not items[0].when:
            flat[key] = _domain(tune, items[0])
        else:
            flat[key] = tune.sample_from(functools.partial(_conditional, tuple(items)))
    return unflatten(flat)


def _domain(tune: Any, item: Searched) -> Any:
    dist = item.distribution
    if isinstance(dist, Uniform):
        if dist.q is None:
            return tune.uniform(dist.low, dist.high)
        return tune.choice(dist.grid())
    if isinstance(dist, LogUniform):
        return tune.loguniform(dist.low, dist.high)
    if isinstance(dist, IntUniform):
        if dist.log:
            return tune.lograndint(dist.low, dist.high + 1)  # Ray's upper bound is exclusive
        if dist.step == 1:
            return tune.randint(dist.low, dist.high + 1)
        return tune.choice(list(range(dist.low, dist.high + 1, dist.step)))
    if isinstance(dist, Choice):
        return tune.choice(list(dist.values))
    raise TypeError(f"{item.name}: Ray Tune cannot draw from {dist!r}")


def _conditional(items: tuple[Searched, ...], spec: Any) -> Any:
    """Draw for the variant the trial chose (Ray's documented ``sample_from`` pattern)."""
    tune = _import_tune()  # not bound in the partial: Ray deep-copies the space, and modules do not copy
    config = spec.get("config", spec)
    for item in items:
        if all(_lookup(config, tag_key) == tag for tag_key, tag in item.when):
            value = _domain(tune, item).sample()
            return value.item() if hasattr(value, "item") else value  # numpy scalars to Python
    return None


def _lookup(config: Any, key: str) -> Any:
    node = config
    for part in key.split("."):
        node = node[part]
    return node


def validated(schema: type[M], config: Mapping[str, Any], origin: str = "ray tune config") -> M:
    """Validate a Ray Tune trial's config (nested or dot-keys) into ``schema``.

    Fields of union variants the trial did not choose are dropped first.

    Raises:
        ConfigError: every problem, each naming its key and ``origin``.
    """
    flat = flatten(unflatten(dict(config)))  # dot-keys or nested mappings, or both
    drop: dict[str, bool] = {}
    for item in spaced(schema):
        if item.when:
            drop[item.key] = drop.get(item.key, True) and not applies(item, flat)
    kept = {k: v for k, v in flat.items() if not drop.get(k, False)}
    layer, problems = mapping_layer(kept, origin, lambda _key: origin)
    if problems:
        raise ConfigError(problems)
    return validate(schema, [layer])


def trainable(fn: Callable[[M], R], schema: type[M]) -> Callable[[dict[str, Any]], R]:
    """Wrap ``fn(cfg)`` as a Tune function trainable that validates the trial's config first.

    A config the schema refuses fails the trial with a ``ValueError`` whose message lists every
    problem as ``ray tune trial NAME: KEY: MESSAGE``.
    """

    @functools.wraps(fn)
    def run(config: dict[str, Any]) -> R:
        origin = f"ray tune trial {_trial_name()}"
        try:
            cfg = validated(schema, config, origin)
        except ConfigError as exc:
            # A plain ValueError crosses Ray's process boundary whole (its args are its message).
            raise ValueError(f"{schema.__name__} refused the trial's config:\n{exc}") from None
        return fn(cfg)

    return run


def _trial_name() -> str:
    tune = _import_tune()
    try:
        return str(tune.get_context().get_trial_name())
    except (AttributeError, RuntimeError):  # outside a Tune session
        return "(no session)"


def _import_tune() -> Any:
    try:
        from ray import tune
    except ImportError as exc:
        raise ImportError(_HINT) from exc
    return tune
