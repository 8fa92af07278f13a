"""Dot-key rules: what a key may be, ``flatten`` and ``unflatten``, and paths rendered as keys."""

from __future__ import annotations

import enum
import typing
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Annotated, Any, Final

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
        A new flat ``dict`` such as ``{"optimizer.lr": 0.001}``.

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
    keys, prefixes, scalar_lists, list_keys, by_name = plan
    values = model.__dict__
    aligned = by_name and len(values) == len(keys)
    if list_keys is not None and aligned:
        # Every field is typed int, float, str or bool (or a list of them): validated values are
        # already JSON scalars, so the whole model goes in at C speed; then lists are copied.
        out.update(zip(keys, values.values(), strict=True))
        for key in list_keys:
            out[key] = list(out[key])
        return
    if not keys:
        if prefix:
            out[prefix[:-1]] = {}  # a model with no fields is an empty mapping: a leaf
        return
    # Without aliases the values dict holds the fields in order: walked as it is, no lookups.
    ordered: Iterable[Any] = (
        values.values()
        if aligned
        else [values.get(n) for n, _ in field_keys(model_type)]  # model_construct() may leave gaps
    )
    for key, child_prefix, value, scalar_list in zip(keys, prefixes, ordered, scalar_lists, strict=True):
        kind: type[Any] = value.__class__
        if kind in _SCALARS:  # most leaves: no call, no conversion
            out[key] = value
        elif kind is list and (scalar_list or set(map(type, value)) <= _SCALARS):
            out[key] = list(value)  # a list of scalars: a C-level copy
        elif _MODEL_TYPES.get(kind) or _model_type(kind):
            # The child's prefix comes from the plan: the same string object as in the child's
            # plan key, so that lookup hashes nothing and compares by identity.
            _flatten_model(value, child_prefix, out, problems)
        else:
            _flatten_value(value, key, out, problems, lenient=True)


_Plan = tuple[tuple[str, ...], tuple[str, ...], tuple[bool, ...], "tuple[str, ...] | None", bool]

# Flatten plans by (model class, prefix): one dict lookup per model, where the key strings are
# built once. Bounded: schemas are few, and prefixes are their nesting paths.
_PLANS: dict[tuple[type[BaseModel], str], _Plan] = {}


def _plan(model_type: type[BaseModel], prefix: str) -> _Plan:
    """How to flatten a model under ``prefix``, built once per model class and prefix.

    The plan holds the dot-keys, the prefixes of nested models under them, which fields are
    lists of scalars, those fields' keys (None unless every field is a plain scalar or such a
    list: then the model is copied whole), and whether fields are keyed by their names (no
    aliases).
    """
    fields = model_type.model_fields
    annotations = [fields[n].annotation for n, _ in field_keys(model_type)]
    keys = tuple(prefix + key for _, key in field_keys(model_type))
    lists = tuple(_scalar_list(a) for a in annotations)
    plain = bool(keys) and all(
        is_list or _plain_scalar(a) for a, is_list in zip(annotations, lists, strict=True)
    )
    list_keys = tuple(k for k, is_list in zip(keys, lists, strict=True) if is_list) if plain else None
    if len(_PLANS) > 100_000:  # generated schemas (tests) must not grow this without end
        _PLANS.clear()
    prefixes = tuple(key + "." for key in keys)
    plan = _PLANS[(model_type, prefix)] = (keys, prefixes, lists, list_keys, _no_aliases(model_type))
    return plan


def _plain_scalar(annotation: Any) -> bool:
    """A field typed exactly int, float, str or bool (no constraints that could change the value)."""
    return annotation in (int, float, str, bool)


def _scalar_list(annotation: Any) -> bool:
    """Whether a field is typed ``list[int]`` (or float, str, bool): its items need no check."""
    while typing.get_origin(annotation) is Annotated:
        annotation = typing.get_args(annotation)[0]
    args = typing.get_args(annotation)
    return typing.get_origin(annotation) is list and len(args) == 1 and args[0] in (int, float, str, bool)


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
