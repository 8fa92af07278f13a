"""Edits as patches of flat dot-keys: what a writer changed, where it clashes with others, applying it.

A writer reads a flat config, changes it, and writes back only its patch (the dot-keys it set or
removed) onto the config as stored now. A key clashes when another writer changed it since the
read, to a value other than this writer's; writers of different keys, inside one dict field
too, merge.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import Any, Final


class _Removed:
    """The value of a key that a patch removes."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "REMOVED"


REMOVED: Final = _Removed()


def same(a: object, b: object) -> bool:
    """Equal values, NaN equal to NaN (a stored NaN is not a change)."""
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
        return True
    if isinstance(a, bool) is not isinstance(b, bool):
        return False  # True == 1 in Python, not in a config
    return a == b


def changes(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, Any]:
    """The patch from ``before`` to ``after``: changed and added keys with their values, removed ones."""
    patch = {k: v for k, v in after.items() if k not in before or not same(before[k], v)}
    patch.update((k, REMOVED) for k in before if k not in after)
    return patch


def clashes(patch: Mapping[str, Any], read: Mapping[str, Any], now: Mapping[str, Any]) -> list[str]:
    """The keys of ``patch`` that another writer changed since ``read``, to a different value than the patch's.

    A value set under a key that another writer turned into a plain value (a dict field set to
    None), or a plain value set where another writer added keys below, clashes too.
    """
    # Keys that hold what another writer added since the read (linear: each key's holders once).
    added_below = _holders(k for k in now if k not in read and k not in patch)
    return [key for key, mine in patch.items() if _clash(key, mine, patch, read, now, added_below)]


def _clash(  # noqa: PLR0917 - one private call site
    key: str,
    mine: Any,
    patch: Mapping[str, Any],
    read: Mapping[str, Any],
    now: Mapping[str, Any],
    added_below: set[str],
) -> bool:
    if _changed(key, read, now):
        return not same(now.get(key, REMOVED), mine)
    if mine is REMOVED:
        return False
    if any(a in now and a not in patch and now[a] != {} and _changed(a, read, now) for a in ancestors(key)):
        return True  # a value set below a key another writer set to None
    return mine != {} and key in added_below  # a plain value set where another writer added keys


def apply_patch(now: Mapping[str, Any], patch: Mapping[str, Any]) -> dict[str, Any]:
    """``now`` with ``patch`` applied, flat; no key is left both a value and a holder of keys.

    A value set at a key replaces what was below it; a key set below a plain value (an empty
    mapping, None) replaces that value.
    """
    values = {k: v for k, v in patch.items() if v is not REMOVED}
    plain = {k for k, v in values.items() if v != {}}
    merged = {
        k: v
        for k, v in now.items()
        if k not in patch and not (plain and any(a in plain for a in ancestors(k)))
    }
    merged.update(values)
    for holder in _holders(merged) & merged.keys():
        del merged[holder]  # an empty mapping or None below which keys now exist
    return merged


def ancestors(key: str) -> Iterable[str]:
    """The dot-keys that hold ``key``: ``a`` and ``a.b`` for ``a.b.c``."""
    end = key.find(".")
    while end != -1:
        yield key[:end]
        end = key.find(".", end + 1)


def _holders(flat: Iterable[str]) -> set[str]:
    return {a for k in flat for a in ancestors(k)}


def _changed(key: str, read: Mapping[str, Any], now: Mapping[str, Any]) -> bool:
    return not same(read.get(key, REMOVED), now.get(key, REMOVED))


def involves(problem_key: str | None, key: str) -> bool:
    """Whether a problem (at ``schedule[0].epoch``, say) is about the flat key ``key`` (``schedule``)."""
    if problem_key is None:
        return True
    return (
        problem_key == key
        or problem_key.startswith((key + ".", key + "["))
        or key.startswith(problem_key + ".")
    )
