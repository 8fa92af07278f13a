"""The one rule for secrets: which values of a schema are secret, and how they are shown (redacted).

A value is secret when its field's type says so: ``SecretStr``, ``SecretBytes`` or pydantic's
``Secret[...]``, alone, in a union, or inside lists, tuples, dicts and nested models. Redaction
goes by type and replaces a value (or a command-line argument) as a whole, never by searching for
the secret's text, which escaping, quoting or cutting would defeat.
"""

from __future__ import annotations

import typing
from collections.abc import Sequence
from typing import Any, Final

from pydantic import BaseModel, Secret, SecretBytes, SecretStr

from typed_config._keys.values import REDACTED, field_keys, is_dict, is_list, is_mapping, is_tuple
from typed_config._schema.types import child_type, is_model, members, model_fields_by_key
from typed_config._types import empty_cache, per_class

SECRET_CLASSES: Final = (SecretStr, SecretBytes, Secret)

_HOLDS: dict[Any, bool] = {}


def is_secret_type(tp: Any) -> bool:
    """Whether a member of ``tp`` (a union's member, ``Annotated`` removed) is a secret class."""
    for member in members(tp):
        cls = typing.get_origin(member) or member
        if isinstance(cls, type) and issubclass(cls, SECRET_CLASSES):
            return True
    return False


def holds_secret(tp: Any) -> bool:
    """Whether a value of type ``tp`` may hold a secret anywhere in it (remembered per type)."""
    try:
        known = _HOLDS.get(tp)
    except TypeError:  # an unhashable Annotated metadata: work it out each time
        return _holds(tp, set())
    if known is None:
        if len(_HOLDS) > 10_000:  # generated schemas (tests) must not grow this without end
            _HOLDS.clear()
        known = _HOLDS[tp] = _holds(tp, set())
    return known


def _holds(tp: Any, seen: set[int]) -> bool:
    if is_secret_type(tp):
        return True
    for member in members(tp):
        if id(member) in seen:  # a recursive schema
            continue
        seen.add(id(member))
        if is_model(member):
            if any(_holds(a, seen) for a in model_fields_by_key(member).values()):
                return True
        elif any(_holds(arg, seen) for arg in typing.get_args(member) if arg is not Ellipsis):
            return True
    return False


def type_at(schema: type[BaseModel], path: Sequence[str | int]) -> Any | None:
    """The type at a data path of ``schema`` (keys and list indices), or None when there is none."""
    cache: dict[tuple[str | int, ...], Any] = per_class(schema, "__typed_config_types__", empty_cache)
    key = tuple(path)
    if key not in cache:
        if len(cache) > 10_000:  # paths come from data (dict keys, list indices): keep the memory bounded
            cache.clear()
        cache[key] = _type_at(schema, key)
    return cache[key]


def _type_at(schema: type[BaseModel], path: Sequence[str | int]) -> Any | None:
    tp: Any = schema
    for part in path:
        if is_secret_type(tp):
            return tp  # below a secret is still the secret
        step = child_type(tp, part)
        if step is None:
            return None
        tp = step
    return tp


def secret_at(schema: type[BaseModel], path: Sequence[str | int]) -> bool:
    """Whether the value at a data path may hold a secret; a path the schema does not know may not."""
    tp = type_at(schema, path)
    return tp is not None and holds_secret(tp)


def secret_at_key(schema: type[BaseModel], key: str) -> bool:
    """``secret_at`` for a dot-key (the keys of dict fields included)."""
    return secret_at(schema, key.split("."))


def redact(tp: Any, value: Any) -> Any:
    """A value of type ``tp`` with every secret in it replaced by ``REDACTED``, as a whole.

    Plain data (as layers and flat dicts hold it) and validated values alike. What the type
    cannot place (an unknown key, a value of the wrong shape) inside something that may hold a
    secret is redacted too: it may be a secret given in the wrong place.
    """
    if isinstance(value, SECRET_CLASSES):
        return REDACTED
    if tp is None or not holds_secret(tp):
        return value
    if value is None and type(None) in members(tp):
        return None
    if is_secret_type(tp):
        return REDACTED
    if isinstance(value, BaseModel):
        return {key: _inside(tp, key, value.__dict__[name]) for name, key in field_keys(type(value))}
    if is_mapping(value):
        return {k: _inside(tp, k, v) if isinstance(k, str) else REDACTED for k, v in value.items()}
    if is_list(value) or is_tuple(value):
        return [_inside(tp, index, item) for index, item in enumerate(value)]
    return REDACTED


def _inside(tp: Any, part: str | int, value: Any) -> Any:
    step = child_type(tp, part)
    return REDACTED if step is None else redact(step, value)


def holds_marker(tp: Any, value: Any) -> bool:
    """Whether ``value`` holds the redaction marker where type ``tp`` has a secret."""
    if tp is None or not holds_secret(tp):
        return False
    if is_secret_type(tp):
        return bool(value == REDACTED)
    if is_mapping(value):
        return any(isinstance(k, str) and holds_marker(child_type(tp, k), v) for k, v in value.items())
    if is_list(value) or is_tuple(value):
        return any(holds_marker(child_type(tp, index), item) for index, item in enumerate(value))
    return False


def forget_markers(schema: type[BaseModel], data: dict[str, Any], prefix: tuple[str, ...] = ()) -> list[str]:
    """Remove each value that holds the redaction marker where the schema has a secret.

    The values are taken as ``flatten`` splits them (mappings by key, a list as one value), so a
    list that holds one redacted secret goes as a whole. Returns their dot-keys.
    """
    removed: list[str] = []
    for key in list(data):
        value = data[key]
        here = (*prefix, key)
        if is_dict(value) and value:
            removed += forget_markers(schema, value, here)
        elif holds_marker(type_at(schema, here), value):
            del data[key]
            removed.append(".".join(here))
    return removed


def redact_pairs(schema: type[BaseModel], changed: dict[str, tuple[Any, Any]]) -> dict[str, tuple[Any, Any]]:
    """Changes by dot-key, as (old, new), each value redacted by the type at its key."""
    out: dict[str, tuple[Any, Any]] = {}
    for key, (old, new) in changed.items():
        tp = type_at(schema, key.split("."))
        out[key] = (redact(tp, old), redact(tp, new)) if tp is not None and holds_secret(tp) else (old, new)
    return out
