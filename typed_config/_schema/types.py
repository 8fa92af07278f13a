"""Reading a schema's types: the field behind a key, whether it takes text, the keys it knows."""

from __future__ import annotations

import enum
import pathlib
import types
import typing
from collections.abc import Iterator, Mapping, Sequence
from typing import Annotated, Any, Literal, Union

from pydantic import BaseModel, SecretBytes, SecretStr
from typing_extensions import TypeIs

from typed_config._keys.values import field_keys, is_mapping, to_plain
from typed_config._schema.suggest import closest

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


def known_keys(schema: type[BaseModel], loc: Sequence[str | int]) -> list[str]:
    """The keys a mapping at ``loc`` may hold, for did-you-mean; ``loc`` may hold union tags."""
    tp: Any = schema
    for part in loc:
        step = child_type(tp, part)
        if step is None:
            # A union member's tag in a pydantic loc (a class name or a discriminator value).
            step = _member_by_tag(tp, part)
        if step is None:
            return []
        tp = step
    return [key for member in members(tp) if is_model(member) for key in model_fields_by_key(member)]


def _member_by_tag(tp: Any, tag: str | int) -> Any | None:
    for member in members(tp):
        if is_model(member) and (member.__name__ == tag or tag in _literal_values(member)):
            return member
    return None


def _literal_values(model: type[BaseModel]) -> Iterator[object]:
    for info in model.model_fields.values():
        if typing.get_origin(strip(info.annotation)) is Literal:
            yield from typing.get_args(strip(info.annotation))


def discriminators(schema: type[BaseModel]) -> dict[tuple[str | int, ...], tuple[str, Any]]:
    """The paths of discriminated union fields, through nested models.

    Each comes with its discriminator's key and default value (None when the field has none).
    """
    cached: dict[tuple[str | int, ...], tuple[str, Any]] | None = schema.__dict__.get(
        "__typed_config_unions__"
    )
    if cached is None:
        cached = {}
        _find_unions(schema, (), cached, set())
        type.__setattr__(schema, "__typed_config_unions__", cached)
    return cached


def _find_unions(
    model: type[BaseModel],
    prefix: tuple[str | int, ...],
    found: dict[tuple[str | int, ...], tuple[str, Any]],
    seen: set[type[BaseModel]],
) -> None:
    if model in seen:  # a recursive schema: its paths repeat without end
        return
    seen = seen | {model}
    for name, key in field_keys(model):
        info = model.model_fields[name]
        here = (*prefix, key)
        if isinstance(info.discriminator, str):
            default = (
                None if info.is_required() else info.get_default(call_default_factory=True, validated_data={})
            )
            tag = _tag_key(info.annotation, info.discriminator)
            found[here] = (tag, getattr(default, info.discriminator, None))
        for member in members(info.annotation):
            if is_model(member):
                _find_unions(member, here, found, seen)


def _tag_key(union: Any, name: str) -> str:
    """The key in data of a discriminator field: its alias, which pydantic requires alike in every member."""
    for member in members(union):
        if is_model(member):
            keys = dict(field_keys(member))
            if name in keys:
                return keys[name]
    return name


def dotted_aliases(model: type[BaseModel]) -> list[str]:
    """Fields of ``model`` whose alias has a dot, as ``Class.field (alias 'a.b')``."""
    found: list[str] = []
    for name, info in model.model_fields.items():
        dotted = next(
            (
                a
                for a in (info.alias, info.validation_alias, info.serialization_alias)
                if isinstance(a, str) and "." in a
            ),
            None,
        )
        if dotted is not None:
            found.append(f"{model.__name__}.{name} (alias {dotted!r})")
    return found


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


def dict_defaults(schema: type[BaseModel]) -> dict[tuple[str, ...], Any]:
    """The non-empty defaults of mapping fields, by path through nested models, as plain data.

    Schema defaults are the lowest layer: ``--weights.b=2`` on ``weights = {"a": 1.0}`` gives
    both keys, as a later file keeps what an earlier one set beside a key.
    """
    cached: dict[tuple[str, ...], Any] | None = schema.__dict__.get("__typed_config_dict_defaults__")
    if cached is None:
        cached = {}
        _find_dict_defaults(schema, None, (), cached, set())
        type.__setattr__(schema, "__typed_config_dict_defaults__", cached)
    return cached


def _find_dict_defaults(
    model: type[BaseModel],
    instance: BaseModel | None,
    prefix: tuple[str, ...],
    found: dict[tuple[str, ...], Any],
    seen: set[type[BaseModel]],
) -> None:
    if model in seen:  # a recursive schema
        return
    seen = seen | {model}
    for name, key in field_keys(model):
        info = model.model_fields[name]
        if instance is not None:
            value = instance.__dict__.get(name)
        elif info.is_required():
            value = None
        else:
            value = info.get_default(call_default_factory=True, validated_data={})
        found_members = members(info.annotation)
        models = [m for m in found_members if is_model(m)]
        here = (*prefix, key)
        if len(models) == 1:  # a union of several models switches variants: no defaults below it
            child = value if isinstance(value, models[0]) else None
            _find_dict_defaults(models[0], child, here, found, seen)
        elif is_mapping(value) and value and any(_is_mapping_type(m) for m in found_members):
            found[here] = to_plain(value, reveal=True)


def _is_mapping_type(tp: Any) -> bool:
    return tp in (dict, Mapping) or typing.get_origin(tp) in (dict, Mapping, typing.Dict)  # noqa: UP006 - the runtime origin


def attribute_name(model: BaseModel, key: str, full_key: str | None = None) -> str:
    """The attribute name of the field whose key is ``key``.

    Raises:
        KeyError: the model has no such key (with a did-you-mean when one is close).
    """
    for name, field_key in field_keys(type(model)):
        if field_key == key:
            return name
    match = closest(key, [k for _, k in field_keys(type(model))])
    hint = f"; did you mean {match!r}?" if match else ""
    raise KeyError(f"{full_key or key}: no such key{hint}")


def check_schema(schema: object) -> None:
    """Refuse what is not a model class, or a model whose aliases contain dots."""
    if not (isinstance(schema, type) and issubclass(schema, BaseModel)):
        raise TypeError(f"a schema must be a pydantic BaseModel subclass, not {schema!r}")
    if schema.__dict__.get("__typed_config_checked__"):
        return  # a class does not change once built: check it once, not on every load
    dotted = [name for model in nested_models(schema) for name in dotted_aliases(model)]
    if dotted:
        raise TypeError(f"field aliases must not contain '.': {', '.join(dotted)}")
    keys = {info.alias or name for name, info in schema.model_fields.items()}
    if keys & {"wandb_version", "_wandb"}:
        raise TypeError(
            f"{schema.__name__}: 'wandb_version' and '_wandb' are wandb's keys; config files drop them"
        )
    type.__setattr__(schema, "__typed_config_checked__", True)
