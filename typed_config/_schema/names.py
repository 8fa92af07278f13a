"""Dotted names to fields: the path and type behind a name, the names a schema knows, a key's attribute.

Names come from command lines, environment variables, files and error locations; ``-`` and ``_``
fold. Turning the text given for a name into a value is ``text``'s job.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pydantic import BaseModel

from typed_config._errors import Origin, Problem
from typed_config._keys.values import field_keys
from typed_config._schema.derived import computed_message, is_computed
from typed_config._schema.suggest import suggest
from typed_config._schema.types import child_type, is_model, members, model_fields_by_key
from typed_config._schema.unions import member_by_tag
from typed_config._types import Path, empty_cache, per_class


def resolve_key(schema: type[BaseModel], name: str) -> tuple[Path, Any] | None:
    """The path and type behind a dotted name; ``-`` and ``_`` fold; keys of dict fields are literal."""
    cache: dict[str, tuple[Path, Any] | None] = per_class(schema, "__typed_config_resolved__", empty_cache)
    if name not in cache:
        if len(cache) > 10_000:  # names come from command lines and files: keep the memory bounded
            cache.clear()
        cache[name] = _resolve_key(schema, name)
    return cache[name]


def _resolve_key(schema: type[BaseModel], name: str) -> tuple[Path, Any] | None:
    tp: Any = schema
    path: list[str | int] = []
    for part in name.split("."):
        models = [m for m in members(tp) if is_model(m)]
        if models:
            fields = {k.replace("-", "_"): k for m in models for k in model_fields_by_key(m)}
            key = fields.get(part.replace("-", "_"))
            if key is None:
                return None
        else:
            key = part
        step = child_type(tp, key)
        if step is None:
            return None
        path.append(key)
        tp = step
    return tuple(path), tp


def computed_problem(schema: type[BaseModel], name: str, origin: Origin) -> Problem | None:
    """The problem with a name (``-`` and ``_`` alike) that names a computed field, or None."""
    for parts in (name.split("."), name.replace("-", "_").split(".")):
        owner = is_computed(schema, parts)
        if owner is not None:
            return Problem(".".join(parts), computed_message(owner, parts[-1]), origin)
    return None


def leaf_names(schema: type[BaseModel], prefix: str = "") -> list[str]:
    """Every dotted name a schema accepts, nested models included (their own names too)."""
    names: list[str] = []
    for key, annotation in model_fields_by_key(schema).items():
        names.append(prefix + key)
        for member in members(annotation):
            if is_model(member):
                names.extend(leaf_names(member, f"{prefix}{key}."))
    return names


def known_keys(schema: type[BaseModel], loc: Sequence[str | int]) -> list[str]:
    """The keys a mapping at ``loc`` may hold, for did-you-mean; ``loc`` may hold union tags."""
    tp: Any = schema
    for part in loc:
        step = child_type(tp, part)
        if step is None:
            # A union member's tag in a pydantic loc (a class name or a discriminator value).
            step = member_by_tag(tp, part)
        if step is None:
            return []
        tp = step
    return [key for member in members(tp) if is_model(member) for key in model_fields_by_key(member)]


def attribute_name(model: BaseModel, key: str, full_key: str | None = None) -> str:
    """The attribute name of the field whose key is ``key``.

    Raises:
        KeyError: the model has no such key (with a did-you-mean when one is close).
    """
    for name, field_key in field_keys(type(model)):
        if field_key == key:
            return name
    hint = suggest(key, [k for _, k in field_keys(type(model))])
    raise KeyError(f"{full_key or key}: no such key{hint}")
