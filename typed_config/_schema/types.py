"""Reading annotations: union members, the type one step down a path, whether a type takes text, the models it reaches."""

from __future__ import annotations

import enum
import pathlib
import types
import typing
from collections.abc import Iterator, Mapping, Sequence
from typing import Annotated, Any, Literal, Union

from pydantic import BaseModel, SecretBytes, SecretStr
from typing_extensions import TypeIs

from typed_config._keys.values import field_keys
from typed_config._types import Path, empty_cache, per_class

_UNIONS = (Union, types.UnionType)


def is_model(tp: object) -> TypeIs[type[BaseModel]]:
    """Whether ``tp`` is a pydantic model class (``list[int]``, a class on Python 3.10, is not)."""
    return isinstance(tp, type) and typing.get_origin(tp) is None and issubclass(tp, BaseModel)


def strip(tp: Any) -> Any:
    """The type without ``Annotated`` wrappers."""
    while typing.get_origin(tp) is Annotated:
        tp = typing.get_args(tp)[0]
    return tp


def members(tp: Any) -> list[Any]:
    """The members of a union (``Optional`` included), or ``[tp]``; ``Annotated`` removed."""
    tp = strip(tp)
    if typing.get_origin(tp) in _UNIONS:
        return [m for arg in typing.get_args(tp) for m in members(arg)]
    return [tp]


def model_fields_by_key(model: type[BaseModel]) -> dict[str, Any]:
    """The annotation of each field, by its key in data (the alias when set)."""
    fields = model.model_fields
    return {key: fields[name].annotation for name, key in field_keys(model)}


def model_holders(model: type[BaseModel]) -> list[tuple[str, str]]:
    """The (attribute name, key) pairs of the fields whose value may be a model itself (not in a container).

    A field typed by scalars, literals or containers is left out; anything else (a model, a
    union with one, ``Any``, ``object``, a type variable) may hold one. Worked out once per class.
    """
    return per_class(model, "__typed_config_model_holders__", _model_holders)


def _model_holders(model: type[BaseModel]) -> list[tuple[str, str]]:
    fields = model.model_fields
    return [
        (name, key)
        for name, key in field_keys(model)
        if any(map(_may_be_model, members(fields[name].annotation)))
    ]


def _may_be_model(member: Any) -> bool:
    if member is Any:  # a class itself on Python 3.11
        return True
    if isinstance(member, type):
        return issubclass(member, BaseModel) or member is object
    return (
        typing.get_origin(member) is None and member is not None
    )  # Any, a type variable, a forward reference


def child_type(tp: Any, part: str | int) -> Any | None:
    """The type one step down from ``tp`` along a path part, or None when there is none."""
    found: list[Any] = []
    for member in members(tp):
        if member is Any or member is object:
            found.append(Any)  # free-form data: any key or index, any value below it
            continue
        if is_model(member) and isinstance(part, str):
            annotation = model_fields_by_key(member).get(part)
            if annotation is not None:
                found.append(annotation)
            continue
        origin, args = typing.get_origin(member), typing.get_args(member)
        if origin in (dict, Mapping, typing.Dict) and len(args) == 2 and isinstance(part, str):  # noqa: UP006 - the runtime origin
            found.append(args[1])
        elif origin is tuple and args and args[-1] is not Ellipsis and isinstance(part, int):
            if part < len(args):  # tuple[int, str]: each position has its own type
                found.append(args[part])
        elif origin in (list, tuple, Sequence, set, frozenset) and args and isinstance(part, int):
            found.append(args[0])
    if not found:
        return None
    return found[0] if len(found) == 1 else Union[tuple(found)]  # noqa: UP007 - built at run time


def model_at(schema: type[BaseModel], path: Path) -> type[BaseModel] | None:
    """The model whose values are at ``path`` (keys only), or None: not one model (a union, a mapping)."""
    known: dict[Path, type[BaseModel] | None] = per_class(schema, "__typed_config_model_at__", empty_cache)
    if path not in known:
        tp: Any = schema
        for part in path:
            tp = child_type(tp, part) if tp is not None else None
        found = [m for m in members(tp) if m is not type(None)] if tp is not None else []
        known[path] = found[0] if len(found) == 1 and is_model(found[0]) else None
    return known[path]


def takes_text(tp: Any) -> bool:
    """Whether every non-None member of ``tp`` accepts a string as it is (so text stays text).

    Strings, string ``Literal``s and enums, paths, and ``bytes`` (the text's UTF-8 bytes).
    """
    found = [m for m in members(tp) if m is not type(None)]
    return bool(found) and all(_is_text_type(m) for m in found)


def _is_text_type(tp: Any) -> bool:
    if tp is str or tp is SecretStr or tp is SecretBytes:
        return True
    if typing.get_origin(tp) is Literal:
        return all(isinstance(v, str) for v in typing.get_args(tp))
    if isinstance(tp, type):
        if issubclass(tp, (str, bytes, pathlib.PurePath)):  # bytes: the text's UTF-8
            return True
        if issubclass(tp, enum.Enum):
            return all(isinstance(m.value, str) for m in tp)
    return False


def is_bool(tp: Any) -> bool:
    """Whether ``tp`` is ``bool`` or ``Optional[bool]``."""
    found = [m for m in members(tp) if m is not type(None)]
    return found == [bool]


def is_sequence(tp: Any) -> bool:
    """Whether ``tp`` (or a member of it) is a list, tuple or set type."""
    return any(
        typing.get_origin(m) in (list, tuple, Sequence, set, frozenset) or m in (list, tuple, set)
        for m in members(tp)
    )


def takes_single(tp: Any) -> bool:
    """Whether a member of ``tp``, None aside, is one value: not a list, tuple, set, mapping or model.

    For such a field (``str | list[str]``) one command-line token is the value itself, as after
    ``=``; for a field that is only a list (``list[str]``, ``Optional[list[int]]``) it is one item.
    """
    return any(
        m is not type(None) and not is_sequence(m) and not is_model(m) and not _is_mapping(m)
        for m in members(tp)
    )


def _is_mapping(tp: Any) -> bool:
    return tp is dict or typing.get_origin(tp) in (dict, Mapping, typing.Dict)  # noqa: UP006 - the runtime origin


def nested_models(tp: Any) -> Iterator[type[BaseModel]]:
    """Every model class reachable from ``tp`` (itself included), each once."""
    seen: set[type[BaseModel]] = set()
    stack: list[Any] = [tp]
    while stack:
        current = strip(stack.pop())
        if is_model(current):
            if current in seen:
                continue
            seen.add(current)
            yield current
            stack.extend(info.annotation for info in current.model_fields.values())
        else:
            stack.extend(typing.get_args(current))
