"""Objects passed by code to a mapping: argparse ``Namespace``, absl ``FlagValues``, models, any object.

Each becomes a mapping of dot-keys to values plus a way to name where each value came from, so
errors read ``Namespace attribute 'lr'`` or ``flag --lr``. Attribute names fold ``-`` and ``_``
onto the schema's keys; a dot in a name is a path (as ``add_arguments`` creates them).
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable, Mapping
from typing import Any, NamedTuple

from pydantic import BaseModel

from typed_config._keys.values import field_keys
from typed_config._schema.names import resolve_key


class Attributes(NamedTuple):
    """An object's values as a mapping, and how to describe where each came from."""

    values: dict[str, Any]
    name: str
    describe: Callable[[str], str]


def is_absl_flags(source: object) -> bool:
    """Whether ``source`` looks like absl's ``FlagValues`` (TF flags are absl flags)."""
    return hasattr(source, "flag_values_dict") and hasattr(source, "flags_by_module_dict")


def attributes(
    source: object,
    schema: type[BaseModel],
    *,
    include: Iterable[str] | None = None,
    exclude: Iterable[str] | None = None,
) -> Attributes:
    """Read a Namespace, absl flag set, model instance or plain object as attributes.

    Args:
        source: the object.
        schema: the model whose keys attribute names fold onto.
        include: take only these attribute names (as written on the object).
        exclude: leave these attribute names out.

    Raises:
        TypeError: the object has no attributes to read.
    """
    if isinstance(source, BaseModel):
        raw = {
            key: source.__dict__[name]
            for name, key in field_keys(type(source))
            if name in source.model_fields_set
        }
        describe: Callable[[str], str] = _model_origin(source)
    elif is_absl_flags(source):
        raw = _absl_values(source)
        describe = lambda key: f"flag --{key}"  # noqa: E731
    elif _is_namespace(source):
        raw = {k: v for k, v in vars(source).items() if v is not None}
        describe = lambda key: f"Namespace attribute {key!r}"  # noqa: E731
    elif hasattr(source, "__dict__"):
        kind = type(source).__name__
        raw = {k: v for k, v in vars(source).items() if not k.startswith("_")}
        describe = lambda key: f"{kind} attribute {key!r}"  # noqa: E731
    else:
        raise TypeError(f"cannot read configuration from a {type(source).__name__}")
    chosen = _select(raw, include, exclude)
    values: dict[str, Any] = {}
    written: dict[str, str] = {}
    for attribute, value in chosen.items():
        key = _fold(schema, attribute)
        values[key] = value
        written[key] = attribute

    def described(key: str) -> str:
        return describe(written.get(key, key))

    return Attributes(values, type(source).__name__, described)


def _model_origin(source: BaseModel) -> Callable[[str], str]:
    """How to name a model's values: as its fields, or as the search trial that drew them."""
    kind = type(source).__name__
    private = source.__pydantic_private__  # where a search engine's suggest left its trial
    searched: tuple[str, frozenset[str]] | None = private.get("_tc_searched") if private else None
    if searched is None:
        return lambda key: f"{kind} field {key!r}"
    label, keys = searched

    def describe(key: str) -> str:
        drawn = key in keys or any(k.startswith(key + ".") for k in keys)
        return f"{label} ({kind} field {key!r})" if drawn else f"{kind} field {key!r}"

    return describe


def _is_namespace(source: object) -> bool:
    # Without argparse imported there is no Namespace: no need to import it to check.
    argparse = sys.modules.get("argparse")
    return argparse is not None and isinstance(source, argparse.Namespace)


def _select(
    raw: Mapping[str, Any], include: Iterable[str] | None, exclude: Iterable[str] | None
) -> dict[str, Any]:
    wanted = None if include is None else set(include)
    unwanted = set(exclude or ())
    return {k: v for k, v in raw.items() if (wanted is None or k in wanted) and k not in unwanted}


def _fold(schema: type[BaseModel], attribute: str) -> str:
    """The schema's spelling of an attribute name (``batch-size`` -> ``batch_size``), else the name."""
    found = resolve_key(schema, attribute)
    return ".".join(str(p) for p in found[0]) if found is not None else attribute


def _absl_values(flags: Any) -> dict[str, Any]:
    """Every flag's value, defaults included (as wandb takes them), but absl's own flags and Nones."""
    own: set[str] = set()
    for module, defined in flags.flags_by_module_dict().items():
        if module == "absl" or str(module).startswith("absl."):
            own.update(name for flag in defined for name in (flag.name, flag.short_name) if name)
    values: dict[str, Any] = flags.flag_values_dict()
    return {name: value for name, value in values.items() if name not in own and value is not None}
