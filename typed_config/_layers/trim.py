"""The data pydantic needs to find the first problems: past the first ``MAX_PROBLEMS`` bad items of a container, a count.

Pydantic reports a model's errors field by field in schema order, each container's item by item,
then the model's unknown keys in input order. So the first ``MAX_PROBLEMS`` errors of the whole
data are among those of a copy in which every container keeps its items up to its
``MAX_PROBLEMS``-th bad one, and every model all its known keys and its first ``MAX_PROBLEMS``
unknown ones; what is left out is counted, at C speed, by exact type where the schema says the
type decides (``_schema/bulk.py``). A list keeps its first items, so every index is unchanged.
A file with 8 million bad list items is validated as 100, and its message is the same.
"""

from __future__ import annotations

import itertools
from collections import Counter
from typing import Any, Final, NamedTuple

from pydantic import BaseModel

from typed_config._errors import MAX_PROBLEMS
from typed_config._keys.values import is_dict, is_list
from typed_config._schema.bulk import PLAIN, Items, Model, bulk_plan

_SIZED: Final = (list, dict)


class Trimmed(NamedTuple):
    """The data to validate, and how many errors the items left out of it would have added."""

    data: Any
    dropped: int


def trimmed(schema: type[BaseModel], data: Any) -> Trimmed:
    """``data`` with what lies past the first ``MAX_PROBLEMS`` problems of each container left out, counted.

    Only for a schema without unions, whose errors are listed in pydantic's order. The data is
    returned itself when nothing is left out; copies are made only along the way to what is.
    """
    plan = bulk_plan(schema)
    cut = _model(plan, data) if plan is not None and is_dict(data) else None
    return cut if cut is not None else Trimmed(data, 0)


def _model(plan: Model, data: dict[Any, Any]) -> Trimmed | None:
    """A model's data with its unknown keys, container fields and model fields trimmed; None if nothing is.

    Cheap when nothing is: a look-up per field that may hold a container or a model.
    """
    result, dropped = _known_and_first_unknown(plan, data) if len(data) > MAX_PROBLEMS else (data, 0)
    for key, items in plan.containers:
        value: Any = result.get(key)
        if type(value) in _SIZED and len(value) > MAX_PROBLEMS:
            result, dropped = _replaced(result, data, key, _items(items, value), dropped)
    for key, model in plan.models:
        value = result.get(key)
        if is_dict(value):
            result, dropped = _replaced(result, data, key, _model(model, value), dropped)
    return Trimmed(result, dropped) if dropped else None


def _replaced(
    result: dict[Any, Any], given: dict[Any, Any], key: str, inner: Trimmed | None, dropped: int
) -> tuple[dict[Any, Any], int]:
    """``result`` with ``inner``'s data at ``key`` when it left something out (copied, if still ``given``)."""
    if inner is None:
        return result, dropped
    if result is given:
        result = dict(result)
    result[key] = inner.data
    return result, dropped + inner.dropped


def _known_and_first_unknown(plan: Model, data: dict[Any, Any]) -> tuple[dict[Any, Any], int]:
    """``data`` with its known keys and first ``MAX_PROBLEMS`` unknown ones, and how many others it had."""
    known = plan.keys
    unknown = len(data) - sum(key in data for key in known)
    if unknown <= MAX_PROBLEMS or set(map(type, data)) != {str}:  # other keys may collide in JSON
        return data, 0
    kept: dict[Any, Any] = {}
    seen = 0
    for key, value in data.items():
        if key not in known:
            seen += 1
            if seen > MAX_PROBLEMS:
                break
        kept[key] = value
    kept.update((key, data[key]) for key in known if key in data and key not in kept)
    return kept, unknown - MAX_PROBLEMS


def _items(plan: Items, value: Any) -> Trimmed | None:
    if plan.kind == "list" and is_list(value) and type(value) is list:
        end, dropped = _cut(value, plan.valid)
        return Trimmed(value[:end], dropped) if dropped else None
    if plan.kind == "dict" and is_dict(value) and type(value) is dict:
        if set(map(type, value)) - {str}:
            return None  # other keys may collide in JSON
        end, dropped = _cut(list(value.values()), plan.valid)
        return Trimmed(dict(itertools.islice(value.items(), end)), dropped) if dropped else None
    return None


def _cut(items: list[Any], valid: frozenset[type]) -> tuple[int, int]:
    """How many items to keep and how many bad ones that leaves out; (0, 0) to keep all."""
    if len(items) <= MAX_PROBLEMS:
        return 0, 0
    counts = Counter(map(type, items))
    if not counts.keys() <= PLAIN:
        return 0, 0  # a value whose verdict is not its type: pydantic judges all
    bad = sum(count for kind, count in counts.items() if kind not in valid)
    if bad <= MAX_PROBLEMS:
        return 0, 0
    return _after_bad(items, valid), bad - MAX_PROBLEMS


def _after_bad(items: list[Any], valid: frozenset[type]) -> int:
    """The index just after the ``MAX_PROBLEMS``-th item whose type is not ``valid``."""
    seen = 0
    for index, kind in enumerate(map(type, items)):
        if kind not in valid:
            seen += 1
            if seen == MAX_PROBLEMS:
                return index + 1
    return len(items)
