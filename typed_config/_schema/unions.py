"""Unions of models in a schema: discriminated union fields and their tags, a member named by its tag.

Where a later layer sets a union's tag to another variant than an earlier one, merging drops
what the earlier one set there (``merge_switches`` for a schema's fields, discriminated unions
and plain ones tagged by a literal key; ``item_switches`` for a list item whose type is a model
or a union of models). ``discriminators`` are the discriminated ones alone (default tags, sweeps).
"""

from __future__ import annotations

import typing
from collections.abc import Iterator
from typing import Annotated, Any, Literal

from pydantic import BaseModel

from typed_config._keys.values import field_keys
from typed_config._schema.types import is_model, members, strip
from typed_config._types import per_class

Switches = dict[tuple[str | int, ...], tuple[str, Any]]
"""Where a union's variant can switch: each path with its tag's key and default (None: no default)."""

UNTAGGED = object()
"""The default of a plain union's tag in ``merge_switches``: data without the tag is left as it is.

Which variant untagged keys of a plain union are for is pydantic's guess, not the default's, so
a later tag switches only from an earlier tag that names another variant.
"""


def discriminators(schema: type[BaseModel]) -> Switches:
    """The paths of discriminated union fields, through nested models.

    Each comes with its discriminator's key and default value (None when the field has none).
    """

    def find(model: type[BaseModel]) -> Switches:
        found: Switches = {}
        _find_unions(model, (), found, (set(), False))
        return found

    return per_class(schema, "__typed_config_unions__", find)


def merge_switches(schema: type[BaseModel]) -> Switches:
    """Where merging a schema's layers switches variants: its ``discriminators`` and its plain tagged unions.

    A plain union (``EarlyStop | Checkpoint``) switches by ``union_tag``, the one key every member
    fixes to a literal text; its default is ``UNTAGGED`` (only a tag set below switches).
    """

    def find(model: type[BaseModel]) -> Switches:
        found: Switches = {}
        _find_unions(model, (), found, (set(), True))
        return found

    return per_class(schema, "__typed_config_merge_unions__", find)


def _find_unions(
    model: type[BaseModel],
    prefix: tuple[str | int, ...],
    found: Switches,
    walk: tuple[set[type[BaseModel]], bool],  # the models on the way here; whether plain unions count
) -> None:
    seen, plain = walk
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
            found[here] = (
                _tag_key(info.annotation, info.discriminator),
                getattr(default, info.discriminator, None),
            )
        elif plain and (plain_tag := union_tag(info.annotation)) is not None:
            found[here] = (plain_tag, UNTAGGED)
        for member in members(info.annotation):
            if is_model(member):
                _find_unions(member, here, found, (seen, plain))


def item_switches(annotation: Any) -> Switches:
    """The switches of a list item's type, relative to the item: its own tag's (at ``()``) and its members'.

    The item's tag is its discriminator (``Annotated[A | B, Field(discriminator="kind")]``) or, for
    a plain union, the one key every member fixes to a literal text. An item has no default variant:
    at ``()`` the default is None.
    """
    found: Switches = {}
    tag = union_tag(annotation)
    if tag is not None:
        found[()] = (tag, None)
    for member in members(annotation):
        if is_model(member):
            for path, switch in merge_switches(member).items():
                found.setdefault(path, switch)
    return found


def union_tag(annotation: Any) -> str | None:
    """The key in data that names the variant of a union of models, or None when nothing names it."""
    models = [m for m in members(annotation) if is_model(m)]
    if len(models) < 2:  # a union has two members at least
        return None
    for meta in _metadata(annotation):
        name = getattr(meta, "discriminator", None)
        if isinstance(name, str):
            return _tag_key(annotation, name)
    common: set[str] | None = None
    for model in models:
        keys = {key for name, key in field_keys(model) if _fixed_text(model.model_fields[name].annotation)}
        common = keys if common is None else common & keys
    return next(iter(common)) if common is not None and len(common) == 1 else None


def _metadata(annotation: Any) -> list[Any]:
    """What ``Annotated`` wrappers around ``annotation`` hold, outermost first."""
    found: list[Any] = []
    while typing.get_origin(annotation) is Annotated:
        found.extend(annotation.__metadata__)
        annotation = typing.get_args(annotation)[0]
    return found


def _fixed_text(annotation: Any) -> bool:
    """Whether a field takes one literal text only (a plain union's tag)."""
    args = typing.get_args(strip(annotation))
    return typing.get_origin(strip(annotation)) is Literal and len(args) == 1 and isinstance(args[0], str)


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
