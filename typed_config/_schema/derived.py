"""What a schema says about values no source may change: frozen fields and computed fields.

``frozen`` (on the model or on a field) lets files, ``config=``, the environment and the command
line set a value before the config exists, and nothing change it after. A ``@computed_field`` is
derived from other fields: it is written out (flat dicts, trackers, defaults files as a comment)
but never read in; giving it a value other than the one it computes is an error that names the
fields it reads, found (best effort) in the property's source text, never by running it.
"""

from __future__ import annotations

import inspect
import math
import re
import textwrap
from collections.abc import Callable, Sequence
from typing import Any, Final

from pydantic import BaseModel

from typed_config._errors import Origin, Problem, show
from typed_config._keys.values import field_keys, is_dict, to_plain
from typed_config._schema.types import is_model, members, nested_models
from typed_config._types import empty_cache, per_class

_SELF_READ: Final = re.compile(r"\bself\.([A-Za-z_][A-Za-z0-9_]*)")

Given = tuple[tuple[str, ...], Any]
"""A computed key given a value: its path and the value."""

FROZEN_MESSAGE: Final = (
    "is frozen: files, config=, the environment and the command line set it before the config "
    "exists; it cannot change after"
)


_FROZEN_CACHED: Final = 10_000  # answers kept per schema (keys of dict fields are the user's)


def frozen_key(schema: type[BaseModel], parts: Sequence[str]) -> str | None:
    """The dot-key of the frozen field or model that holds the key ``parts``, or None.

    A model with ``frozen=True`` freezes every key under it; ``Field(frozen=True)`` its own.
    """
    cache: dict[tuple[str, ...], str | None] = per_class(schema, "__typed_config_frozen_keys__", empty_cache)
    key = tuple(parts)
    try:
        return cache[key]
    except KeyError:
        found = _frozen_key(schema, key)
        if len(cache) < _FROZEN_CACHED:
            cache[key] = found
        return found


def _frozen_key(schema: type[BaseModel], parts: Sequence[str]) -> str | None:
    models: list[type[BaseModel]] = [schema]
    for depth, part in enumerate(parts):
        found = [(m, name) for m in models for name, key in field_keys(m) if key == part]
        if not found:
            return None
        if any(m.model_config.get("frozen") or m.model_fields[n].frozen for m, n in found):
            return ".".join(parts[: depth + 1])
        models = [c for m, n in found for c in members(m.model_fields[n].annotation) if is_model(c)]
    return None


def computed_keys(model: type[BaseModel]) -> tuple[tuple[str, str], ...]:
    """The (attribute name, key) pairs of a model's computed fields (the key is the alias when set)."""
    return per_class(
        model,
        "__typed_config_computed__",
        lambda m: tuple((name, info.alias or name) for name, info in m.model_computed_fields.items()),
    )


def computed_name(model: type[BaseModel], key: str) -> str | None:
    """The attribute name of the computed field whose key is ``key``, or None."""
    return next((name for name, k in computed_keys(model) if k == key), None)


def computed_message(model: type[BaseModel], key: str) -> str:
    """Why a computed key cannot be set, naming the fields it reads when its source shows them."""
    return f"is computed{computed_from(model, key)}; it cannot be set (set the fields it is computed from)"


def computed_from(model: type[BaseModel], key: str) -> str:
    """`` from a, b`` naming the fields a computed key reads, or nothing when its source is not there."""
    reads = _reads(model, computed_name(model, key) or key)
    return f" from {', '.join(reads)}" if reads else ""


def _reads(model: type[BaseModel], name: str) -> list[str]:
    """The fields a computed property reads as ``self.<field>``: from its source text, else its code's names."""
    info = model.model_computed_fields.get(name)
    getter: Callable[..., Any] | None = getattr(info.wrapped_property, "fget", None) if info else None
    if getter is None:
        return []
    try:
        names: list[str] = _SELF_READ.findall(textwrap.dedent(inspect.getsource(getter)))
    except (OSError, TypeError):  # defined by exec or in a REPL: the names its code loads
        code = getattr(getter, "__code__", None)
        names = list(code.co_names) if code is not None else []
    keys = dict(field_keys(model))
    return [keys[n] for n in dict.fromkeys(names) if n in keys]


def is_computed(schema: type[BaseModel], parts: Sequence[str]) -> type[BaseModel] | None:
    """The model whose computed field the key ``parts`` names (through nested models), or None."""
    if not parts:
        return None
    models: list[type[BaseModel]] = [schema]
    for part in parts[:-1]:
        found = [m.model_fields[n] for m in models for n, k in field_keys(m) if k == part]
        models = [c for info in found for c in members(info.annotation) if is_model(c)]
    return next((m for m in models if any(k == parts[-1] for _, k in computed_keys(m))), None)


def frozen_problems(
    schema: type[BaseModel], keys: Sequence[str], prefix: str, origin_of: Callable[[str], Origin]
) -> list[Problem]:
    """A problem for each changed key (relative to ``schema``) that a frozen field or model holds."""
    problems: list[Problem] = []
    for key in keys:
        frozen = frozen_key(schema, key.split("."))
        if frozen is not None:
            held = "" if frozen == key else f" ({prefix}{frozen} is frozen)"
            problems.append(Problem(prefix + key, FROZEN_MESSAGE + held, origin_of(key)))
    return problems


def has_computed(schema: type[BaseModel]) -> bool:
    """Whether any model reachable from ``schema`` has a computed field (remembered per class)."""
    return per_class(
        schema, "__typed_config_any_computed__", lambda s: any(computed_keys(m) for m in nested_models(s))
    )


def without_computed(schema: type[BaseModel], data: dict[str, Any]) -> tuple[dict[str, Any], list[Given]]:
    """The data without the computed keys it gives (copied where they are cut), and those keys.

    Only keys reached through model fields are looked at: a computed field is a model's own key.
    """
    if not has_computed(schema) or not data:
        return data, []
    given: list[Given] = []
    return _cut([schema], data, (), given), given


def _cut(
    models: list[type[BaseModel]], data: dict[str, Any], path: tuple[str, ...], given: list[Given]
) -> dict[str, Any]:
    """``data`` (the values of one of ``models``) without computed keys, copied only where one is cut."""
    annotations = {key: m.model_fields[name].annotation for m in models for name, key in field_keys(m)}
    computed = {key for model in models for _, key in computed_keys(model)} - annotations.keys()
    out = data
    for key, value in data.items():
        if key in computed:
            given.append(((*path, key), value))
            out = dict(data) if out is data else out
            del out[key]
            continue
        children = [c for c in members(annotations.get(key)) if is_model(c)] if is_dict(value) else []
        cut = _cut(children, value, (*path, key), given) if children and value else value
        if cut is not value:
            out = dict(data) if out is data else out
            out[key] = cut
    return out


def _name_of(model: type[BaseModel], key: str) -> str:
    return next((name for name, k in field_keys(model) if k == key), key)


def computed_mismatches(config: BaseModel, given: Sequence[Given]) -> list[tuple[tuple[str | int, ...], str]]:
    """(path, message) for each computed key given a value other than the one it computes."""
    found: list[tuple[tuple[str | int, ...], str]] = []
    for path, value in given:
        node: Any = config
        for part in path[:-1]:
            node = getattr(node, _name_of(type(node), part), None) if isinstance(node, BaseModel) else None
        owner = type(node) if isinstance(node, BaseModel) else None
        name = computed_name(owner, path[-1]) if owner is not None else None
        actual = getattr(node, name) if name is not None else _NOTHING
        if actual is _NOTHING or not _same(to_plain(actual), value):
            message = (
                computed_message(owner, path[-1]) if owner is not None else "is computed; it cannot be set"
            )
            shown = "" if actual is _NOTHING else f", it computes {show(to_plain(actual))}"
            found.append((path, f"{message} (got {show(value)}{shown})"))
    return found


_NOTHING: Final = object()


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
        return True
    return bool(a == b)


def computed_paths(schema: type[BaseModel]) -> list[tuple[str, type[BaseModel], str]]:
    """Every computed field reached through model fields: (dot-key, its model, its key)."""
    found: list[tuple[str, type[BaseModel], str]] = []
    stack: list[tuple[type[BaseModel], str, frozenset[type[BaseModel]]]] = [(schema, "", frozenset())]
    while stack:
        model, prefix, seen = stack.pop()
        if model in seen:  # a recursive schema
            continue
        found.extend((prefix + key, model, key) for _, key in computed_keys(model))
        for name, key in reversed(field_keys(model)):
            models = [m for m in members(model.model_fields[name].annotation) if is_model(m)]
            if len(models) == 1:
                stack.append((models[0], f"{prefix}{key}.", seen | {model}))
    return found
