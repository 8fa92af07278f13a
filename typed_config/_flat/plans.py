"""What ``flatten`` knows of a model class: its plan, built once per class and prefix.

A plan holds the dot-keys of a model's fields and which fields are plain: their validated values
are JSON values already, or become so by one C-level call (``list``, an enum's ``value``). Plain
models are copied whole; models of plain models get variants, one per combination of the classes
their children hold; everything else is split into runs of plain fields. ``flatten`` runs them.
"""

from __future__ import annotations

import enum
import typing
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from operator import attrgetter, itemgetter
from typing import Any, Final, Literal

from pydantic import BaseModel
from typing_extensions import TypeIs

from typed_config._keys.values import SCALARS, field_keys
from typed_config._schema.derived import computed_keys
from typed_config._schema.types import is_model, members, strip
from typed_config._types import per_class

MAX_VARIANTS: Final = 64
"""How many variants a plan remembers (``build_variant``)."""

Getter = Callable[[Any], tuple[Any, ...]]
Fixes = tuple[tuple[tuple[str, ...], Getter, Callable[[Any], Any]], ...]
"""Leaves to write again, converted: (their keys, a C-level getter of their values, the conversion)."""
_ENUM_VALUE: Final = attrgetter("value")


# Plans, runs and groups are read by field name. Slotted classes: a slot is read as fast as a
# tuple is unpacked (``flatten`` reads them once per model), and faster than a NamedTuple field.
@dataclass(frozen=True, slots=True)
class Run:
    """Plain fields from ``start`` to ``end`` (exclusive): their keys and conversions (``flatten``)."""

    start: int
    end: int
    keys: tuple[str, ...]
    fixes: Fixes


@dataclass(frozen=True, slots=True)
class Group:
    """A variant of a plan: the model and its model-valued children, flattened in one step."""

    sizes: tuple[int, ...]
    """The children's numbers of fields."""
    take_children: Getter | None
    """Takes the children from the list of the model's values (None: no child is a model)."""
    at: tuple[int, ...]
    """The positions of the children among the model's fields."""
    keys: tuple[str, ...]
    """Every leaf's dot-key, in the order a field-by-field walk writes them."""
    fixes: Fixes
    """The leaves to convert (lists, enums), taken from the list of all leaves."""


@dataclass(frozen=True, slots=True)
class Plan:
    """How to flatten a model under a prefix: built once per model class and prefix."""

    keys: tuple[str, ...]
    """The dot-keys of the fields."""
    prefixes: tuple[str, ...]
    """The prefixes of nested models under them (each key and a dot)."""
    converts: tuple[Callable[[Any], Any] | None, ...]
    """For each plain field, the conversion of its value (``list`` for lists and tuples of scalars,
    an enum's value), or None."""
    others: tuple[int, ...]
    """The positions of the fields that are not plain."""
    take_others: Getter | None
    """Takes their values from the list of the model's values, when each may hold a model."""
    variants: dict[tuple[type[Any], ...], Group | None]
    """By the classes of those values: how to flatten in one step, or None (take the runs)."""
    runs: tuple[Run | int, ...]
    """The runs of plain fields, and the positions of the others between them, in order: one run
    when every field is plain. Empty when the fields have aliases: then they are walked by name."""
    computed: tuple[tuple[str, str], ...]
    """The computed fields: (attribute name, dot-key), written after the fields."""
    deep: dict[tuple[type[Any], ...], Deep | None]
    """By the classes of the fields' values, when every field holds a model: the flatten of the
    whole tree below in one step (``build_deep``), or None (no such step)."""


@dataclass(frozen=True, slots=True)
class Deep:
    """A tree of models whose fields hold only models, down to models of plain fields, flattened level by level.

    The models at each level are the values of the models above, in order: the leaves, taken
    that way, come in the order a field-by-field walk writes them.
    """

    levels: tuple[tuple[tuple[int, ...], tuple[type[Any], ...] | None], ...]
    """For each level from the fields' values down: each model's number of fields, and the
    classes of the values they hold (None at the last level: the leaves)."""
    keys: tuple[str, ...]
    """Every leaf's dot-key, in order."""
    fixes: Fixes
    """The leaves to convert (lists, enums)."""


# Flatten plans by (model class, prefix): one dict lookup per model, where the key strings are
# built once. Bounded: schemas are few, and prefixes are their nesting paths.
PLANS: dict[tuple[type[BaseModel], str], Plan] = {}


def build_plan(model_type: type[BaseModel], prefix: str) -> Plan:
    """How to flatten a model under ``prefix``, built once per model class and prefix."""
    if len(PLANS) > 100_000:  # generated schemas (tests) must not grow this without end
        PLANS.clear()
    annotations = _annotations(model_type)
    keys = tuple(prefix + key for _, key in field_keys(model_type))
    conversions = [_conversion(a) for a in annotations]
    converts = tuple(None if isinstance(c, _NotPlain) else c for c in conversions)
    by_name = _no_aliases(model_type)
    others = tuple(i for i, c in enumerate(conversions) if c is _NOT_PLAIN)
    take_others: Getter | None = None
    if others and by_name and all(_may_hold_model(annotations[i]) for i in others):
        take_others = _take(others)  # each may hold a model: a one-step variant may apply
    prefixes = tuple(key + "." for key in keys)
    plan = Plan(
        keys=keys,
        prefixes=prefixes,
        converts=converts,
        others=others,
        take_others=take_others,
        variants={},
        runs=_runs(keys, converts, others) if by_name else (),
        computed=tuple((name, prefix + key) for name, key in computed_keys(model_type)),
        deep={},
    )
    PLANS[(model_type, prefix)] = plan
    return plan


def _may_hold_model(annotation: Any) -> bool:
    """Whether a field's type names a model class, alone or in a union (``X | None``)."""
    return any(is_model(member) for member in members(annotation))


def _runs(
    keys: tuple[str, ...], converts: tuple[Callable[[Any], Any] | None, ...], others: tuple[int, ...]
) -> tuple[Run | int, ...]:
    """Split the fields into runs of plain fields and the other fields' positions, in order."""
    runs: list[Run | int] = []
    start = 0
    for end in [*others, len(keys)]:
        if end > start:
            run_keys = keys[start:end]
            runs.append(Run(start=start, end=end, keys=run_keys, fixes=_fixes(converts[start:end], run_keys)))
        if end < len(keys):
            runs.append(end)
        start = end + 1
    return tuple(runs)


def build_variant(plan: Plan, kinds: tuple[type[Any], ...]) -> Group | None:
    """The one-step flatten of a model whose non-plain fields hold values of these classes.

    None unless each is a JSON scalar or a model of plain fields without aliases; remembered in
    the plan (up to ``MAX_VARIANTS`` of them).
    """
    group: Group | None = None
    if all(kind in SCALARS or _leaf_class(kind) for kind in kinds):
        keys: list[str] = []
        converts: list[Callable[[Any], Any] | None] = []
        sizes: list[int] = []
        at: list[int] = []
        by_position = dict(zip(plan.others, kinds, strict=True))
        for index, (key, convert) in enumerate(zip(plan.keys, plan.converts, strict=True)):
            kind = by_position.get(index)
            if kind is not None and kind not in SCALARS:
                child_prefix = plan.prefixes[index]
                child = PLANS.get((kind, child_prefix)) or build_plan(kind, child_prefix)
                sizes.append(len(child.keys))
                at.append(index)
                keys += child.keys
                converts += child.converts
            else:
                keys.append(key)
                converts.append(convert)  # None for a scalar in a field that is not plain
        group = Group(
            sizes=tuple(sizes),
            take_children=_take(at) if at else None,
            at=tuple(at),
            keys=tuple(keys),
            fixes=_fixes(converts, keys),
        )
    if len(plan.variants) < MAX_VARIANTS:
        plan.variants[kinds] = group
    return group


MAX_LEVELS: Final = 16
"""How deep a tree ``build_deep`` flattens in one step."""


def build_deep(plan: Plan, own: list[Any]) -> Deep | None:
    """The one-step flatten of the tree under a model whose fields hold these models (``own``), or None.

    None unless every model at each level holds only models (without aliases or computed fields),
    down to a level where every model holds only plain fields. Remembered in the plan by the
    classes of ``own`` (up to ``MAX_VARIANTS``); the deeper classes are checked on each use.
    """
    deep: Deep | None = None
    kinds = tuple(map(type, own))
    nodes: list[Any] = own
    prefixes = list(plan.prefixes)
    levels: list[tuple[tuple[int, ...], tuple[type[Any], ...] | None]] = []
    for _ in range(MAX_LEVELS):
        if not (nodes and all(MODEL_TYPES.get(kind) or is_model_type(kind) for kind in map(type, nodes))):
            break
        classes: list[type[BaseModel]] = list(map(type, nodes))
        plans = [PLANS.get((c, p)) or build_plan(c, p) for c, p in zip(classes, prefixes, strict=True)]
        sizes = tuple(len(child.keys) for child in plans)
        if all(_leaf_class(c) for c in classes):  # the last level: leaves below
            keys = tuple(key for child in plans for key in child.keys)
            converts = [convert for child in plans for convert in child.converts]
            deep = Deep((*levels, (sizes, None)), keys, _fixes(converts, keys))
            break
        if not all(_branch(child) for child in plans):
            break
        nodes = [value for node in nodes for value in _values(node)]
        prefixes = [prefix for child in plans for prefix in child.prefixes]
        levels.append((sizes, tuple(map(type, nodes))))
    if len(plan.deep) < MAX_VARIANTS:
        plan.deep[kinds] = deep
    return deep


def _values(model: BaseModel) -> list[Any]:
    return list(model.__dict__.values())


def _branch(plan: Plan) -> bool:
    """Whether a model's fields all may hold models (keyed by their names, no computed field)."""
    return (
        bool(plan.keys)
        and plan.take_others is not None
        and len(plan.others) == len(plan.keys)
        and not plan.computed
    )


def _annotations(model_type: type[BaseModel]) -> list[Any]:
    fields = model_type.model_fields
    return [fields[name].annotation for name, _ in field_keys(model_type)]


def _plain_leaves(model_type: type[BaseModel]) -> bool:
    """Whether every field of a model is plain (``_conversion``), and there is a field."""
    annotations = _annotations(model_type)
    return bool(annotations) and all(_conversion(a) is not _NOT_PLAIN for a in annotations)


class _NotPlain:
    """The mark of a field whose value is not plain (a plain class: an Enum costs import time)."""


_NOT_PLAIN: Final = _NotPlain()


def _conversion(annotation: Any) -> Callable[[Any], Any] | _NotPlain | None:
    """How a plain field's validated value becomes its flat value; ``_NOT_PLAIN`` for other fields.

    None (as it is) for JSON scalars (``_plain_scalar``); ``list`` for lists and tuples of them;
    an enum's value for an enum of JSON scalars.
    """
    if _plain_scalar(annotation):
        return None
    if _scalar_list(annotation):
        return list
    annotation = strip(annotation)
    if (
        isinstance(annotation, type)
        and issubclass(annotation, enum.Enum)
        and all(type(member.value) in _PLAIN for member in annotation)
    ):
        return _ENUM_VALUE
    return _NOT_PLAIN


def _fixes(converts: Sequence[Callable[[Any], Any] | None], keys: Sequence[str]) -> Fixes:
    """The conversions of leaves, grouped by conversion: their keys, a getter by position, the function."""
    fixes: list[tuple[tuple[str, ...], Getter, Callable[[Any], Any]]] = []
    for convert in dict.fromkeys(c for c in converts if c is not None):
        chosen = [i for i, c in enumerate(converts) if c is convert]
        fixes.append((tuple(keys[i] for i in chosen), _take(chosen), convert))
    return tuple(fixes)


def _leaf_class(kind: type[Any]) -> TypeIs[type[BaseModel]]:
    """Whether a value's class is a model whose fields are all plain, keyed by their names."""
    return (
        (MODEL_TYPES.get(kind) or is_model_type(kind))
        and _no_aliases(kind)
        and _plain_leaves(kind)
        and not computed_keys(kind)  # its computed fields are written by its own plan
    )


def _take(items: Sequence[Any]) -> Getter:
    """A C-level getter of these items (at least one) that always returns a tuple."""
    if len(items) == 1:
        item = items[0]
        return lambda source: (source[item],)  # itemgetter of one item returns it bare
    return itemgetter(*items)


_PLAIN: Final = (int, float, str, bool, type(None))


def _plain_scalar(annotation: Any) -> bool:
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


def _scalar_list(annotation: Any) -> bool:
    """Whether a field is a list or tuple of plain scalars: ``list(value)`` is its flat value."""
    annotation = strip(annotation)
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin is tuple and len(args) == 2 and args[1] is Ellipsis:
        args = args[:1]
    return origin in (list, tuple) and bool(args) and all(_plain_scalar(arg) for arg in args)


MODEL_TYPES: dict[type[Any], bool] = {}


def is_model_type(kind: type[Any]) -> bool:
    """``is_model(kind)`` for a value's class, remembered: pydantic's metaclass makes the check slow."""
    known = MODEL_TYPES.get(kind)
    if known is None:
        known = MODEL_TYPES[kind] = is_model(kind)
    return known


def _no_aliases(model_type: type[BaseModel]) -> bool:
    return per_class(model_type, "__typed_config_plain_keys__", _plain_keys)


def _plain_keys(model_type: type[BaseModel]) -> bool:
    keys = field_keys(model_type)
    return all(name == key for name, key in keys) and list(model_type.model_fields) == [n for n, _ in keys]
