"""Which fields' values are leaves of a flat dict, read from their annotations, and how they become flat values.

A plain field's validated value is a JSON value already (a scalar) or becomes one by one C-level
call (``list`` for a list or tuple of scalars, an enum's ``value``); a ``dict[str, X]`` field of
JSON scalars is a table of leaves under its key. ``plans`` builds on these.
"""

from __future__ import annotations

import enum
import typing
from collections.abc import Callable
from operator import attrgetter
from typing import Any, Final, Literal

from typed_config._schema.types import members, strip

_ENUM_VALUE: Final = attrgetter("value")


class Table:
    """The mark of a leaf that is a ``dict[str, X]`` field, X a JSON scalar: its entries are leaves."""


TABLE: Final = Table()
Mark = Callable[[Any], Any] | Table | None
"""A leaf's conversion (``Plan.converts``), or ``TABLE`` for a dict field among the leaves."""


class NotPlain:
    """The mark of a field whose value is not plain (a plain class: an Enum costs import time)."""


NOT_PLAIN: Final = NotPlain()


def conversion(annotation: Any) -> Callable[[Any], Any] | NotPlain | None:
    """How a plain field's validated value becomes its flat value; ``NOT_PLAIN`` for other fields.

    None (as it is) for JSON scalars (``plain_scalar``); ``list`` for lists and tuples of them;
    an enum's value for an enum of JSON scalars.
    """
    if plain_scalar(annotation):
        return None
    if scalar_list(annotation):
        return list
    annotation = strip(annotation)
    if (
        isinstance(annotation, type)
        and issubclass(annotation, enum.Enum)
        and all(type(member.value) in _PLAIN for member in annotation)
    ):
        return _ENUM_VALUE
    return NOT_PLAIN


def scalar_table(annotation: Any) -> bool:
    """Whether a field is a ``dict[str, X]``, X a JSON scalar: its entries are leaves under its key."""
    annotation = strip(annotation)
    args = typing.get_args(annotation)
    return (
        typing.get_origin(annotation) is dict and len(args) == 2 and args[0] is str and plain_scalar(args[1])
    )


_PLAIN: Final = (int, float, str, bool, type(None))


def plain_scalar(annotation: Any) -> bool:
    """Whether a field's validated value is always a JSON scalar, to be copied as it is.

    ``int``, ``float``, ``str``, ``bool``, ``None``, a ``Literal`` of such values and a union of
    these (``int | None``, ``Literal["adam", "sgd"]``). Not enums, dates or paths: those change.
    """
    return all(
        member in _PLAIN
        or (
            typing.get_origin(member) is Literal
            and all(type(arg) in _PLAIN for arg in typing.get_args(member))
        )
        for member in members(annotation)
    )


def scalar_list(annotation: Any) -> bool:
    """Whether a field is a list or tuple of plain scalars: ``list(value)`` is its flat value."""
    annotation = strip(annotation)
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin is tuple and len(args) == 2 and args[1] is Ellipsis:
        args = args[:1]
    return origin in (list, tuple) and bool(args) and all(plain_scalar(arg) for arg in args)
