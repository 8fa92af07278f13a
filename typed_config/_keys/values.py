"""Plain values: the shapes of nested data, paths into it, and values turned JSON-like."""

from __future__ import annotations

import enum
from collections.abc import Callable, Mapping
from typing import Any, Final, cast

from pydantic import BaseModel, Secret, SecretBytes, SecretStr
from pydantic_core import to_jsonable_python
from typing_extensions import TypeIs

from typed_config._types import Path, per_class

SCALARS: Final = frozenset({int, float, str, bool, type(None)})


"""The classes of JSON scalars: values that flatten and ``to_plain`` keep as they are."""


def is_mapping(value: object) -> TypeIs[Mapping[Any, Any]]:
    """``isinstance(value, Mapping)``, typed for data whose contents are not known."""
    return isinstance(value, Mapping)


# ``isinstance(value, dict)`` and ``isinstance(value, list)``, typed for data whose contents are not
# known. The classes' own checks (what ``isinstance`` calls) are C calls: walks of nested data make
# thousands, and a Python function around ``isinstance`` would double what each costs.
is_dict: Final = cast("Callable[[object], TypeIs[dict[Any, Any]]]", dict.__instancecheck__)


def is_tuple(value: object) -> TypeIs[tuple[Any, ...]]:
    """``isinstance(value, tuple)``, typed for data whose contents are not known."""
    return isinstance(value, tuple)


is_list: Final = cast("Callable[[object], TypeIs[list[Any]]]", list.__instancecheck__)


REDACTED: Final = "**********"
"""What a secret is shown as, everywhere; pydantic renders a secret the same way (an empty one as "")."""

MISSING: Final = object()


def lookup(data: Any, path: Path) -> Any:
    """The value at ``path`` in nested data, or a sentinel when there is none."""
    node = data
    for part in path:
        if is_dict(node):
            if part not in node:
                return MISSING
            node = node[part]
        elif is_list(node) and isinstance(part, int) and 0 <= part < len(node):
            node = node[part]
        else:
            return MISSING
    return node


def to_plain(value: object, *, reveal: bool = False) -> Any:
    """Turn a value into JSON-like data: models and mappings to dicts, tuples to lists, enums to values.

    Secrets are redacted unless ``reveal`` (for data that is validated again, never for output).
    """
    kind = type(value)
    if kind in SCALARS:
        return value
    if isinstance(value, BaseModel):
        return {key: to_plain(value.__dict__[name], reveal=reveal) for name, key in field_keys(type(value))}
    if is_mapping(value):
        return {k: to_plain(v, reveal=reveal) for k, v in value.items()}
    if is_list(value) or is_tuple(value):
        return [to_plain(v, reveal=reveal) for v in value]
    if isinstance(value, enum.Enum):
        return to_plain(value.value, reveal=reveal)
    if isinstance(value, (SecretStr, SecretBytes, Secret)):
        secret = cast("SecretStr | SecretBytes | Secret[object]", value)  # Secret[T]: any T
        if reveal:
            return to_plain(secret.get_secret_value())
        return REDACTED if secret.get_secret_value() else ""  # as pydantic shows one: an empty one as ""
    return to_jsonable_python(value, fallback=_fallback)


def _fallback(value: Any) -> Any:
    # numpy arrays and scalars, and anything else that knows how to become a Python value.
    # tolist first: item() turns a one-element array into a scalar and fails on larger ones.
    for method in ("tolist", "item"):
        convert: Callable[[], Any] | None = getattr(value, method, None)
        if callable(convert):
            return convert()
    return str(value)


def field_keys(model_type: type[BaseModel]) -> list[tuple[str, str]]:
    """The (attribute name, key in data) pairs of a model: the key is the alias when one is set."""
    # A plain attribute on the class: cheaper than a dict keyed by type on every call.
    return per_class(model_type, "__typed_config_keys__", _field_keys)


def _field_keys(model_type: type[BaseModel]) -> list[tuple[str, str]]:
    return [(name, info.alias or name) for name, info in model_type.model_fields.items()]
