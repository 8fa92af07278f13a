"""Dict fields among the leaves of a one-step flatten: where their entries go, made once per set of keys.

A ``dict[str, X]`` field of JSON scalars (``leaves.scalar_table``) is a table of leaves under its
key, whose keys are known only at run time. A ``Spread`` says where such dicts sit among the
leaves; a ``Layout``, made for the keys the dicts hold (and remembered), gives every dot-key in
order and a C-level getter that takes the values in that order from the leaves followed by the
dicts' entries: the same keys, values and order as the field-by-field walk.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import islice
from operator import itemgetter
from typing import Any, Final

from typed_config._flat.leaves import TABLE, Mark

Getter = Callable[[Any], tuple[Any, ...]]
MAX_LAYOUTS: Final = 64
"""How many layouts a spread remembers (``build_layout``)."""


def take(items: Sequence[Any]) -> Getter:
    """A C-level getter of these items (at least one) that always returns a tuple."""
    if len(items) == 1:
        item = items[0]
        return lambda source: (source[item],)  # itemgetter of one item returns it bare
    return itemgetter(*items)


@dataclass(frozen=True, slots=True)
class Layout:
    """Where every leaf goes when the dicts hold these keys."""

    keys: tuple[str, ...]
    """Every dot-key, the dicts' entries in their places."""
    order: Getter
    """Takes the values in the order of ``keys`` from the leaves followed by the dicts' entries."""


@dataclass(frozen=True, slots=True)
class Spread:
    """The dict fields among the leaves of a one-step flatten (``plans.Group``, ``plans.Deep``)."""

    take: Getter
    """Takes the dicts from the list of leaves."""
    at: tuple[int, ...]
    """Their positions among the leaves."""
    prefixes: tuple[str, ...]
    """Each dict field's key and a dot."""
    keys: tuple[str, ...]
    """The leaves' dot-keys (the dict fields' own keys among them)."""
    layouts: dict[tuple[tuple[int, ...], tuple[Any, ...]], Layout | None]
    """By the dicts' sizes and their keys one after the other: the layout, or None (a key that
    is not a string, is empty or holds a dot: the walk reports or respells it)."""


def build_spread(marks: Sequence[Mark], keys: Sequence[str]) -> Spread | None:
    """Where the dict fields (marked ``TABLE``) are among the leaves, or None when there is none."""
    at = tuple(i for i, mark in enumerate(marks) if mark is TABLE)
    if not at:
        return None
    return Spread(
        take=take(at),
        at=at,
        prefixes=tuple(keys[i] + "." for i in at),
        keys=tuple(keys),
        layouts={},
    )


def build_layout(spread: Spread, sizes: tuple[int, ...], names: tuple[Any, ...]) -> Layout | None:
    """The layout for dicts of these sizes (none empty) holding these keys, one dict after the other.

    Remembered in the spread (up to ``MAX_LAYOUTS`` of them).
    """
    layout: Layout | None = None
    if set(map(type, names)) == {str} and all(names) and not any("." in name for name in names):
        keys: list[str] = []
        order: list[int] = []
        count, start, entry = len(spread.keys), 0, len(spread.keys)  # the entries follow the leaves
        remaining = iter(names)
        for at, prefix, size in zip(spread.at, spread.prefixes, sizes, strict=True):
            keys += spread.keys[start:at]
            order += range(start, at)
            keys += [prefix + name for name in islice(remaining, size)]
            order += range(entry, entry + size)
            start, entry = at + 1, entry + size
        keys += spread.keys[start:]
        order += range(start, count)
        layout = Layout(keys=tuple(keys), order=take(order))
    if len(spread.layouts) < MAX_LAYOUTS:
        spread.layouts[sizes, names] = layout
    return layout
