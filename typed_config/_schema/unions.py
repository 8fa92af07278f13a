"""Unions of models in a schema: discriminated union fields and their tags, a member named by its tag."""

from __future__ import annotations

import typing
from collections.abc import Iterator
from typing import Any, Literal

from pydantic import BaseModel

from typed_config._keys.values import field_keys
from typed_config._schema.types import is_model, members, strip
from typed_config._types import per_class


def discriminators(schema: type[BaseModel]) -> dict[tuple[str | int, ...], tuple[str, Any]]:
    """The paths of discriminated union fields, through nested models.

    Each comes with its discriminator's key and default value (None when the field has none).
    """

    def find(model: type[BaseModel]) -> dict[tuple[str | int, ...], tuple[str, Any]]:
        found: dict[tuple[str | int, ...], tuple[str, Any]] = {}
        _find_unions(model, (), found, set())
        return found

    return per_class(schema, "__typed_config_unions__", find)


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


def member_by_tag(tp: Any, tag: str | int) -> Any | None:
    """The model member of a union that a pydantic location names: by class name or a ``Literal`` tag."""
    for member in members(tp):
        if is_model(member) and (member.__name__ == tag or tag in _literal_values(member)):
            return member
    return None


def _literal_values(model: type[BaseModel]) -> Iterator[object]:
    for info in model.model_fields.values():
        if typing.get_origin(strip(info.annotation)) is Literal:
            yield from typing.get_args(strip(info.annotation))
