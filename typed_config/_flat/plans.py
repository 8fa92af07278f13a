"""What ``flatten`` knows of a model class: its plan, built once per class and prefix.

A plan holds the dot-keys of a model's fields and which fields are plain: their validated values
are JSON values already, or become so by one C-level call (``list``, an enum's ``value``). Plain
models are copied whole; models of plain models get variants, one per combination of the classes
their children hold; everything else is split into runs of plain fields. ``flatten`` runs them.
Below a model, a child's dicts of scalars are leaves too: their entries go in their places by a
layout (``tables``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Final

from pydantic import BaseModel
from typing_extensions import TypeIs

from typed_config._flat.leaves import NOT_PLAIN, TABLE, Mark, NotPlain, Table, conversion, scalar_table
from typed_config._flat.tables import Getter, Spread, build_spread, take
from typed_config._keys.values import SCALARS, field_keys
from typed_config._schema.derived import computed_keys
from typed_config._schema.types import is_model, members
from typed_config._types import per_class

MAX_VARIANTS: Final = 64
"""How many variants a plan remembers (``build_variant``)."""

Fixes = tuple[tuple[tuple[str, ...], Getter, Callable[[Any], Any]], ...]
"""Leaves to write again, converted: (their keys, a C-level getter of their values, the conversion)."""


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
    spread: Spread | None
    """The dict fields among the leaves, or None (no dict field)."""


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
    tables: tuple[int, ...]
    """The positions of the ``dict[str, X]`` fields, X a JSON scalar (``leaves.scalar_table``)."""


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
    spread: Spread | None
    """The dict fields among the leaves, or None (no dict field)."""


# Flatten plans by (model class, prefix): one dict lookup per model, where the key strings are
# built once. Bounded: schemas are few, and prefixes are their nesting paths.
PLANS: dict[tuple[type[BaseModel], str], Plan] = {}


def build_plan(model_type: type[BaseModel], prefix: str) -> Plan:
    """How to flatten a model under ``prefix``, built once per model class and prefix."""
    if len(PLANS) > 100_000:  # generated schemas (tests) must not grow this without end
        PLANS.clear()
    annotations = _annotations(model_type)
    keys = tuple(prefix + key for _, key in field_keys(model_type))
    conversions = [conversion(a) for a in annotations]
    converts = tuple(None if isinstance(c, NotPlain) else c for c in conversions)
    by_name = _no_aliases(model_type)
    others = tuple(i for i, c in enumerate(conversions) if c is NOT_PLAIN)
    take_others: Getter | None = None
    tables = tuple(i for i in others if scalar_table(annotations[i]))
    if others and by_name and all(i in tables or _may_hold_model(annotations[i]) for i in others):
        take_others = take(others)  # each may hold a model or is a dict: a one-step variant may apply
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
        tables=tables,
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

    None unless each is a JSON scalar, a dict in a field of dicts of scalars, or a model of plain
    fields (dicts of scalars among them) without aliases; remembered in the plan (up to
    ``MAX_VARIANTS`` of them).
    """
    group: Group | None = None
    if all(
        kind in SCALARS or _leaf_class(kind) or (kind is dict and index in plan.tables)
        for index, kind in zip(plan.others, kinds, strict=True)
    ):
        keys: list[str] = []
        converts: list[Mark] = []
        sizes: list[int] = []
        at: list[int] = []
        by_position = dict(zip(plan.others, kinds, strict=True))
        for index, (key, convert) in enumerate(zip(plan.keys, plan.converts, strict=True)):
            kind = by_position.get(index)
            if kind is dict:  # a dict of scalars: its entries are leaves
                keys.append(key)
                converts.append(TABLE)
            elif kind is not None and kind not in SCALARS:
                child_prefix = plan.prefixes[index]
                child = PLANS.get((kind, child_prefix)) or build_plan(kind, child_prefix)
                sizes.append(len(child.keys))
                at.append(index)
                keys += child.keys
                converts += _leaf_marks(child)
            else:
                keys.append(key)
                converts.append(convert)  # None for a scalar in a field that is not plain
        group = Group(
            sizes=tuple(sizes),
            take_children=take(at) if at else None,
            at=tuple(at),
            keys=tuple(keys),
            fixes=_fixes(converts, keys),
            spread=build_spread(converts, keys),
        )
    if len(plan.variants) < MAX_VARIANTS:
        plan.variants[kinds] = group
    return group


MAX_LEVELS: Final = 16
"""How deep a tree ``build_deep`` flattens in one step."""


def build_deep(plan: Plan, own: list[Any]) -> Deep | None:
    """The one-step flatten of the tree under a model whose fields hold these models (``own``), or None.

    None unless every model at each level holds only models (without aliases or computed fields),
    down to a level where every model holds only plain fields (dicts of scalars among them).
    Remembered in the plan by the classes of ``own`` (up to ``MAX_VARIANTS``); the deeper classes
    are checked on each use.
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
            converts = [mark for child in plans for mark in _leaf_marks(child)]
            deep = Deep((*levels, (sizes, None)), keys, _fixes(converts, keys), build_spread(converts, keys))
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
    """Whether every field of a model is plain (``leaves.conversion``) or a dict of scalars, and there is a field."""
    annotations = _annotations(model_type)
    return bool(annotations) and all(conversion(a) is not NOT_PLAIN or scalar_table(a) for a in annotations)


def _leaf_marks(plan: Plan) -> list[Mark]:
    """The conversions of a leaf class's fields, its dict fields marked ``TABLE``."""
    marks: list[Mark] = list(plan.converts)
    for index in plan.tables:
        marks[index] = TABLE
    return marks


def _fixes(converts: Sequence[Mark], keys: Sequence[str]) -> Fixes:
    """The conversions of leaves, grouped by conversion: their keys, a getter by position, the function."""
    fixes: list[tuple[tuple[str, ...], Getter, Callable[[Any], Any]]] = []
    for convert in dict.fromkeys(c for c in converts if c is not None and not isinstance(c, Table)):
        chosen = [i for i, c in enumerate(converts) if c is convert]
        fixes.append((tuple(keys[i] for i in chosen), take(chosen), convert))
    return tuple(fixes)


def _leaf_class(kind: type[Any]) -> TypeIs[type[BaseModel]]:
    """Whether a value's class is a model of plain fields (dicts of scalars among them), keyed by their names."""
    return (
        (MODEL_TYPES.get(kind) or is_model_type(kind))
        and _no_aliases(kind)
        and _plain_leaves(kind)
        and not computed_keys(kind)  # its computed fields are written by its own plan
    )


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
