"""Assignment's validators: one ``TypeAdapter`` per field, and the values that need none (``as_is``)."""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from itertools import chain, compress, repeat
from operator import is_
from typing import Annotated, Any, Final

from pydantic import BaseModel, Field, TypeAdapter, ValidationError

from typed_config._errors import ConfigError
from typed_config._keys.values import field_keys, is_dict, is_list, to_plain
from typed_config._layers.layers import Layer, validate
from typed_config._schema.derived import has_computed
from typed_config._schema.secrets import holds_secret
from typed_config._schema.types import nested_models
from typed_config._schema.unions import discriminators
from typed_config._types import M, empty_cache, per_class
from typed_config._yaml.bounds import value_problem

_PLAIN: Final = (int, float, str, bool)
EXACT_INT: Final = 2**53  # far inside every bound on digits: no check can refuse it
SHORT_TEXT: Final = 1_000  # far inside every bound on sizes
SHORT_LIST: Final = 1_000
LISTS: Final[dict[Any, type]] = {list[int]: int, list[float]: float, list[str]: str, list[bool]: bool}


def field_adapter(cls: type[BaseModel], name: str, cache: dict[str, TypeAdapter[Any]]) -> TypeAdapter[Any]:
    """The validator of field ``name``'s type and constraints, built once (kept in ``cache``)."""
    adapter = cache.get(name)
    if adapter is None:
        info = cls.model_fields[name]
        # The field's type and constraints, without its alias and default (which would warn).
        extras: list[Any] = list(info.metadata)
        if info.discriminator is not None:
            extras.append(Field(discriminator=info.discriminator))
        annotated: Any = Annotated  # subscripted with a tuple built at run time
        params = (info.annotation, *extras)
        dynamic: Any = annotated[params] if extras else info.annotation
        adapter = TypeAdapter[Any](dynamic)
        cache[name] = adapter
    return adapter


def plain_type(cls: type[BaseModel], name: str) -> Any:
    """The field's type when it is ``int``, ``float``, ``str``, ``bool`` or a list of one, with no constraint (else None)."""
    cache: dict[str, Any] = per_class(cls, "__typed_config_plain__", empty_cache)
    if name in cache:
        return cache[name]
    info = cls.model_fields[name]
    frozen = info.frozen or cls.model_config.get("frozen")
    annotation: Any = info.annotation
    plain = annotation in _PLAIN or annotation in LISTS
    found = annotation if plain and not (info.metadata or frozen) else None
    cache[name] = found
    return found


def assigned_as_is(cls: type[BaseModel], name: str, value: Any, depth: int) -> bool:
    """Whether assigning ``value`` to field ``name`` (``depth`` models deep) needs no conversion and no check."""
    kind = plain_type(cls, name)
    return kind is not None and as_is(kind, value) and value_problem(value, depth) is None


def as_is(kind: Any, value: Any) -> bool:
    """Whether the strict validation of ``value`` for a plain field of type ``kind`` gives ``value`` itself.

    Only values that need no check: an ``int`` well inside the digit bounds, a finite ``float``,
    short ASCII text (JSON keeps it as it is), a ``bool``, a short list of such values of the
    list's item type; anything else takes the full path.
    """
    if type(value) is not kind:
        item = LISTS.get(kind)
        if item is None or not is_list(value) or type(value) is not list:
            return False
        return len(value) <= SHORT_LIST and all(as_is(item, v) for v in value)
    if isinstance(value, bool):
        return True
    if isinstance(value, int):
        return -EXACT_INT < value < EXACT_INT
    if isinstance(value, float):
        return math.isfinite(value)
    return isinstance(value, str) and len(value) <= SHORT_TEXT and value.isascii()


Target = tuple[BaseModel, str, str, Any]
"""A value ``update`` sets as is: its owning model, the field's attribute name, its flat dot-key, the value."""


def scalar_targets(root: BaseModel, data: Mapping[str, Any]) -> list[Target] | None:
    """Where each leaf of ``data`` (nested by keys) goes, when every one is a plain scalar taken as is.

    None when any is not (a list, a dict field, a model replaced, a converted value, a
    constraint), or when a model on the way, or the field, has a validator: then the whole
    config is validated instead.
    """
    found: list[Target] = []
    stack: list[tuple[BaseModel, Mapping[str, Any], str]] = [(root, data, "")]
    while stack:
        model, node, prefix = stack.pop()
        cls = type(model)
        if _has_validators(cls):
            return None
        for key, value in node.items():
            name = next((n for n, k in field_keys(cls) if k == key), None)
            if name is None:
                return None
            child = model.__dict__[name]
            if is_dict(value):
                if not (value and isinstance(child, BaseModel)):
                    return None
                stack.append((child, value, f"{prefix}{key}."))
                continue
            kind = plain_type(cls, name)
            if kind is None or not as_is(kind, value) or _field_validated(cls, name):
                return None
            found.append((model, name, prefix + key, to_plain(value)))  # a list is copied
    return found


def set_scalars(targets: list[Target]) -> None:
    """Set values ``scalar_targets`` found (validated already: each is its field's type, as is)."""
    for model, name, _, value in targets:
        object.__setattr__(model, name, value)  # past the validating __setattr__: checked already
        model.__pydantic_fields_set__.add(name)


def _has_validators(cls: type[BaseModel]) -> bool:
    decorators = cls.__pydantic_decorators__
    return bool(decorators.model_validators or decorators.root_validators)


def _field_validated(cls: type[BaseModel], name: str) -> bool:
    decorators = cls.__pydantic_decorators__
    validators: list[Any] = [*decorators.field_validators.values(), *decorators.validators.values()]
    return any(name in d.info.fields or "*" in d.info.fields for d in validators)


def from_flat_as_is(schema: type[M], flat: Mapping[str, Any]) -> M | None:
    """``from_flat`` of plain values (scalars within the bounds, short lists of them), or None.

    None also when anything is wrong: the full path then names each problem and where it came from.
    """
    data = _nested(flat)
    if data is None:
        return None
    if _python_ready(schema):
        # Values of their fields' own types pass strict validation of the dict itself as they pass
        # it through JSON (every text is UTF-8): the JSON path only for what that refuses, such
        # as an integer for a float, a text for an enum or a path.
        try:
            return schema.model_validate(data, strict=True, extra="forbid")
        except ValidationError:
            pass
    try:
        return validate(schema, [Layer("from_flat", data)], whole=True)
    except ConfigError:
        return None


_READY: dict[type[BaseModel], bool] = {}


def _python_ready(schema: type[BaseModel]) -> bool:
    """Whether strict validation of a dict is JSON's for this schema: nothing in it sees the difference.

    No validator (which could tell the modes apart), computed field, discriminated union (whose
    default tags ``validate`` adds) or secret anywhere in it.
    """
    ready = _READY.get(schema)
    if ready is None:
        if len(_READY) > 10_000:  # generated schemas (tests) must not grow this without end
            _READY.clear()
        ready = _READY[schema] = not (
            has_computed(schema)
            or discriminators(schema)
            or holds_secret(schema)
            or any(_has_validators(m) or _any_field_validated(m) for m in nested_models(schema))
        )
    return ready


def _any_field_validated(cls: type[BaseModel]) -> bool:
    decorators = cls.__pydantic_decorators__
    return bool(decorators.field_validators or decorators.validators)


def _nested(flat: Mapping[str, Any]) -> dict[str, Any] | None:
    """The nested dict of plain values and well-formed dot-keys; None for anything else."""
    if not (_plain_values(list(flat.values())) and set(map(type, flat)) <= {str}):
        return None
    out: dict[str, Any] = {}
    nodes: dict[str, dict[str, Any]] = {"": out}  # each holder by its dot-key, made once
    for key, value in flat.items():
        head, _, last = key.rpartition(".")
        node = nodes.get(head)
        if node is None:
            node = _holder(out, head)
            if node is None:
                return None  # an empty segment, or a value with keys below it
            nodes[head] = node
        node[last] = value
    # A key that is also a holder (``a`` and ``a.b``), or an empty last segment: the full path.
    if nodes.keys() & flat.keys() or any("" in node for node in nodes.values()):
        return None
    return out


def _holder(out: dict[str, Any], head: str) -> dict[str, Any] | None:
    """The dict at dot-key ``head`` in ``out``, made where missing; None where a value or an empty segment is."""
    node = out
    for part in head.split("."):
        child: Any = node.setdefault(part, {}) if part else None
        if not is_dict(child):
            return None
        node = child
    return node


def _plain_values(values: list[Any], depth: int = 0) -> bool:
    """``_plain_value`` of each, at C speed (their classes, then bounds by kind; lists' items all together)."""
    kinds = set(map(type, values))
    if not kinds <= _PLAIN_KINDS:
        return False
    if int in kinds and not -EXACT_INT < min(_of(values, int)) <= max(_of(values, int)) < EXACT_INT:
        return False
    if str in kinds and not _short_utf8(list(_of(values, str))):
        return False
    if list not in kinds:
        return True
    lists: list[list[Any]] = list(_of(values, list))
    if depth > _LIST_DEPTH or max(map(len, lists)) > SHORT_LIST:
        return False  # (a list deeper than any file allows, or one that holds itself: the full path)
    return _plain_values(list(chain.from_iterable(lists)), depth + 1)


_LIST_DEPTH: Final = 100


def _short_utf8(texts: list[str]) -> bool:
    """Whether every text is short and can be written as UTF-8 (no lone surrogate)."""
    if max(map(len, texts)) > SHORT_TEXT:
        return False
    joined = "".join(texts)
    if joined.isascii():
        return True
    try:
        joined.encode()
    except UnicodeEncodeError:
        return False  # JSON cannot carry it: the full path says so
    return True


_PLAIN_KINDS: Final = frozenset({float, bool, type(None), int, str, list})


def _of(values: list[Any], kind: type[Any]) -> Iterator[Any]:
    """The values of exactly this class (a C-level filter)."""
    return compress(values, map(is_, map(type, values), repeat(kind)))


def _plain_value(value: Any) -> bool:
    kind: Any = value.__class__
    if kind is float or kind is bool or value is None:
        return True
    if kind is int:
        return bool(-EXACT_INT < value < EXACT_INT)
    if kind is str:
        return len(value) <= SHORT_TEXT
    if kind is list:
        return len(value) <= SHORT_LIST and all(_plain_value(v) for v in value)
    return False
