"""The bounds files have, for values that arrive another way: built by code, or JSON text.

A value that could not be written to a config file and read back (nested deeper than files may
be, a string over the size limit, an integer over the digit limit, a value that contains itself)
is refused with the same words a file gets. Checks are iterative and visit each object once, so
a cyclic or 5,000-deep value costs its size, never a ``RecursionError``.
"""

from __future__ import annotations

import enum
import json
from collections.abc import Iterable, Iterator, Mapping, Set
from typing import Any, Final, cast

from pydantic import BaseModel, SecretBytes, SecretStr

from typed_config._errors import Origin, single
from typed_config._keys.dotted import format_path
from typed_config._keys.values import field_keys
from typed_config._types import Path
from typed_config._yaml.encoding import MAX_BYTES
from typed_config._yaml.read import MAX_DEPTH
from typed_config._yaml.scalars import MAX_INT_DIGITS, checked_float, checked_int, int_too_big

__all__ = ["check_bounds", "parse_json", "value_problem"]

NESTING: Final = f"nesting deeper than {MAX_DEPTH} levels"
INT_DIGITS: Final = f"integer with more than {MAX_INT_DIGITS} digits"
CYCLE: Final = "the value contains itself (a cycle): it cannot be written to a file"
TOO_LARGE: Final = (
    f"the value is too large: more than {MAX_BYTES} bytes written out (the limit is {MAX_BYTES})"
)
_END: Final = object()


def _items(value: object) -> Iterator[tuple[str | int, object]] | None:
    """The (key or index, child) pairs of a container, as ``to_plain`` would walk them; None for a scalar."""
    if isinstance(value, BaseModel):
        fields = value.__dict__
        return ((key, fields[name]) for name, key in field_keys(type(value)) if name in fields)
    if isinstance(value, Mapping):
        return iter(cast("Mapping[str | int, object]", value).items())
    if isinstance(value, (list, tuple, Set)):
        return enumerate(cast("Iterable[object]", value))
    return None


def _scalar(value: object) -> tuple[int, str | None]:
    """A scalar's size written out (roughly) and what is wrong with it, if anything."""
    if isinstance(value, enum.Enum):
        value = value.value
    if isinstance(value, (SecretStr, SecretBytes)):
        value = value.get_secret_value()
    if isinstance(value, (str, bytes)):
        size = len(value)
        if size > MAX_BYTES // 4 and isinstance(value, str):
            size = len(value.encode("utf-8", "surrogatepass"))
        if size > MAX_BYTES:
            return size, f"text of {size} bytes is over the size limit ({MAX_BYTES} bytes)"
        return size + 2, None
    if type(value) is int and int_too_big(value):
        return 1, INT_DIGITS
    return 1, None


def value_problem(value: object, depth: int = 1) -> tuple[Path, str] | None:
    """Where and why a value could not be written to a config file and read back, or None.

    Args:
        value: a value built by code (containers, models, scalars; shared parts are fine).
        depth: how deep the value sits in the config (1 for a top-level key's value).

    Returns:
        The path inside ``value`` of the offending part, and the reason.
    """
    top = _items(value)
    if top is None:
        reason = _scalar(value)[1]
        return ((), reason) if reason is not None else None
    if depth >= MAX_DEPTH:
        return (), NESTING
    return _Walk(value, top, depth).run()


class _Walk:
    """An iterative depth-first walk that sizes each container once (shared ones by their memo)."""

    def __init__(self, value: object, items: Iterator[tuple[str | int, object]], depth: int) -> None:
        self.depth = depth
        self.done: dict[int, tuple[int, int]] = {}  # id -> (height, written size) of containers seen
        # Each frame: container, its children, the key it sits under, height and size so far.
        self.frames: list[list[Any]] = [[value, items, None, 0, 2]]
        self.open_ids = {id(value)}

    def run(self) -> tuple[Path, str] | None:
        frames = self.frames
        while frames:
            frame = frames[-1]
            key, child = next(frame[1], (None, _END))
            if child is _END:
                self._close()
                if not frames and frame[4] > MAX_BYTES:
                    return (), TOO_LARGE
                continue
            frame[4] += len(key) + 3 if isinstance(key, str) else 1
            found = self._child(frame, key, child)
            if found is not None:
                return found
            if frame[4] > MAX_BYTES:
                return _path(frames, None), TOO_LARGE
        return None

    def _close(self) -> None:
        frame = self.frames.pop()
        self.open_ids.discard(id(frame[0]))
        height = frame[3] + 1
        self.done[id(frame[0])] = (height, frame[4])
        if self.frames:
            self.frames[-1][3] = max(self.frames[-1][3], height)
            self.frames[-1][4] += frame[4]

    def _child(self, frame: list[Any], key: str | int | None, child: object) -> tuple[Path, str] | None:
        here = len(self.frames) + self.depth  # how deep the child sits
        items = _items(child)
        if items is None:
            size, reason = _scalar(child)
            frame[4] += size
            return (_path(self.frames, key), reason) if reason is not None else None
        known = self.done.get(id(child))
        if known is not None:
            frame[4] += known[1]
            return (_path(self.frames, key, to_index=True), NESTING) if here + known[0] > MAX_DEPTH else None
        if id(child) in self.open_ids:
            return _path(self.frames, key), CYCLE
        if here >= MAX_DEPTH:
            return _path(self.frames, key, to_index=True), NESTING
        self.open_ids.add(id(child))
        self.frames.append([child, items, key, 0, 2])
        return None


def _path(frames: list[list[Any]], last: str | int | None, *, to_index: bool = False) -> Path:
    """The keys down to the problem (with ``to_index``, only up to the first list index)."""
    keys = [frame[2] for frame in frames[1:]]
    if last is not None:
        keys.append(last)
    path = tuple(k if isinstance(k, (str, int)) else str(k) for k in keys)
    cut = next((i for i, k in enumerate(path) if isinstance(k, int)), len(path)) if to_index else len(path)
    return path[:cut]


def check_bounds(value: object, key: str, origin: Origin, depth: int = 1) -> None:
    """Refuse a value for ``key`` that could not be written to a file and read back.

    Raises:
        ConfigError: naming the key (and the path inside the value) and ``origin``.
    """
    found = value_problem(value, depth)
    if found is not None:
        raise single(found[1], origin, format_path((key, *found[0])))


def parse_json(text: str | bytes) -> Any:
    """Parse JSON text held to the bounds of a file: size, nesting and integer digits.

    Raises:
        ValueError: the text is not JSON, or is over a bound; the message says which.
    """
    if len(text) > MAX_BYTES:
        raise ValueError(f"JSON text too large: {len(text)} characters (the limit is {MAX_BYTES})")
    try:
        value = json.loads(text, parse_int=checked_int, parse_float=checked_float)
    except RecursionError:
        raise ValueError(NESTING) from None
    found = value_problem(value, depth=0)
    if found is not None:
        raise ValueError(found[1])
    return value
