"""The schema's non-empty defaults of mapping fields: the lowest layer a key beside them merges into."""

from __future__ import annotations

import typing
from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel

from typed_config._keys.values import field_keys, is_mapping, to_plain
from typed_config._schema.types import is_model, members
from typed_config._types import per_class


def dict_defaults(schema: type[BaseModel]) -> dict[tuple[str, ...], Any]:
    """The non-empty defaults of mapping fields, by path through nested models, as plain data.

    Schema defaults are the lowest layer: ``--weights.b=2`` on ``weights = {"a": 1.0}`` gives
    both keys, as a later file keeps what an earlier one set beside a key.
    """

    def find(model: type[BaseModel]) -> dict[tuple[str, ...], Any]:
        found: dict[tuple[str, ...], Any] = {}
        _find_dict_defaults(model, None, (), found, set())
        return found

    return per_class(schema, "__typed_config_dict_defaults__", find)


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
