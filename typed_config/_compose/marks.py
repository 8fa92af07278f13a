"""Where references are: the strings that hold ``${``, found in nested data at C speed where it can be.

Plain data is walked once; a string is searched for the mark, numbers are passed over, and a
list is searched item by item (its text, when an item is anything but a number or a string).
"""

from __future__ import annotations

from typing import Any, Final

from pydantic_core import PydanticSerializationError, to_json

from typed_config._keys.values import is_dict, is_list
from typed_config._types import Path

__all__ = ["MARK", "SCALARS", "Place", "holds_mark", "marked_places"]

MARK: Final = "${"
"""What starts a reference (``\\${`` writes it literally)."""
SCALARS: Final = frozenset({int, float, bool, type(None)})
"""The types of values that never hold a reference."""
_MARK_BYTES: Final = MARK.encode()
_TEXT_OR_SCALARS: Final = SCALARS | {str}
_GROUPS: Final = 64  # a mapping with more keys is searched in one call: a call per value would cost more

Place = tuple[Path, dict[str, Any], str]
"""A string (or list) that holds ``${``: its path, the mapping that holds it and its key there."""


def holds_mark(data: Any) -> bool:
    """Whether any string in ``data`` holds ``${`` (JSON text is searched at C speed; keys may say yes).

    A mapping of a few keys (the groups of a config) is searched a value at a time: the search
    stops at the first group that holds a reference.
    """
    if is_dict(data) and 1 < len(data) <= _GROUPS:
        return any(MARK in key for key in data) or any(map(_holds_mark, data.values()))
    return _holds_mark(data)


def _holds_mark(data: Any) -> bool:
    kind: type[object] = type(data)  # pyright: ignore[reportUnknownVariableType] - plain data
    if kind is str:
        return MARK in data
    if kind in SCALARS:
        return False
    try:
        return _MARK_BYTES in to_json(data, fallback=str)
    except (PydanticSerializationError, RecursionError, ValueError):
        return True  # the walk decides; validation reports what cannot be encoded


def marked_places(data: dict[str, Any]) -> list[Place]:
    """Where the strings holding ``${`` are; a list that holds one is given whole (layers replace lists)."""
    found: list[Place] = []
    _walk(data, (), found)
    return found


def _walk(node: dict[str, Any], path: Path, found: list[Place]) -> None:
    for key, value in node.items():
        kind: type[object] = type(value)  # pyright: ignore[reportUnknownVariableType] - plain data
        if kind is str:
            if MARK in value:
                found.append(((*path, key), node, key))
        elif kind in SCALARS:
            continue
        elif kind is dict or is_dict(value):
            _walk(value, (*path, key), found)
        elif (
            (kind is list or is_list(value))
            and not SCALARS.issuperset(map(type, value))
            and _list_marked(value)
        ):
            found.append(((*path, key), node, key))  # a list of numbers is passed over in C, without a call


def _list_marked(items: list[Any]) -> bool:
    """Whether a list holds ``${`` anywhere: numbers are passed over, anything else searched as text."""
    kinds = set(map(type, items))  # in C: a list of numbers is passed over without a loop
    if kinds <= SCALARS:
        return False
    if kinds <= _TEXT_OR_SCALARS:
        return any(MARK in item for item in items if type(item) is str)
    return _text_marked(items)


def _text_marked(items: list[Any]) -> bool:
    """Whether a list holds ``${`` anywhere: its text is searched at C speed (a false yes costs a copy)."""
    try:
        return MARK in repr(items)
    except Exception:  # noqa: BLE001 - a value's own __repr__ may fail: look at every item instead
        return holds_mark(items)
