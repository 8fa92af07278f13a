"""Checking a sweep against a schema: each parameter names a key, and every value it can take validates."""

from __future__ import annotations

import functools
import math
import re
import typing
from typing import Any, Final

from pydantic import BaseModel
from pydantic_core import PydanticSerializationError

from typed_config._errors import ConfigError, Origin, Problem, show
from typed_config._keys.dotted import format_path
from typed_config._keys.values import is_dict
from typed_config._layers.layers import Layer, encode, keyed_layer, validate
from typed_config._schema.names import leaf_names, resolve_key
from typed_config._schema.suggest import suggest
from typed_config._schema.types import child_type, is_model, members, model_fields_by_key, strip
from typed_config._schema.unions import discriminators
from typed_config._sweep.draw import exp, filled, quantize
from typed_config._sweep.file import Placed, Where
from typed_config._sweep.spec import (
    GRID,
    MAX_CONFIGS,
    Found,
    Param,
    axis,
    check_keys,
    count_text,
    distribution,
    is_listed,
    listed,
)
from typed_config._types import Path

MAX_SUGGESTIONS: Final = 100
"""Did-you-mean is worked out while a sweep has fewer problems than this (each costs a search)."""
_PROBES: Final = {  # values standing for the open or unbounded ends of a distribution, and how to say so
    "normal": ((-1e300, "is unbounded"), (1e300, "is unbounded")),
    "log_normal": ((5e-324, "draws values down to 0"), (1e300, "is unbounded above")),
    "beta": ((5e-324, "draws values down to 0"), (1 - 2**-53, "draws values up to 1")),
}


def parse(schema: type[BaseModel], data: dict[str, Any], where: Where, *, count: int | None = None) -> Found:
    """Every problem of a sweep, placed, and its parameters; ``count`` limits how many configs a grid makes."""
    found = Found(where, [], [])
    check_keys(data, found)
    if is_dict(data.get("parameters")):
        _parameters(schema, data["parameters"], (), ("parameters",), found)
    names = [(".".join(map(str, p.path)), i, where(p.where, True)) for i, p in enumerate(found.params)]  # noqa: FBT003 - Where
    found.problems.extend(keyed_layer("sweep", names, Origin(text="sweep"))[1])  # a parameter set twice
    _never_chosen(schema, found)
    if data.get("method") == "grid":
        _grid(data.get("run_cap") if count is None else count, found)
    found.problems.sort(key=lambda p: (p.origin.line or 0, p.origin.column or 0))
    return found


def _grid(cap: Any, found: Found) -> None:
    """Only listed values, int_uniform and q_uniform make a grid, and only a bounded one is expanded."""
    enumerable = True
    for p in found.params:
        if p.dist not in GRID or "probabilities" in p.spec:
            wrong = "probabilities" if p.dist in GRID else p.dist
            at = "probabilities" if p.dist in GRID else "distribution" if "distribution" in p.spec else "min"
            found.add(
                p.name, f"grids take value, values, int_uniform or q_uniform, not {wrong}", (*p.where, at)
            )
            enumerable = False
    if not enumerable or (type(cap) is int and 0 < cap <= MAX_CONFIGS):
        return
    size = math.prod(axis(p).size for p in found.params)
    if size > MAX_CONFIGS:
        found.add(None, too_many(size), ("parameters",), at_key=True)


def too_many(size: int) -> str:
    """The message for a grid too large to expand whole."""
    return (
        f"the grid has {count_text(size)} configs, more than the {MAX_CONFIGS:,} a sweep may expand to; "
        "set run_cap, or expand with a count"
    )


def _parameters(schema: type[BaseModel], block: Any, names: tuple[str, ...], at: Path, found: Found) -> None:
    if not is_dict(block) or not block:
        found.add(".".join(names) or None, f"parameters must be a non-empty mapping (got {show(block)})", at)
        return
    for key, spec in block.items():
        written, here = (*names, str(key)), (*at, key)
        name = ".".join(written)
        if is_dict(spec) and "parameters" in spec:
            for other in (k for k in spec if k != "parameters"):
                found.add(name, f"nested parameters take no {other!r}", (*here, other), at_key=True)
            _parameters(schema, spec["parameters"], written, (*here, "parameters"), found)
            continue
        resolved = resolve_key(schema, name)
        if resolved is None:
            hint = suggest(name, _leaf_names(schema)) if len(found.problems) < MAX_SUGGESTIONS else ""
            found.add(name, "unknown parameter" + hint, here, at_key=True)
        elif not is_dict(spec):
            found.add(name, f"a parameter is a mapping (value, values, min, max...), not {show(spec)}", here)
        elif (dist := distribution(name, spec, here, found)) is not None:
            found.params.append(Param(name, resolved[0], here, dist, filled(dist, spec)))
            _check_field(schema, found.params[-1], resolved[1], found)


@functools.lru_cache(maxsize=32)
def _leaf_names(schema: type[BaseModel]) -> list[str]:
    return leaf_names(schema)  # once per schema, not once per unknown parameter


def _check_field(schema: type[BaseModel], p: Param, tp: Any, found: Found) -> None:
    """Every value a parameter can take must validate for its field: those listed, or a distribution's ends."""
    if is_listed(p):
        valid: set[object] = set()  # a value repeated is validated once (an invalid one at each place)
        for value, at in listed(p):
            text = _encoded(value)
            if text is None or text not in valid:
                problems = _invalid(schema, p, placed(p, value, at, found.where))
                found.problems.extend(problems)
                if not problems and text is not None:
                    valid.add(text)
        return
    spot = ((*p.where, "distribution"), False) if "distribution" in p.spec else (p.where, True)
    kind = int if p.dist == "int_uniform" or type(p.spec.get("q")) is int else float
    if not any(m is kind or m in (float, object, Any) for m in members(tp)):
        takes = getattr(tp, "__name__", str(tp)).replace("typing.", "")
        found.add(p.name, f"{p.dist} draws {kind.__name__}s but the field takes {takes}", *spot)
        return
    for key, value, how in _ends(p, kind):
        for problem in _invalid(schema, p, placed(p, value, None, found.where)):
            message, rule = problem.message, problem.message.rsplit(" (got ", 1)[0]
            if key or ("q" in p.spec and abs(value) < 1e300):  # reached: min, max, or a rounded probe
                message = f"{how}: {message}" if how else message
            else:  # a probe for an open or unbounded end: say what the field requires
                message = f"{how} but the field requires a value {rule.removeprefix('Input should be ')}"
            found.add(problem.key, message, *(((*p.where, key), False) if key else spot))


_SCALARS: Final = (int, float, str, bool, type(None))


def _encoded(value: object) -> object:
    """A key equal for equal values of the same type (None when there is none)."""
    kind = type(value)
    if kind in _SCALARS:
        return (kind, value)  # cheaper than JSON for the common case
    try:
        return encode(value)
    except (PydanticSerializationError, ValueError, RecursionError):  # validation will say why
        return None


def _ends(p: Param, kind: type) -> list[tuple[str, Any, str]]:
    """The extreme values a distribution draws: (its key in the spec, or "" for a probe; value; how)."""
    s, base, sign = p.spec, p.dist.removeprefix("q_"), {"log_uniform": 1, "inv_log_uniform": -1}
    ends = [("", v, f"{p.dist} {how}") for v, how in _PROBES.get(base, ())] or [
        (k, s[k], "")
        if base not in sign
        else (k, exp(sign[base] * s[k]), f"{p.dist} draws e**{sign[base] * s[k]:g}")
        for k in ("min", "max")
    ]
    if "q" not in s:
        return [(key, kind(value), how) for key, value, how in ends]
    rounded = [(key, value, quantize(value, s["q"]), how) for key, value, how in ends]
    return [(key, r, how if r == v else f"{p.dist} rounds to {r}") for key, v, r, how in rounded]


def _invalid(schema: type[BaseModel], p: Param, layer: Layer) -> list[Problem]:
    """The problems of one parameter's value, for its own key (keys it leaves unset may be required)."""
    for union, tag, value in variant_tags(schema, p.path):  # a field of another variant: choose it
        node: Any = layer.data
        for part in union:
            node = node[part]
        node[tag] = value
    try:
        validate(schema, [layer])
    except ConfigError as exc:
        key = format_path(p.path)
        return [q for q in exc.problems if q.key and re.match(rf"{re.escape(key)}($|[.\[])", q.key)]
    return []


def variant_tags(schema: type[BaseModel], path: Path) -> list[tuple[Path, str, Any]]:
    """For each discriminated union ``path`` goes through: the tag of a variant that has its next key.

    Empty for a union whose default variant has that key, or whose tag is the key itself.
    """
    found: list[tuple[Path, str, Any]] = []
    for union, (tag, default) in discriminators(schema).items():
        n = len(union)
        if len(path) <= n or path[:n] != union or path[n] == tag:
            continue
        tags = [
            value
            for model in variants(schema, union)
            if path[n] in model_fields_by_key(model)
            for value in tag_values(model, tag)
        ]
        if tags and default not in tags:
            found.append((union, tag, tags[0]))
    return found


def _never_chosen(schema: type[BaseModel], found: Found) -> None:
    """A field of union variants the sweep's own tag values never choose would be dropped from every config."""
    unions = discriminators(schema)
    listed_values = {p.path: [value for value, _ in listed(p)] for p in found.params if is_listed(p)}
    for p in found.params:
        for union, (tag, _) in unions.items():
            n = len(union)
            values = listed_values.get((*union, tag))
            if values is None or len(p.path) <= n or p.path[:n] != union or p.path[n] == tag:
                continue
            having = [
                v
                for m in variants(schema, union)
                if p.path[n] in model_fields_by_key(m)
                for v in tag_values(m, tag)
            ]
            if not any(value in having for value in values):
                message = f"no {format_path(union)} this sweep chooses ({tag}: {show(values)}) has this field"
                found.add(p.name, message, p.where, at_key=True)


def variants(schema: type[BaseModel], union: Path) -> list[type[BaseModel]]:
    """The models a union field at ``union`` may hold."""
    tp: Any = schema
    for part in union:
        tp = child_type(tp, part)
    return [m for m in members(tp) if is_model(m)]


def tag_values(model: type[BaseModel], tag: str) -> tuple[Any, ...]:
    """The values of a variant's tag field (its ``Literal``)."""
    annotation = model_fields_by_key(model).get(tag)
    if annotation is None and tag in model.model_fields:
        annotation = model.model_fields[tag].annotation
    return (
        typing.get_args(strip(annotation)) if typing.get_origin(strip(annotation)) is typing.Literal else ()
    )


def placed(p: Param, value: Any, at: Path | None, where: Where) -> Placed:
    """A parameter's value at its schema path; ``at`` is where in its spec it is written (None: drawn)."""
    n = len(p.path)

    def place(path: Path, at_key: bool) -> Origin:
        if path[:n] != p.path or at is None:  # a key it leaves unset (a required one), or a drawn value
            return where(("parameters",) if path[:n] != p.path else p.where, True)  # noqa: FBT003 - Where
        return where((*p.where, *at, *path[n:]), at_key)

    return Placed(functools.reduce(lambda data, part: {part: data}, reversed(p.path), value), place)
