"""Mappings passed by code to a layer: nested dicts, dot-keys at the top level, or a mix."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from pydantic import BaseModel

from typed_config._errors import Origin, Problem
from typed_config._keys.dotted import segment_problem
from typed_config._keys.values import field_keys, is_mapping
from typed_config._layers.layers import KeyedLayer, keyed_layer
from typed_config._types import Path
from typed_config._yaml.bounds import value_problem


def mapping_layer(
    data: Mapping[Any, Any], name: str, describe: Callable[[str], str]
) -> tuple[KeyedLayer, list[Problem]]:
    """Turn a mapping into a layer; ``describe(key)`` names where each value came from.

    A dot in a top-level key is a path (``{"optimizer.lr": 0.1}``); deeper keys must not contain
    dots and every key must be a string. Nested mappings and models merge key by key. Values are
    held to the bounds of files (nesting, text size, integer digits) and may not contain themselves.
    """
    entries: list[tuple[str, Any, Origin]] = []
    problems: list[Problem] = []
    for key, value in data.items():
        if not isinstance(key, str):
            problems.append(Problem(None, segment_problem(key) or "bad key", Origin(text=name)))
            continue
        origin = Origin(text=describe(key))
        found = value_problem(value, depth=key.count(".") + 1)
        if found is not None:
            where, reason = found
            problems.append(Problem(_dotted(key, where), reason, origin))
            continue
        _collect(key, value, origin, entries, problems)
    layer, more = keyed_layer(name, entries, Origin(text=name))
    return layer, problems + more


def _dotted(key: str, path: Path) -> str:
    """The dot-key of a problem at ``path`` under ``key``: mapping keys up to the first list index."""
    parts = [key]
    for part in path:
        if not isinstance(part, str):
            break
        parts.append(part)
    return ".".join(parts)


def _collect(
    key: str,
    value: Any,
    origin: Origin,
    entries: list[tuple[str, Any, Origin]],
    problems: list[Problem],
) -> None:
    # Every value under one top-level key is named by that key, as the caller wrote it; the
    # value was checked against the bounds, so this recursion is at most MAX_DEPTH deep.
    if isinstance(value, BaseModel):
        value = {k: value.__dict__[n] for n, k in field_keys(type(value)) if n in value.model_fields_set}
        if not value:
            return
    if is_mapping(value) and value:
        for sub, item in value.items():
            reason = segment_problem(sub)
            if reason is not None:
                problems.append(Problem(key, reason, origin))
                continue
            _collect(f"{key}.{sub}", item, origin, entries, problems)
        return
    entries.append((key, dict(value) if is_mapping(value) else value, origin))
