"""``flatten``: a config or a nested mapping to dot-keys with JSON-compatible values.

The walk. What it knows of each model class (its keys, which fields are plain, its variants) is
in ``plans``; here the plans are run against a model's values, at C speed where they can.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from itertools import chain
from operator import attrgetter, methodcaller
from typing import Any, Final

from pydantic import BaseModel

from typed_config._errors import ConfigError, Origin, Problem
from typed_config._flat.plans import (
    MODEL_TYPES,
    PLANS,
    Fixes,
    Plan,
    build_deep,
    build_plan,
    build_variant,
    is_model_type,
)
from typed_config._flat.tables import Getter, Spread, build_layout
from typed_config._keys.dotted import segment_problem
from typed_config._keys.values import SCALARS, field_keys, is_dict, is_list, is_mapping, to_plain
from typed_config._schema.derived import computed_keys, has_computed
from typed_config._schema.secrets import holds_secret


def flatten(data: BaseModel | Mapping[str, Any]) -> dict[str, Any]:
    """Flatten a config or a nested mapping to dot-keys with JSON-compatible values.

    Nested models and mappings become dot-keys; lists are values and are never expanded (models
    inside them become dicts); tuples become lists; enums become their values; an empty mapping
    is a leaf. A model's computed fields (``@computed_field``) follow its fields.

    Args:
        data: a pydantic model instance or a mapping with string keys.

    Returns:
        A new flat ``dict`` such as ``{"optimizer.lr": 0.001}``. Its lists are new lists too:
        changing them never changes the config behind its validation.

    Raises:
        ConfigError: a mapping key is not a string, is empty or contains a dot.
    """
    out: dict[str, Any] = {}
    problems: list[Problem] = []
    if isinstance(data, BaseModel):
        _flatten_model(data, "", out, problems)
    elif is_mapping(data):
        _flatten_mapping(data, "", out, problems, lenient=False)
    else:
        raise TypeError(f"flatten() takes a model or a mapping, not {type(data).__name__}")
    if problems:
        raise ConfigError(problems)
    return out


def _flatten_model(model: BaseModel, prefix: str, out: dict[str, Any], problems: list[Problem]) -> None:
    model_type = type(model)
    plan = PLANS.get((model_type, prefix)) or build_plan(model_type, prefix)
    keys, computed = plan.keys, plan.computed
    if not keys and not computed:
        if prefix:
            out[prefix[:-1]] = {}  # a model with no fields is an empty mapping: a leaf
        return
    values = model.__dict__
    if plan.runs and len(values) == len(keys):
        # Without aliases the values dict holds the fields in order: taken as it is, no lookups.
        own = list(values.values())
        take_others = plan.take_others
        if take_others is None or not (
            _flatten_group(own, plan, take_others, out) or _flatten_deep(own, plan, out)
        ):
            _flatten_runs(own, plan, out, problems)
    else:
        ordered = [values.get(n) for n, _ in field_keys(model_type)]  # model_construct() may leave gaps
        for field in zip(keys, plan.prefixes, ordered, plan.converts, strict=True):
            _flatten_field(*field, out=out, problems=problems)
    for name, key in computed:  # derived values: trackers see them; sources never set them
        _flatten_field(key, key + ".", getattr(model, name), None, out=out, problems=problems)


def _flatten_runs(own: list[Any], plan: Plan, out: dict[str, Any], problems: list[Problem]) -> None:
    """Flatten a model's runs of plain fields at C speed, and the fields between them one by one."""
    keys, prefixes, converts = plan.keys, plan.prefixes, plan.converts
    for run in plan.runs:
        if isinstance(run, int):
            _flatten_field(keys[run], prefixes[run], own[run], converts[run], out=out, problems=problems)
            continue
        if not _copy_leaves(run.keys, own[run.start : run.end], run.fixes, out):
            for index in range(run.start, run.end):
                _flatten_field(
                    keys[index], prefixes[index], own[index], converts[index], out=out, problems=problems
                )


def _flatten_field(
    key: str,
    child_prefix: str,
    value: Any,
    convert: Callable[[Any], Any] | None,
    *,
    out: dict[str, Any],
    problems: list[Problem],
) -> None:
    kind: type[Any] = value.__class__
    if kind in SCALARS:  # most leaves: no call, no conversion
        out[key] = value
    elif kind is list and (convert is list or set(map(type, value)) <= SCALARS):
        out[key] = list(value)  # a list of scalars: a C-level copy
    elif MODEL_TYPES.get(kind) or is_model_type(kind):
        # The child's prefix comes from the plan: the same string object as in the child's
        # plan key, so that lookup hashes nothing and compares by identity.
        _flatten_model(value, child_prefix, out, problems)
    elif kind is dict and value:
        _flatten_mapping(value, child_prefix, out, problems, lenient=True)
    else:
        _flatten_value(value, key, out, problems, lenient=True)


def _copy_leaves(keys: tuple[str, ...], values: list[Any], fixes: Fixes, out: dict[str, Any]) -> bool:
    """Write leaves whose values are JSON scalars, or become so by one C-level call, at C speed.

    The values go in as they are; then the lists (copied) and the enums (their values) are
    written over themselves: the same keys, so the order stays the order of the fields. False,
    with the keys written again by the caller, when a value is not what its field's type says
    (possible only for a model built without validation).
    """
    out.update(zip(keys, values, strict=True))
    return _fix_leaves(values, fixes, out)


def _fix_leaves(values: list[Any], fixes: Fixes, out: dict[str, Any]) -> bool:
    """Write the leaves to convert (lists, enums) over themselves; False when a value does not convert."""
    try:
        for fix_keys, take, convert in fixes:
            out.update(zip(fix_keys, map(convert, take(values)), strict=True))
    except (TypeError, AttributeError):
        return False
    return True


def _flatten_group(own: list[Any], plan: Plan, take_others: Getter, out: dict[str, Any]) -> bool:
    """Flatten a model whose values are plain, or models of plain fields, in one step.

    The fields that are not plain by their types (a nested model, an Optional one, a union) are
    looked at first: the classes of their values choose a variant of the plan, made once. When
    each such value is a scalar or a model of plain fields with every field set, the leaves of
    the model and of those children go in with one update: no Python-level step per leaf. False
    otherwise (a deeper model, a list of models, a child built without validation): the caller
    then takes the model run by run (``_flatten_runs``), writing the same keys in the same order.
    """
    kinds = tuple(map(type, take_others(own)))
    group = plan.variants.get(kinds, _UNKNOWN)
    if group is _UNKNOWN:
        group = build_variant(plan, kinds)
    if group is None:
        return False
    parts: Iterable[Iterable[Any]] | None = None
    take_children = group.take_children
    if take_children is not None:
        dicts: list[dict[str, Any]] = list(map(_INSTANCE_DICT, take_children(own)))
        if tuple(map(len, dicts)) != group.sizes:
            return False  # a child built without validation, with unset fields
        if len(dicts) == len(own):  # models only: their values, one after the other
            parts = map(_VALUES, dicts)
        else:  # each plain value as a 1-tuple, each model as its values
            parts = list(zip(own))
            for index, child in zip(group.at, dicts, strict=True):
                parts[index] = child.values()
    leaves = own if parts is None else list(chain.from_iterable(parts))
    if group.spread is not None:
        return _spread_leaves(leaves, group.spread, group.fixes, out)
    return _copy_leaves(group.keys, leaves, group.fixes, out)


def _flatten_deep(own: list[Any], plan: Plan, out: dict[str, Any]) -> bool:
    """Flatten a tree of models holding models, down to models of plain fields, in one step per level.

    The values of the models at one level, one after the other, are the models of the next level
    (checked: their classes and numbers of fields are the plan's), and at the last level the
    leaves, in the order a field-by-field walk writes them. False, with nothing written, for
    anything else: the caller then takes the model as before.
    """
    if len(plan.others) != len(own):
        return False  # plain fields beside the models
    deep = plan.deep.get(tuple(map(type, own)), _UNKNOWN)
    if deep is _UNKNOWN:
        deep = build_deep(plan, own)
    if deep is None:
        return False
    nodes = own
    for sizes, kinds in deep.levels:
        dicts: list[dict[str, Any]] = list(map(_INSTANCE_DICT, nodes))
        if tuple(map(len, dicts)) != sizes:
            return False  # a model built without validation, with unset fields
        nodes = list(chain.from_iterable(map(_VALUES, dicts)))
        if kinds is not None and tuple(map(type, nodes)) != kinds:
            return False  # other classes than the plan's (a union's other member)
    if deep.spread is not None:
        return _spread_leaves(nodes, deep.spread, deep.fixes, out)
    return _copy_leaves(deep.keys, nodes, deep.fixes, out)


def _spread_leaves(leaves: list[Any], spread: Spread, fixes: Fixes, out: dict[str, Any]) -> bool:
    """``_copy_leaves`` for leaves among which are dict fields: each dict's entries in its place.

    Each dict must be a non-empty dict of JSON scalars; the keys they hold choose the layout (made
    once: ``build_layout``), which puts the leaves and the entries in the walk's order for one
    update. False, with nothing written, for anything else (an empty dict is a leaf; a key to
    report or respell), or, as for ``_copy_leaves``, when a leaf does not convert: the caller then
    walks the model field by field.
    """
    tables: tuple[Any, ...] = spread.take(leaves)
    if set(map(type, tables)) != _DICT or not all(tables):
        return False
    sizes = tuple(map(len, tables))
    names = tuple(chain.from_iterable(tables))
    layout = spread.layouts.get((sizes, names), _UNKNOWN)
    if layout is _UNKNOWN:
        layout = build_layout(spread, sizes, names)
    if layout is None:
        return False
    entries = list(chain.from_iterable(map(_VALUES, tables)))
    if not set(map(type, entries)) <= SCALARS:
        return False
    values = leaves + entries  # the leaves keep their positions: the fixes take them as they are
    out.update(zip(layout.keys, layout.order(values), strict=True))
    return _fix_leaves(values, fixes, out)


_INSTANCE_DICT: Final = attrgetter("__dict__")
_VALUES: Final = methodcaller("values")
_DICT: Final = {dict}
_UNKNOWN: Final[Any] = object()


def _flatten_mapping(
    mapping: Mapping[Any, Any], prefix: str, out: dict[str, Any], problems: list[Problem], *, lenient: bool
) -> None:
    for key, value in mapping.items():
        if type(key) is not str or not key or "." in key:
            if lenient and type(key) is int:  # a validated dict[int, ...] field: JSON's spelling
                key = str(key)  # noqa: PLW2901 - the key, respelled
            else:
                reason = segment_problem(key)
                if reason is not None:
                    problems.append(Problem(prefix[:-1] or None, reason, Origin(text="flatten() argument")))
                    continue
        if value.__class__ in SCALARS:  # most entries: no call
            out[prefix + key] = value
        else:
            _flatten_value(value, prefix + key, out, problems, lenient=lenient)


def _flatten_value(
    value: Any, key: str, out: dict[str, Any], problems: list[Problem], *, lenient: bool
) -> None:
    kind: type[Any] = value.__class__  # not a scalar: the callers write those themselves
    if kind is list or kind is tuple:
        # Lists of scalars are the common case: a C-level copy, converting only what needs it.
        copied = list(value)
        if not set(map(type, copied)) <= SCALARS:
            copied = [
                item
                if type(item) in SCALARS
                else _checked_keys(to_plain(item), f"{key}[{index}]", problems, lenient=lenient)
                for index, item in enumerate(copied)
            ]
        out[key] = copied
    elif isinstance(value, BaseModel):
        _flatten_model(value, key + ".", out, problems)
    elif is_mapping(value) and value:
        _flatten_mapping(value, key + ".", out, problems, lenient=lenient)
    else:
        out[key] = _checked_keys(to_plain(value), key, problems, lenient=lenient)


def _checked_keys(value: Any, key: str, problems: list[Problem], *, lenient: bool) -> Any:
    """Check (or, for validated data, respell) the keys of mappings inside a list value."""
    if is_list(value):
        return [
            _checked_keys(item, f"{key}[{index}]", problems, lenient=lenient)
            for index, item in enumerate(value)
        ]
    if is_dict(value):
        fixed: dict[str, Any] = {}
        for sub, item in value.items():
            if lenient and type(sub) is int:
                sub = str(sub)  # noqa: PLW2901 - the key, respelled
            reason = segment_problem(sub)
            if reason is not None:
                problems.append(Problem(key, reason, Origin(text="flatten() argument")))
                continue
            fixed[sub] = _checked_keys(item, f"{key}.{sub}", problems, lenient=lenient)
        return fixed
    return value


def flatten_fields(model: BaseModel, *, reveal: bool = False) -> dict[str, Any]:
    """``flatten`` without computed fields: the values a run stores and compares (never derived ones).

    With ``reveal``, secrets are in clear (for comparing values: changing a secret is a change).
    """
    if reveal and holds_secret(type(model)):
        return flatten(to_plain(model, reveal=True))  # to_plain leaves computed fields out
    flat = flatten(model)
    if has_computed(type(model)):
        for key in _computed_under(model, ""):
            flat.pop(key, None)
    return flat


def _computed_under(model: BaseModel, prefix: str) -> list[str]:
    """The dot-keys ``flatten`` gives the computed fields of a model and of the models in it."""
    found = [prefix + key for _, key in computed_keys(type(model))]
    for name, key in field_keys(type(model)):
        value = model.__dict__.get(name)
        if isinstance(value, BaseModel):
            found += _computed_under(value, f"{prefix}{key}.")
        elif is_dict(value):
            for sub, item in value.items():
                if isinstance(item, BaseModel):
                    found += _computed_under(item, f"{prefix}{key}.{sub}.")
    return found
