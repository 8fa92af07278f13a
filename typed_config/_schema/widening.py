"""Integers a float field would change: the one widening pydantic allows that can lose data.

Strict validation lets an int into a float field. That is exact up to 2**53; past it a float
keeps the nearest value it can hold (9007199254740993 becomes 9007199254740992.0), and past
about 1.8e308 it becomes inf. The rule is lossless widening only, so such an integer is refused.
The check runs only when the JSON payload holds an integer of 16 or more digits (2**53 has 16),
so ordinary configs pay one scan of the payload at C speed. After a successful validation the
validated values are compared with the input; when validation failed, the declared types judge,
so these problems are reported in the same pass as pydantic's.
"""

from __future__ import annotations

import math
from typing import Any, Final

from pydantic import BaseModel

from typed_config._errors import show
from typed_config._keys.values import field_keys, is_dict, is_list, is_mapping, is_tuple
from typed_config._schema.types import child_type, members
from typed_config._types import Path

# In compact JSON a number starts after ':', ',' or '[' (and a '-'). Mapping those bytes to ' ',
# digits to '0' and every other byte to 'x' turns "an integer of 16 digits or more" into one
# substring: a float's fraction follows a '.' and never matches. bytes.translate and the
# substring search run at C speed, ~15 times faster than a regex over the same payload.
_CLASSES: Final = bytes(
    ord(" ") if byte in b":,[-" else ord("0") if byte in b"0123456789" else ord("x") for byte in range(256)
)
_LONG_INTEGER: Final = b" " + b"0" * 16

_EXACT: Final = 2**53
"""Every integer up to this size is a float exactly."""

_MISSING: Final = object()


def may_lose_digits(payload: bytes) -> bool:
    """Whether a JSON payload holds an integer large enough that a float could change it."""
    classes = payload.translate(_CLASSES)
    return _LONG_INTEGER in classes or classes.startswith(_LONG_INTEGER[1:])  # a bare number


def inexact_integers(
    schema: type[BaseModel], data: object, validated: object = _MISSING
) -> list[tuple[Path, str]]:
    """Each integer in ``data`` that a float field would hold as a different value, with a message.

    Args:
        schema: the model ``data`` was validated against.
        data: the data, as validated (JSON-like, with the schema's keys).
        validated: the validated config (or a mapping of keys to validated values), when
            validation succeeded. Without it, or where its value cannot be found by position (a
            set), the declared type judges, and only a plain ``float`` (or ``Optional[float]``):
            a union with other members is left until the rest validates.

    Returns:
        ``(path, message)`` for each integer past 2**53 that a float field changes.
    """
    found: list[tuple[Path, str]] = []
    for path, number in _large_integers(data):
        value = _at(validated, path)
        if value is _MISSING:
            value = _as_declared(schema, path, number)
        if type(value) is float and value != number:
            found.append((path, _message(number, value)))
    return found


def _as_declared(schema: type[BaseModel], path: Path, number: int) -> object:
    """``number`` as the field at ``path`` would hold it, if that field is plainly a float."""
    declared: Any = schema
    for part in path:
        declared = child_type(declared, part)
        if declared is None:
            return _MISSING
    if [m for m in members(declared) if m is not type(None)] != [float]:
        return _MISSING
    try:
        return float(number)
    except OverflowError:
        return math.inf if number > 0 else -math.inf


def _message(number: int, value: float) -> str:
    return (
        f"Input should be an integer a float holds exactly (got {show(number)}; as a float it is {value!r})"
    )


def _large_integers(data: object) -> list[tuple[Path, int]]:
    """The integers past 2**53 in nested data, with their paths (an explicit stack: no recursion)."""
    found: list[tuple[Path, int]] = []
    stack: list[tuple[Path, object]] = [((), data)]
    while stack:
        path, node = stack.pop()
        if type(node) is int:
            if not -_EXACT <= node <= _EXACT:
                found.append((path, node))
        elif is_dict(node):
            stack.extend(((*path, key), value) for key, value in node.items())
        elif is_list(node) or is_tuple(node):  # a tuple from a dict or object source
            stack.extend(((*path, index), value) for index, value in enumerate(node))
    return sorted(found, key=lambda item: [str(part) for part in item[0]])


def _at(node: object, path: Path) -> object:
    """The validated value at a data path, or ``_MISSING`` when the path leads nowhere."""
    if node is _MISSING:
        return _MISSING
    for part in path:
        if isinstance(node, BaseModel):
            names = {key: name for name, key in field_keys(type(node))}
            name = names.get(str(part))
            node = _MISSING if name is None else getattr(node, name, _MISSING)
        elif is_mapping(node):
            found = node.get(part, _MISSING)
            if found is _MISSING and isinstance(part, str) and part.lstrip("-").isdigit():
                found = node.get(int(part), _MISSING)  # a dict[int, float] field: text keys in data
            node = found
        elif (is_list(node) or is_tuple(node)) and type(part) is int and part < len(node):
            node = node[part]
        else:
            return _MISSING
    return node
