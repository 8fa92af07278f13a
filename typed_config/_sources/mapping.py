"""Mappings passed by code to a layer: nested dicts, dot-keys at the top level, or a mix."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Final

from pydantic import BaseModel

from typed_config._errors import Origin, Problem
from typed_config._keys import field_keys, is_list, is_mapping, is_tuple, segment_problem
from typed_config._layers import KeyedLayer, keyed_layer
from typed_config._yaml_io import MAX_DEPTH


def mapping_layer(
    data: Mapping[Any, Any], name: str, describe: Callable[[str], str]
) -> tuple[KeyedLayer, list[Problem]]:
    """Turn a mapping into a layer; ``describe(key)`` names where each value came from.

    A dot in a top-level key is a path (``{"optimizer.lr": 0.1}``); deeper keys must not contain
    dots and every key must be a string. Nested mappings and models merge key by key.
    """
    entries: list[tuple[str, Any, Origin]] = []
    problems: list[Problem] = []
    for key, value in data.items():
        if not isinstance(key, str):
            problems.append(Problem(None, segment_problem(key) or "bad key", Origin(text=name)))
            continue
        _collect(key, value, Origin(text=describe(key)), entries, problems)
    layer, more = keyed_layer(name, entries, Origin(text=name))
    return layer, problems + more


def _collect(
    key: str,
    value: Any,
    origin: Origin,
    entries: list[tuple[str, Any, Origin]],
    problems: list[Problem],
    *,
    depth: int = 0,
) -> None:
    # Every value under one top-level key is named by that key, as the caller wrote it.
    if isinstance(value, BaseModel):
        value = {k: value.__dict__[n] for n, k in field_keys(type(value)) if n in value.model_fields_set}
        if not value:
            return
    if depth > MAX_DEPTH:
        problems.append(Problem(key, f"nesting deeper than {MAX_DEPTH} levels", origin))
        return
    if is_mapping(value) and value:
        for sub, item in value.items():
            reason = segment_problem(sub)
            if reason is not None:
                problems.append(Problem(key, reason, origin))
                continue
            _collect(f"{key}.{sub}", item, origin, entries, problems, depth=depth + 1)
        return
    reason = _too_big(value, depth)
    if reason is not None:
        problems.append(Problem(key, reason, origin))
        return
    entries.append((key, dict(value) if is_mapping(value) else value, origin))


_MAX_INT_BITS: Final = 13_300  # about the 4,000 digits files allow


def _too_big(value: Any, depth: int) -> str | None:
    """The bounds files have, for values built by code: nesting and integer size."""
    if depth > MAX_DEPTH:
        return f"nesting deeper than {MAX_DEPTH} levels"
    if type(value) is int and value.bit_length() > _MAX_INT_BITS:
        return "integer with more than 4000 digits"
    items: list[Any] = (
        list(value.values())
        if is_mapping(value)
        else list(value)
        if is_list(value) or is_tuple(value)
        else []
    )
    for item in items:
        reason = _too_big(item, depth + 1)
        if reason is not None:
            return reason
    return None
