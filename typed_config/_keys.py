"""Dot-key rules: what a key may be, ``flatten`` and ``unflatten``, and paths rendered as keys."""

from __future__ import annotations

import enum
import types
import typing
from collections.abc import Callable, Iterable, Mapping, Sequence
from itertools import chain
from operator import attrgetter, itemgetter, methodcaller
from typing import Annotated, Any, Final, Literal, NamedTuple

from pydantic import BaseModel, SecretBytes, SecretStr
from pydantic_core import to_jsonable_python
from typing_extensions import TypeIs

from typed_config._errors import ConfigError, Origin, Problem, show

Path = tuple[str | int, ...]
"""A path into nested data: mapping keys and list indices."""

_SCALARS: Final = frozenset({int, float, str, bool, type(None)})


def is_mapping(value: object) -> TypeIs[Mapping[Any, Any]]:
    """``isinstance(value, Mapping)``, typed for data whose contents are not known."""
    return isinstance(value, Mapping)


def is_dict(value: object) -> TypeIs[dict[Any, Any]]:
    """``isinstance(value, dict)``, typed for data whose contents are not known."""
    return isinstance(value, dict)


def is_tuple(value: object) -> TypeIs[tuple[Any, ...]]:
    """``isinstance(value, tuple)``, typed for data whose contents are not known."""
    return isinstance(value, tuple)


def is_list(value: object) -> TypeIs[list[Any]]:
    """``isinstance(value, list)``, typed for data whose contents are not known."""
    return isinstance(value, list)


def segment_problem(key: object) -> str | None:
    """Say what is wrong with ``key`` as one segment of a dot-key, or None when it is fine."""
    if not isinstance(key, str):
        return f"keys must be strings, got {type(key).__name__} {show(key)}"
    if not key:
        return "keys must not be empty"
    if "." in key:
        return f"key {show(key)} contains '.'; nest it as a mapping instead"
    return None


def format_path(path: Sequence[str | int]) -> str:
    """Render a path as a key: ``("schedule", 0, "lr")`` becomes ``schedule[0].lr``."""
    out: list[str] = []
    for part in path:
        if isinstance(part, int):
            out.append(f"[{part}]")
        else:
            out.append(f".{part}" if out else part)
    return "".join(out)


def field_keys(model_type: type[BaseModel]) -> list[tuple[str, str]]:
    """The (attribute name, key in data) pairs of a model: the key is the alias when one is set."""
    cached: list[tuple[str, str]] | None = model_type.__dict__.get("__typed_config_keys__")
    if cached is None:
        cached = [(name, info.alias or name) for name, info in model_type.model_fields.items()]
        # A plain attribute on the class: cheaper than a dict keyed by type on every call.
        type.__setattr__(model_type, "__typed_config_keys__", cached)
    return cached


def to_plain(value: object, *, reveal: bool = False) -> Any:
    """Turn a value into JSON-like data: models and mappings to dicts, tuples to lists, enums to values.

    Secrets are redacted unless ``reveal`` (for data that is validated again, never for output).
    """
    kind = type(value)
    if kind in _SCALARS:
        return value
    if isinstance(value, BaseModel):
        return {key: to_plain(value.__dict__[name], reveal=reveal) for name, key in field_keys(type(value))}
    if is_mapping(value):
        return {k: to_plain(v, reveal=reveal) for k, v in value.items()}
    if is_list(value) or is_tuple(value):
        return [to_plain(v, reveal=reveal) for v in value]
    if isinstance(value, enum.Enum):
        return to_plain(value.value, reveal=reveal)
    if reveal and isinstance(value, (SecretStr, SecretBytes)):
        return to_plain(value.get_secret_value())
    return to_jsonable_python(value, fallback=_fallback)


def _fallback(value: Any) -> Any:
    # numpy scalars and arrays, and anything else that knows how to become a Python value.
    for method in ("item", "tolist"):
        convert: Callable[[], Any] | None = getattr(value, method, None)
        if callable(convert):
            return convert()
    return str(value)


def flatten(data: BaseModel | Mapping[str, Any]) -> dict[str, Any]:
    """Flatten a config or a nested mapping to dot-keys with JSON-compatible values.

    Nested models and mappings become dot-keys; lists are values and are never expanded (models
    inside them become dicts); tuples become lists; enums become their values; an empty mapping
    is a leaf.

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
    plan = _PLANS.get((model_type, prefix)) or _plan(model_type, prefix)
    keys, prefixes, scalar_lists, _, fixes, _, take_others, _, runs, by_name = plan
    if not keys:
        if prefix:
            out[prefix[:-1]] = {}  # a model with no fields is an empty mapping: a leaf
        return
    values = model.__dict__
    ordered: Iterable[Any]
    if by_name and len(values) == len(keys):
        # Without aliases the values dict holds the fields in order: taken as it is, no lookups.
        if runs:
            own = list(values.values())
            if take_others is None or not _flatten_group(own, plan, take_others, out):
                _flatten_runs(own, plan, out, problems)
            return
        if fixes is not None and _copy_leaves(keys, values, fixes, out):
            return
        ordered = values.values()
    else:
        ordered = [values.get(n) for n, _ in field_keys(model_type)]  # model_construct() may leave gaps
    for field in zip(keys, prefixes, ordered, scalar_lists, strict=True):
        _flatten_field(*field, out=out, problems=problems)


def _flatten_runs(own: list[Any], plan: _Plan, out: dict[str, Any], problems: list[Problem]) -> None:
    """Flatten a model's runs of plain fields at C speed, and the fields between them one by one."""
    keys, prefixes, scalar_lists = plan.keys, plan.prefixes, plan.scalar_lists
    for run in plan.runs:
        if isinstance(run, int):
            value = own[run]
            kind = value.__class__
            if _MODEL_TYPES.get(kind):  # a nested model, the most common: no detour
                _flatten_model(value, prefixes[run], out, problems)
            elif kind is dict and value:
                _flatten_mapping(value, prefixes[run], out, problems, lenient=True)
            else:
                _flatten_field(keys[run], prefixes[run], value, scalar_lists[run], out=out, problems=problems)
            continue
        start, end, run_keys, run_fixes = run
        if not _copy_leaves(run_keys, own[start:end], run_fixes, out):
            for index in range(start, end):
                _flatten_field(
                    keys[index], prefixes[index], own[index], scalar_lists[index], out=out, problems=problems
                )


def _flatten_field(
    key: str,
    child_prefix: str,
    value: Any,
    scalar_list: bool,
    *,
    out: dict[str, Any],
    problems: list[Problem],
) -> None:
    kind: type[Any] = value.__class__
    if kind in _SCALARS:  # most leaves: no call, no conversion
        out[key] = value
    elif kind is list and (scalar_list or set(map(type, value)) <= _SCALARS):
        out[key] = list(value)  # a list of scalars: a C-level copy
    elif _MODEL_TYPES.get(kind) or _model_type(kind):
        # The child's prefix comes from the plan: the same string object as in the child's
        # plan key, so that lookup hashes nothing and compares by identity.
        _flatten_model(value, child_prefix, out, problems)
    elif kind is dict and value:
        _flatten_mapping(value, child_prefix, out, problems, lenient=True)
    else:
        _flatten_value(value, key, out, problems, lenient=True)


def _copy_leaves(
    keys: tuple[str, ...], values: Mapping[str, Any] | list[Any], fixes: _Fixes, out: dict[str, Any]
) -> bool:
    """Write leaves whose values are JSON scalars, or become so by one C-level call, at C speed.

    The values go in as they are; then the lists (copied) and the enums (their values) are
    written over themselves: the same keys, so the order stays the order of the fields. False,
    with the keys written again by the caller, when a value is not what its field's type says
    (possible only for a model built without validation).
    """
    out.update(zip(keys, values.values() if isinstance(values, Mapping) else values, strict=True))
    try:
        for fix_keys, take, convert in fixes:
            out.update(zip(fix_keys, map(convert, take(values)), strict=True))
    except (TypeError, AttributeError):
        return False
    return True


def _flatten_group(own: list[Any], plan: _Plan, take_others: _Getter, out: dict[str, Any]) -> bool:
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
        group = _variant(plan, kinds)
    if group is None:
        return False
    sizes, take_children, at, keys, fixes = group
    parts: Iterable[Iterable[Any]] | None = None
    if take_children is not None:
        dicts: list[dict[str, Any]] = list(map(_INSTANCE_DICT, take_children(own)))
        if tuple(map(len, dicts)) != sizes:
            return False  # a child built without validation, with unset fields
        if len(dicts) == len(own):  # models only: their values, one after the other
            parts = map(_VALUES, dicts)
        else:  # each plain value as a 1-tuple, each model as its values
            parts = list(zip(own))
            for index, child in zip(at, dicts, strict=True):
                parts[index] = child.values()
    return _copy_leaves(keys, own if parts is None else list(chain.from_iterable(parts)), fixes, out)


_INSTANCE_DICT: Final = attrgetter("__dict__")
_VALUES: Final = methodcaller("values")
_UNKNOWN: Final[Any] = object()
_MAX_VARIANTS: Final = 64

_Getter = Callable[[Any], tuple[Any, ...]]
_Fixes = tuple[tuple[tuple[str, ...], _Getter, Callable[[Any], Any]], ...]
"""Leaves to write again, converted: (their keys, a C-level getter of their values, the conversion)."""
_ENUM_VALUE: Final = attrgetter("value")
_Run = tuple[int, int, tuple[str, ...], _Fixes]
"""Plain fields from ``start`` to ``end``: their keys and conversions (``_copy_leaves``)."""


class _Group(NamedTuple):
    """A variant of a plan: the model and its model-valued children, flattened in one step."""

    sizes: tuple[int, ...]
    """The children's numbers of fields."""
    take_children: _Getter | None
    """Takes the children from the list of the model's values (None: no child is a model)."""
    at: tuple[int, ...]
    """The positions of the children among the model's fields."""
    keys: tuple[str, ...]
    """Every leaf's dot-key, in the order a field-by-field walk writes them."""
    fixes: _Fixes
    """The leaves to convert (lists, enums), taken from the list of all leaves."""


class _Plan(NamedTuple):
    """How to flatten a model under a prefix: built once per model class and prefix."""

    keys: tuple[str, ...]
    """The dot-keys of the fields."""
    prefixes: tuple[str, ...]
    """The prefixes of nested models under them (each key and a dot)."""
    scalar_lists: tuple[bool, ...]
    """Which fields are typed as lists (or tuples) of plain scalars."""
    converts: tuple[Callable[[Any], Any] | None, ...]
    """For each plain field, the conversion of its value (``list``, an enum's value), or None."""
    fixes: _Fixes | None
    """For a model whose fields are all plain: the fields to convert (the model is copied whole)."""
    others: tuple[int, ...]
    """The positions of the fields that are not plain."""
    take_others: _Getter | None
    """Takes their values from the list of the model's values, when each may hold a model."""
    variants: dict[tuple[type[Any], ...], _Group | None]
    """By the classes of those values: how to flatten in one step, or None (take the runs)."""
    runs: tuple[_Run | int, ...]
    """The runs of plain fields, and the positions of the others between them, in order (empty:
    every field is plain, or fields have aliases)."""
    by_name: bool
    """Whether fields are keyed by their names (no aliases) in declaration order."""


# Flatten plans by (model class, prefix): one dict lookup per model, where the key strings are
# built once. Bounded: schemas are few, and prefixes are their nesting paths.
_PLANS: dict[tuple[type[BaseModel], str], _Plan] = {}


def _plan(model_type: type[BaseModel], prefix: str) -> _Plan:
    """How to flatten a model under ``prefix``, built once per model class and prefix."""
    if len(_PLANS) > 100_000:  # generated schemas (tests) must not grow this without end
        _PLANS.clear()
    names = [n for n, _ in field_keys(model_type)]
    annotations = _annotations(model_type)
    keys = tuple(prefix + key for _, key in field_keys(model_type))
    scalar_lists = tuple(_scalar_list(a) for a in annotations)
    conversions = [_conversion(a) for a in annotations]
    converts = tuple(None if isinstance(c, _NotPlain) else c for c in conversions)
    by_name = _no_aliases(model_type)
    fixes: _Fixes | None = None
    take_others: _Getter | None = None
    others = tuple(i for i, c in enumerate(conversions) if c is _NOT_PLAIN)
    if keys and not others:
        fixes = _fixes(converts, keys, names)
    elif others and by_name and all(_may_hold_model(annotations[i]) for i in others):
        take_others = _take(others)  # each may hold a model: a one-step variant may apply
    prefixes = tuple(key + "." for key in keys)
    runs = _runs(keys, converts, others) if others and by_name else ()
    plan = _Plan(keys, prefixes, scalar_lists, converts, fixes, others, take_others, {}, runs, by_name)
    _PLANS[(model_type, prefix)] = plan
    return plan


def _may_hold_model(annotation: Any) -> bool:
    """Whether a field's type names a model class, alone or in a union (``X | None``)."""
    annotation = _strip(annotation)
    if typing.get_origin(annotation) in _UNIONS:
        return any(_may_hold_model(arg) for arg in typing.get_args(annotation))
    return isinstance(annotation, type) and typing.get_origin(annotation) is None and _model_type(annotation)


def _runs(
    keys: tuple[str, ...], converts: tuple[Callable[[Any], Any] | None, ...], others: tuple[int, ...]
) -> tuple[_Run | int, ...]:
    """Split the fields into runs of plain fields and the other fields' positions, in order."""
    runs: list[_Run | int] = []
    start = 0
    for end in [*others, len(keys)]:
        if end > start:
            runs.append(
                (
                    start,
                    end,
                    keys[start:end],
                    _fixes(converts[start:end], keys[start:end], range(end - start)),
                )
            )
        if end < len(keys):
            runs.append(end)
        start = end + 1
    return tuple(runs)


def _variant(plan: _Plan, kinds: tuple[type[Any], ...]) -> _Group | None:
    """The one-step flatten of a model whose non-plain fields hold values of these classes.

    None unless each is a JSON scalar or a model of plain fields without aliases; remembered in
    the plan (up to ``_MAX_VARIANTS`` of them).
    """
    group: _Group | None = None
    if all(kind in _SCALARS or _leaf_class(kind) for kind in kinds):
        keys: list[str] = []
        converts: list[Callable[[Any], Any] | None] = []
        sizes: list[int] = []
        at: list[int] = []
        by_position = dict(zip(plan.others, kinds, strict=True))
        for index, (key, convert) in enumerate(zip(plan.keys, plan.converts, strict=True)):
            kind = by_position.get(index)
            if kind is not None and kind not in _SCALARS:
                child_prefix = plan.prefixes[index]
                child = _PLANS.get((kind, child_prefix)) or _plan(kind, child_prefix)
                sizes.append(len(child.keys))
                at.append(index)
                keys += child.keys
                converts += child.converts
            else:
                keys.append(key)
                converts.append(convert)  # None for a scalar in a field that is not plain
        group = _Group(
            tuple(sizes),
            _take(at) if at else None,
            tuple(at),
            tuple(keys),
            _fixes(converts, keys, range(len(keys))),
        )
    if len(plan.variants) < _MAX_VARIANTS:
        plan.variants[kinds] = group
    return group


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
    annotation = _strip(annotation)
    if (
        isinstance(annotation, type)
        and issubclass(annotation, enum.Enum)
        and all(type(member.value) in _PLAIN for member in annotation)
    ):
        return _ENUM_VALUE
    return _NOT_PLAIN


def _fixes(
    converts: Sequence[Callable[[Any], Any] | None], keys: Sequence[str], items: Sequence[str] | range
) -> _Fixes:
    """The conversions of leaves, grouped by conversion: keys, a getter by ``items``, the function."""
    fixes: list[tuple[tuple[str, ...], _Getter, Callable[[Any], Any]]] = []
    for convert in dict.fromkeys(c for c in converts if c is not None):
        chosen = [i for i, c in enumerate(converts) if c is convert]
        fixes.append((tuple(keys[i] for i in chosen), _take([items[i] for i in chosen]), convert))
    return tuple(fixes)


def _leaf_class(kind: type[Any]) -> TypeIs[type[BaseModel]]:
    """Whether a value's class is a model whose fields are all plain, keyed by their names."""
    return (_MODEL_TYPES.get(kind) or _model_type(kind)) and _no_aliases(kind) and _plain_leaves(kind)


def _take(items: Sequence[Any]) -> _Getter:
    """A C-level getter of these items (at least one) that always returns a tuple."""
    if len(items) == 1:
        item = items[0]
        return lambda source: (source[item],)  # itemgetter of one item returns it bare
    return itemgetter(*items)


_PLAIN: Final = (int, float, str, bool, type(None))
_UNIONS: Final = (typing.Union, types.UnionType)


def _strip(annotation: Any) -> Any:
    while typing.get_origin(annotation) is Annotated:
        annotation = typing.get_args(annotation)[0]
    return annotation


def _plain_scalar(annotation: Any) -> bool:
    """Whether a field's validated value is always a JSON scalar, to be copied as it is.

    ``int``, ``float``, ``str``, ``bool``, ``None``, a ``Literal`` of such values and a union of
    these (``int | None``, ``Literal["adam", "sgd"]``). Not enums, dates or paths: those change.
    """
    annotation = _strip(annotation)
    if annotation in _PLAIN:
        return True
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin is Literal:
        return all(type(arg) in _PLAIN for arg in args)
    return origin in _UNIONS and all(_plain_scalar(arg) for arg in args)


def _scalar_list(annotation: Any) -> bool:
    """Whether a field is a list or tuple of plain scalars: ``list(value)`` is its flat value."""
    annotation = _strip(annotation)
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin is tuple and len(args) == 2 and args[1] is Ellipsis:
        args = args[:1]
    return origin in (list, tuple) and bool(args) and all(_plain_scalar(arg) for arg in args)


_MODEL_TYPES: dict[type[Any], bool] = {}


def _model_type(kind: type[Any]) -> bool:
    """``issubclass(kind, BaseModel)``, remembered: pydantic's metaclass makes the check slow."""
    known = _MODEL_TYPES.get(kind)
    if known is None:
        known = _MODEL_TYPES[kind] = issubclass(kind, BaseModel)
    return known


def _no_aliases(model_type: type[BaseModel]) -> bool:
    cached: bool | None = model_type.__dict__.get("__typed_config_plain_keys__")
    if cached is None:
        cached = all(name == key for name, key in field_keys(model_type)) and list(
            model_type.model_fields
        ) == [name for name, _ in field_keys(model_type)]
        type.__setattr__(model_type, "__typed_config_plain_keys__", cached)
    return cached


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
        if value.__class__ in _SCALARS:  # most entries: no call
            out[prefix + key] = value
        else:
            _flatten_value(value, prefix + key, out, problems, lenient=lenient)


def _flatten_value(
    value: Any, key: str, out: dict[str, Any], problems: list[Problem], *, lenient: bool
) -> None:
    kind: type[Any] = value.__class__
    if kind in _SCALARS:
        out[key] = value
    elif kind is list or kind is tuple:
        # Lists of scalars are the common case: a C-level copy, converting only what needs it.
        copied = list(value)
        if not set(map(type, copied)) <= _SCALARS:
            copied = [
                item
                if type(item) in _SCALARS
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


def unflatten(flat: Mapping[str, Any]) -> dict[str, Any]:
    """Turn dot-keys back into nested dicts: the inverse of ``flatten``.

    Args:
        flat: a mapping of dot-keys to values.

    Returns:
        A new nested ``dict``.

    Raises:
        ConfigError: a key is malformed, or two keys collide (``a`` and ``a.b``); both are named.
    """
    if not is_mapping(flat):
        raise TypeError(f"unflatten() takes a mapping, not {type(flat).__name__}")
    origin = Origin(text="unflatten() argument")
    root: dict[str, Any] = {}
    made: set[int] = {id(root)}  # dicts this call created, as opposed to dict values it was given
    problems: list[Problem] = []
    for key, value in flat.items():
        reason = _dot_key_problem(key)
        if reason is not None:
            problems.append(Problem(key if isinstance(key, str) else None, reason, origin))  # pyright: ignore[reportUnnecessaryIsInstance] - callers may pass anything
            continue
        *parents, last = key.split(".")
        node: dict[str, Any] = root
        clash: str | None = None
        for depth, part in enumerate(parents):
            child: Any = node.get(part)
            if child is None and part not in node:
                child = node[part] = {}
                made.add(id(child))
            elif not (is_dict(child) and id(child) in made):
                clash = ".".join(parents[: depth + 1])
                break
            node = child
        else:
            if last in node:
                existing: Any = node[last]
                clash = key
                if is_dict(existing) and id(existing) in made:
                    clash = _first_key_under(existing, key, made)
            else:
                node[last] = value
                continue
        problems.append(Problem(key, f"collides with key {clash!r}", origin))
    if problems:
        raise ConfigError(problems)
    return root


def _dot_key_problem(key: object) -> str | None:
    if not isinstance(key, str):
        return segment_problem(key)
    if not key or "" in key.split("."):
        return f"key {show(key)} has an empty segment"
    return None


def _first_key_under(node: dict[str, Any], prefix: str, made: set[int]) -> str:
    """The first input key under a dict this call made (never inside a dict value it was given)."""
    current: Any = node
    while is_dict(current) and current and id(current) in made:
        part, current = next(iter(current.items()))
        prefix = f"{prefix}.{part}"
    return prefix
