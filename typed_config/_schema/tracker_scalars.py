"""Flat values as the scalars trackers take (``to_flat(scalars=True)``), and back by the schema's types."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, Final

from pydantic import BaseModel

from typed_config._errors import ConfigError, Origin, Problem
from typed_config._schema.names import resolve_key
from typed_config._schema.text import convert
from typed_config._schema.types import members, takes_text
from typed_config._yaml.bounds import parse_json

NONE_TEXT: Final = "None"
"""How ``to_flat(scalars=True)`` writes None (trackers such as MLflow take no None)."""


def to_scalars(flat: Mapping[str, Any]) -> dict[str, Any]:
    """Make every value a scalar trackers take: lists and mappings as JSON text, None as ``None``."""
    out: dict[str, Any] = {}
    for key, value in flat.items():
        if value is None:
            out[key] = NONE_TEXT
        elif isinstance(value, (list, dict)):
            out[key] = json.dumps(value, ensure_ascii=False)
        else:
            out[key] = value
    return out


def from_scalars(schema: type[BaseModel], flat: Mapping[str, Any]) -> dict[str, Any]:
    """Undo ``to_scalars`` by the schema's types: JSON text back to lists, ``None`` back to None.

    Text for a field that takes text stays text, except ``None`` for a field that may be None.

    Raises:
        ConfigError: JSON text over the bounds of a file (size, nesting, integer digits).
    """
    out: dict[str, Any] = {}
    problems: list[Problem] = []
    for key, value in flat.items():
        target = resolve_key(schema, key) if isinstance(value, str) else None
        if target is None:
            out[key] = value
            continue
        tp = target[1]
        if value == NONE_TEXT and type(None) in members(tp):
            out[key] = None
        elif takes_text(tp):
            out[key] = value
        elif value.startswith(("[", "{")):
            try:
                out[key] = parse_json(value)  # JSON, NaN and Infinity included, as to_scalars wrote it
            except json.JSONDecodeError:
                out[key] = value  # not ours: validation names the key
            except ValueError as exc:  # over a bound: say which, before anything else reads it
                origin = Origin(text=f"from_flat()[{key!r}]")
                problems.append(Problem(key, f"cannot read the value: {exc}", origin))
        else:
            try:
                out[key] = convert(tp, value)
            except ValueError:
                out[key] = value
    if problems:
        raise ConfigError(problems)
    return out
