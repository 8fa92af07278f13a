"""Pydantic's errors to problems: each named by its key, placed at its origin, the first ones listed.

Every error is placed (an indexed look-up per error), but only the first ``MAX_PROBLEMS`` by
layer and position get a message: a file with a million bad values costs a million look-ups, not
a million did-you-mean searches.
"""

from __future__ import annotations

import heapq
import types
import typing
from collections.abc import Sequence
from typing import Any, Final, Literal, NamedTuple, Protocol, Union

from pydantic import BaseModel
from pydantic_core import ErrorDetails

from typed_config._errors import MAX_PROBLEMS, ConfigError, Origin, Problem, show
from typed_config._keys.dotted import format_path
from typed_config._keys.values import MISSING, is_dict, lookup
from typed_config._layers.error_paths import involved_keys, pick_union_members
from typed_config._schema.names import known_keys
from typed_config._schema.secrets import secret_at
from typed_config._schema.suggest import suggest
from typed_config._types import Path, per_class

NO_SOURCE: Final = Origin(text="schema")
_AT_KEY: Final = frozenset({"extra_forbidden", "missing"})  # placed at the key, not at the value


class Located(Protocol):
    """What error mapping needs of a layer: its data, whether it sets a path, where a value came from."""

    @property
    def data(self) -> Any:
        """The layer's nested values."""
        ...

    def has(self, path: Path) -> bool:
        """Whether this layer sets a value at ``path``."""
        ...

    def origin(self, path: Path, *, at_key: bool = False) -> Origin:
        """Where the value at ``path`` (or its key) came from."""
        ...

    def position(self, path: Path, *, at_key: bool = False) -> tuple[int, int]:
        """The line and column of ``origin(path)`` (0 when it has none), cheaper than the origin."""
        ...


class Mapped(NamedTuple):
    """The first problems, in order, and how many more were found."""

    problems: list[Problem]
    omitted: int

    def at(self, origin: Origin) -> ConfigError:
        """The problems as one error, each placed at ``origin`` (an assignment's code location)."""
        return ConfigError([Problem(p.key, p.message, origin) for p in self.problems], self.omitted)


class _Placed(NamedTuple):
    rank: tuple[int, int, int, int]  # layer, line, column, then the order found
    path: Path
    where: tuple[Located | None, Path, bool]  # the layer (None: the schema), the path in it, at_key
    error: ErrorDetails | None  # None: one of typed_config's own checks, with its message
    message: str
    check: bool = False  # a cross-field check, placed at one of the values it involves


def map_errors(
    errors: Sequence[ErrorDetails],
    schema: type[BaseModel],
    merged: Any,
    layers: Sequence[Located],
    *,
    extra: Sequence[tuple[Path, str]] = (),
    omitted: int = 0,
) -> Mapped:
    """Turn pydantic errors into problems, each naming its key and origin, ordered by layer and position.

    ``extra`` adds problems found by typed_config's own checks, as (data path, message), except
    at a path pydantic already reports. ``omitted`` counts errors pydantic was not asked to find
    (past the first of a schema without unions). Only the first ``MAX_PROBLEMS`` are described.
    """
    placed: list[_Placed] = []
    reported: set[Path] = set()
    skipped = omitted
    if len(errors) > MAX_PROBLEMS and not has_unions(schema):
        # Without unions every error is a problem of its own: the first ones pydantic found are
        # placed and listed, the others only counted (a million bad values cost a count).
        skipped += len(errors) - MAX_PROBLEMS
        if extra:
            reported.update(tuple(error["loc"]) for error in errors[MAX_PROBLEMS:])
        errors = errors[:MAX_PROBLEMS]
    datas = [layer.data for layer in layers]
    for error, path in pick_union_members(errors, merged):
        involved = involved_keys(error, path, merged, datas, schema)
        if involved is None:
            placed.append(
                _place(layers, path, at_key=error["type"] in _AT_KEY, order=len(placed), error=error)
            )
        else:  # a cross-field check: at every value it involves, where a source set it
            placed.extend(
                _place(layers, key, at_key=False, order=len(placed) + n, message=error["msg"], check=True)
                for n, key in enumerate(involved or [path])
            )
        reported.add(path)
    for path, message in extra:
        if path not in reported:
            placed.append(_place(layers, path, at_key=False, order=len(placed), message=message))
    first = heapq.nsmallest(MAX_PROBLEMS, placed, key=lambda item: item.rank)
    return Mapped([_describe(item, schema, merged) for item in first], len(placed) - len(first) + skipped)


def has_unions(schema: type[BaseModel]) -> bool:
    """Whether a union of two or more types (``None`` aside) occurs anywhere in the schema.

    Only a union puts tags in pydantic's error locations (and errors of members to choose from).
    """
    return per_class(schema, "__typed_config_has_unions__", _any_union)


def _any_union(schema: type[BaseModel]) -> bool:
    seen: set[type[BaseModel]] = set()
    stack: list[Any] = [schema]
    while stack:
        tp = stack.pop()
        if isinstance(tp, type) and issubclass(tp, BaseModel):
            if tp not in seen:
                seen.add(tp)
                stack.extend(info.annotation for info in tp.model_fields.values())
            continue
        origin = typing.get_origin(tp)
        if origin is None or origin is Literal:
            continue
        args = typing.get_args(tp)
        if origin in (Union, types.UnionType) and sum(arg is not type(None) for arg in args) > 1:
            return True
        stack.extend(args)
    return False


def under(key: str, name: str, errors: Sequence[ErrorDetails]) -> list[ErrorDetails]:
    """The errors of one field's assignment with locs starting at its key (pydantic's have the name)."""
    return [
        {**error, "loc": (key, *(error["loc"][1:] if error["loc"][:1] == (name,) else error["loc"]))}
        for error in errors
    ]


def _place(
    layers: Sequence[Located],
    path: Path,
    *,
    at_key: bool,
    order: int,
    error: ErrorDetails | None = None,
    message: str = "",
    check: bool = False,
) -> _Placed:
    index, sub, at = _layer_of(layers, path, at_key=at_key)
    if index == len(layers):
        return _Placed((index, 0, 0, order), path, (None, sub, at), error, message, check)
    line, column = layers[index].position(sub, at_key=at)
    return _Placed((index, line, column, order), path, (layers[index], sub, at), error, message, check)


def _describe(item: _Placed, schema: type[BaseModel], merged: Any) -> Problem:
    layer, sub, at = item.where
    path, error = item.path, item.error
    origin = layer.origin(sub, at_key=at) if layer is not None else NO_SOURCE
    key = format_path(path) or None
    if item.check:
        return _check_problem(item.message, path, origin, merged, schema)
    if error is None:
        return Problem(key, item.message, origin)
    kind = error["type"]
    if kind == "extra_forbidden":
        parent_loc = list(error["loc"][:-1])
        message = "unknown key" + suggest(str(path[-1]), known_keys(schema, parent_loc))
    elif kind == "missing":
        message = "required value is missing"
    elif secret_at(schema, path):
        # The origin never shows a secret (sources redact the arguments that give one); the input
        # may be one, or hold one, whatever its shape.
        message = f"{error['msg']} (got a secret, not shown)"
    else:
        message = f"{error['msg']} (got {show(error['input'])})"
    return Problem(key, message, origin)


def _check_problem(message: str, path: Path, origin: Origin, merged: Any, schema: type[BaseModel]) -> Problem:
    """A failed cross-field check, shown at one value it involves (with that value, unless secret)."""
    if origin is NO_SOURCE:  # nothing set under the model: its defaults do not pass its own check
        origin = Origin(text=f"the defaults of {format_path(path) or schema.__name__}")
    value = lookup(merged, path)
    if secret_at(schema, path):
        shown = " (got a secret, not shown)"
    else:
        shown = "" if value is MISSING or is_dict(value) else f" (got {show(value)})"
    return Problem(format_path(path) or None, message + shown, origin)


def _layer_of(layers: Sequence[Located], path: Path, *, at_key: bool) -> tuple[int, Path, bool]:
    """The layer a problem at ``path`` is placed in, the path there, and whether at its key.

    The highest layer that sets the value; else the highest that sets its nearest parent; for
    the root itself, the highest file (a file has a position to show, an override has not).
    """
    for end in range(len(path), 0, -1):
        for index in range(len(layers) - 1, -1, -1):
            if layers[index].has(path[:end]):
                return index, path[:end], at_key and end == len(path)
    for index in range(len(layers) - 1, -1, -1):
        if layers[index].origin(path[:1], at_key=True).path is not None:
            return index, path[:1], True
    return len(layers), (), False  # set nowhere: the schema is what asks for it
