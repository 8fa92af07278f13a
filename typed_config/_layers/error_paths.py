"""Where a pydantic error points in the merged data: its path, its union member, the values a check involves.

A cross-field check (a ``model_validator``, or a ``field_validator`` that reads other fields)
fails at the model, or at one field, but its message is about several values. The values it
involves are the keys sources set under that model that the message names; when it names none,
every key set under the model. The validators' code says which keys they read (by name, never by
running it), for a check whose message names none.
"""

from __future__ import annotations

import re
import types
from collections.abc import Iterable, Sequence
from typing import Any, Final

from pydantic import BaseModel
from pydantic_core import ErrorDetails

from typed_config._keys.dotted import format_path
from typed_config._keys.values import MISSING, field_keys, is_dict, lookup
from typed_config._schema.types import child_type, is_model, members
from typed_config._types import Path

_CHECK_ERRORS: Final = frozenset({"value_error", "assertion_error"})
"""The error types of a validator that raised ``ValueError`` or failed an ``assert``."""


def data_path(merged: Any, loc: Sequence[str | int]) -> tuple[Path, list[tuple[int, str | int]]]:
    """Split a pydantic loc into the path in the data and the union tags pydantic inserted."""
    node: Any = merged
    path: list[str | int] = []
    tags: list[tuple[int, str | int]] = []
    for index, part in enumerate(loc):
        step = _step(node, part)
        if step is not MISSING:  # the common step, without building a path for lookup
            node = step
            path.append(part)
            continue
        value = lookup(node, (part,))
        if value is not MISSING:
            node = value
            path.append(part)
        elif is_dict(node) and isinstance(part, str) and index == len(loc) - 1:
            path.append(part)  # a missing field
        else:
            tags.append((len(path), part))
    return tuple(path), tags


def _step(node: object, part: str | int) -> object:
    return node.get(part, MISSING) if is_dict(node) else MISSING


def pick_union_members(errors: Sequence[ErrorDetails], merged: Any) -> list[tuple[ErrorDetails, Path]]:
    """Keep, for each union, only the errors of the member with the fewest problems."""
    buckets: dict[tuple[Path, int], dict[object, list[tuple[ErrorDetails, Path]]]] = {}
    kept: list[tuple[ErrorDetails, Path]] = []
    for error in errors:
        path, tags = data_path(merged, error["loc"])
        if not tags:
            kept.append((error, path))
            continue
        depth, tag = tags[0]
        buckets.setdefault((path[:depth], depth), {}).setdefault(tag, []).append((error, path))
    for by_member in buckets.values():
        kept.extend(_fewest(list(by_member.values())))
    return kept


def _fewest(groups: list[list[tuple[ErrorDetails, Path]]]) -> list[tuple[ErrorDetails, Path]]:
    best = groups[0]
    for group in groups[1:]:
        if len(group) < len(best):
            best = group
    return best


def involved_keys(
    error: ErrorDetails, path: Path, merged: Any, datas: Iterable[Any], schema: type[BaseModel]
) -> list[Path] | None:
    """The paths of the values set by a source that a failed check involves, or None for another error.

    ``path`` is where the error points in the merged data; ``datas`` are the layers' data. A check
    at a model (its input is the model's mapping) involves the keys set under the model that its
    message names or its validators read, or else all of them; a check at one field, that field
    and the others its message names or its validators read.
    """
    if error["type"] not in _CHECK_ERRORS:
        return None
    at_model = not path or is_dict(lookup(merged, path))
    model_path = path if at_model else path[:-1]
    reads = _reads_at(schema, model_path, None if at_model else str(path[-1]))
    set_under = _set_under(model_path, datas)
    named = [
        key
        for key in set_under
        if _names(error["msg"], key[len(model_path) :]) or str(key[len(model_path)]) in reads
    ]
    if at_model:
        return named or set_under
    return [path, *(key for key in named if key != path)]


def _reads_at(schema: type[BaseModel], model_path: Path, field: str | None) -> frozenset[str]:
    """The keys the validators of the model at ``model_path`` read (of ``field``'s, or the model's)."""
    tp: Any = schema
    for part in model_path:
        tp = child_type(tp, part)
    found: frozenset[str] = frozenset()
    for model in (m for m in members(tp) if is_model(m)):
        found |= validator_reads(model, field)
    return found


def validator_reads(model: type[BaseModel], field: str | None) -> frozenset[str]:
    """The keys of ``model`` its model validators (or ``field``'s validators) load by name.

    Read from the validators' code (the attribute names and string constants it loads), never by
    running it: ``self.total`` and ``info.data["lr"]`` both count.
    """
    decorators: Any = getattr(model, "__pydantic_decorators__", None)
    if decorators is None:
        return frozenset()
    keys = dict(field_keys(model))
    name = next((n for n, k in keys.items() if k == field), field)
    group: dict[str, Any] = decorators.model_validators if field is None else decorators.field_validators
    names: set[str] = set()
    for decorator in group.values():
        if field is not None and not {name, "*"} & set(decorator.info.fields):
            continue  # another field's validator
        function: Any = getattr(decorator.func, "__func__", decorator.func)
        stack: list[types.CodeType] = [function.__code__] if hasattr(function, "__code__") else []
        while stack:
            code = stack.pop()
            names.update(code.co_names)
            names.update(c for c in code.co_consts if isinstance(c, str))
            stack.extend(c for c in code.co_consts if isinstance(c, types.CodeType))
    return frozenset(keys[n] for n in names if n in keys) | frozenset(names & set(keys.values()))


def _set_under(path: Path, datas: Iterable[Any]) -> list[Path]:
    """The leaf paths under ``path`` that any layer sets, in first-set order (lists are leaves)."""
    found: dict[Path, None] = {}
    for data in datas:
        node = lookup(data, path)
        if node is MISSING:
            continue
        stack: list[tuple[Path, Any]] = [(path, node)]
        while stack:
            here, value = stack.pop()
            if is_dict(value) and value:
                stack.extend((((*here, key), item) for key, item in reversed(list(value.items()))))
            elif here != path:
                found.setdefault(here)
    return list(found)


def _names(message: str, relative: Path) -> bool:
    """Whether a message names a key: its dot-key under the model, or its last segment, as a word."""
    words: set[str] = {format_path(relative), str(relative[-1])} if relative else set()
    return any(re.search(rf"(?<![\w.]){re.escape(word)}(?![\w])", message) for word in words)
