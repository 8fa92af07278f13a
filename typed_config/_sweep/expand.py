"""Expanding a grid or random sweep into its runs' configs, one at a time, over the defaults file as init reads it."""

from __future__ import annotations

import itertools
import math
import os
import random
from collections.abc import Callable, Iterator, Sequence
from typing import Any, Final

from pydantic import BaseModel

from typed_config._errors import ConfigError, Origin, checked, single
from typed_config._keys.values import MISSING, lookup
from typed_config._layers.layers import Layer, validate
from typed_config._layers.merge import merge
from typed_config._schema.check import check_schema
from typed_config._schema.types import model_fields_by_key
from typed_config._schema.unions import discriminators
from typed_config._script.init import DEFAULTS_FILE
from typed_config._sources.files import file_layer
from typed_config._sweep.check import parse, tag_values, variants
from typed_config._sweep.draw import draw
from typed_config._sweep.file import Placed, SweepSource, Where, read_sweep
from typed_config._sweep.spec import MAX_CONFIGS, Param, axis, is_listed, listed
from typed_config._types import M, Path

_Choice = tuple[Any, "Path | None"]  # a value, and where in its parameter's spec it is written (None: drawn)
_SERVER: Final = {
    "bayes": "bayes sweeps need the wandb server; use method: random or grid to expand locally",
    "custom": "custom sweeps are run by their scheduler; use method: random or grid to expand locally",
}


def expand_runs(
    schema: type[M],
    sweep: SweepSource,
    *,
    count: int | None,
    seed: int,
    defaults: str | os.PathLike[str] | None = DEFAULTS_FILE,
) -> Iterator[tuple[M, list[Path]]]:
    """Each run's validated config, and the paths the sweep set in it (see ``typed_config.sweep.expand``).

    Raises:
        ConfigError: the sweep has problems, cannot be expanded here, or the defaults file cannot be read.
        TypeError: ``schema`` is not a model class, or a random sweep has no count.
    """
    check_schema(schema)
    data, where = read_sweep(sweep)
    found = parse(schema, data, where, count=count)
    if found.problems:
        raise ConfigError(found.problems)
    method, params = data["method"], sorted(found.params, key=lambda p: p.where[1::2])  # wandb's order
    if method in _SERVER:
        raise single(_SERVER[method], where(("method",), False), "method")  # noqa: FBT003 - Where
    limit = _limit(data, count, where)
    under = _defaults_layers(defaults)
    if method == "grid":
        combos = _grid(params, limit)
    else:
        assert limit is not None  # noqa: S101 - _limit refuses a random sweep without one
        combos = _draws(params, random.Random(seed), limit, where)  # noqa: S311 - reproducible, not secret
    return (_config(schema, under, params, combo, where) for combo in combos)


def _limit(data: dict[str, Any], count: int | None, where: Where) -> int | None:
    """How many configs: ``count``, else the file's run_cap (bounded for a random sweep), else a whole grid."""
    if count is not None:
        return count
    cap: int | None = data.get("run_cap")
    if data["method"] != "random":
        return cap
    if cap is None:
        raise TypeError("a random sweep needs a count (count=N, --count N) or a run_cap in the file")
    if cap > MAX_CONFIGS:
        message = (
            f"run_cap {cap:,} is more than the {MAX_CONFIGS:,} configs a sweep may expand to; give a count"
        )
        raise single(message, where(("run_cap",), False), "run_cap")  # noqa: FBT003 - Where
    return cap


def _defaults_layers(defaults: str | os.PathLike[str] | None) -> list[Layer]:
    """The defaults file under the sweep, as ``init`` reads it: the conventional one only when it exists."""
    if defaults is None or (defaults is DEFAULTS_FILE and not os.path.exists(defaults)):
        return []
    return [checked(file_layer(defaults))]


def _grid(params: Sequence[Param], limit: int | None) -> Iterator[list[_Choice]]:
    """Every combination, the first parameter varying slowest, as itertools.product; none is listed ahead."""
    axes = [axis(p) for p in params]
    total = math.prod(a.size for a in axes)
    for index in range(total if limit is None else min(total, limit)):
        choice: list[_Choice] = []
        for a in reversed(axes):
            index, digit = divmod(index, a.size)  # noqa: PLW2901 - the mixed-radix digits of the index
            choice.append(a.at(digit))
        yield choice[::-1]


def _draws(params: Sequence[Param], rng: random.Random, limit: int, where: Where) -> Iterator[list[_Choice]]:
    """``limit`` random combinations: each costs one draw per parameter."""
    drawers = [_drawer(p, where) for p in params]
    for _ in range(limit):
        yield [drawn(rng) for drawn in drawers]


def _drawer(p: Param, where: Where) -> Callable[[random.Random], _Choice]:
    if is_listed(p):
        items = listed(p)
        odds: Any = p.spec.get("probabilities")
        cumulative: list[float] | None = (
            list(itertools.accumulate(odds)) if odds else None
        )  # as choices(weights) adds them up
        return lambda rng: rng.choices(items, cum_weights=cumulative)[0]

    def drawn(rng: random.Random) -> _Choice:
        try:
            return draw(p.dist, p.spec, rng), None
        except (OverflowError, ValueError) as exc:
            message = f"{p.dist} drew a value beyond the largest float ({exc})"
            raise single(message, where(p.where, True), p.name) from None  # noqa: FBT003 - Where

    return drawn


def _config(
    schema: type[M], under: list[Layer], params: Sequence[Param], combo: list[_Choice], where: Where
) -> tuple[M, list[Path]]:
    chosen = [(p, value, at) for p, (value, at) in zip(params, combo, strict=True)]
    kept = _in_variant(schema, under, chosen, where)
    config = validate(schema, [*under, _combined(kept, where)])
    return config, [p.path for p, _, _ in kept]


def _in_variant(
    schema: type[BaseModel], under: list[Layer], chosen: list[tuple[Param, Any, Path | None]], where: Where
) -> list[tuple[Param, Any, Path | None]]:
    """The choices that are fields of the union variants this config has (its tags as merged)."""
    unions = discriminators(schema)
    if not unions:
        return chosen
    merged = merge([*(layer.data for layer in under), _combined(chosen, where).data], schema)
    return [choice for choice in chosen if _fits(schema, unions, merged, choice[0].path)]


def _fits(schema: type[BaseModel], unions: dict[Path, tuple[str, Any]], merged: Any, path: Path) -> bool:
    for union, (tag, default) in unions.items():
        n = len(union)
        if len(path) <= n or path[:n] != union or path[n] == tag:
            continue
        value = lookup(merged, (*union, tag))
        chosen = default if value is MISSING else value
        models = [m for m in variants(schema, union) if chosen in tag_values(m, tag)]
        if models and path[n] not in model_fields_by_key(models[0]):
            return False
    return True


def _combined(chosen: list[tuple[Param, Any, Path | None]], where: Where) -> Placed:
    """One layer holding every choice of a config (one layer each would let a tag drop its siblings)."""
    data: dict[str, Any] = {}
    by_path: dict[Path, tuple[Param, Path | None]] = {}
    for p, value, at in chosen:
        node: Any = data
        for part in p.path[:-1]:
            node = node.setdefault(part, {})
        node[p.path[-1]] = value
        by_path[p.path] = (p, at)

    def place(path: Path, at_key: bool) -> Origin:
        for end in range(len(path), 0, -1):
            hit = by_path.get(path[:end])
            if hit is not None:
                p, at = hit
                return where(p.where, True) if at is None else where((*p.where, *at, *path[end:]), at_key)  # noqa: FBT003 - Where
        return where(("parameters",), True)  # noqa: FBT003 - a key no parameter sets (a required one)

    return Placed(data, place)
