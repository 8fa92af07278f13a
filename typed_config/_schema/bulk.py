"""Where pydantic's verdict on a value is its Python type alone: the parts of a schema checked in bulk.

A file within the size limit may hold millions of bad values (``sizes: [x, x, ...]`` on a
``list[int]``) or unknown keys, and pydantic makes an error, then a dict, for each, although only
the first ``MAX_PROBLEMS`` are listed. Where strict validation of a value depends only on its
exact Python type, the others can be counted instead (``_layers/trim.py``). This module reads
pydantic's core schema for those places: models (their fields by input key, the keys they take)
and lists and dicts of plain scalars with nothing around them (no constraints, no validator that
sees the input, no config that changes how a scalar validates). Anything else is opaque (None):
pydantic validates it whole.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Final, Literal, cast

from pydantic import BaseModel

from typed_config._types import per_class

PLAIN: Final = frozenset({int, float, str, bool, type(None), list, dict})
"""Exact types whose JSON is a plain JSON value: one that a plain scalar type takes, or fails with one error."""

_VALID: Final[Mapping[str, frozenset[type]]] = {
    "int": frozenset({int}),
    "float": frozenset({int, float}),  # JSON integers widen; NaN and infinities are floats too
    "str": frozenset({str}),
    "bool": frozenset({bool}),
}
"""For each plain scalar core schema, the exact types strict JSON validation takes (of ``PLAIN``)."""

# Core config keys that change neither how a plain scalar validates nor which keys a model takes
# (``validate_by_*`` are read below). Any other (``str_max_length``, ``allow_inf_nan``, ...) makes
# a model opaque.
_HARMLESS_CONFIG: Final = frozenset({
    "title", "extra_fields_behavior", "validate_by_alias", "validate_by_name", "loc_by_alias", "strict",
    "frozen", "validate_assignment", "revalidate_instances", "from_attributes", "hide_input_in_errors",
    "validation_error_cause", "cache_strings", "serialize_by_alias",
})  # fmt: skip
_SCALAR_KEYS: Final = frozenset({"type", "strict", "metadata"})
_CONTAINER_KEYS: Final = {
    "list": frozenset({"type", "items_schema", "strict", "metadata"}),
    "dict": frozenset({"type", "keys_schema", "values_schema", "strict", "metadata"}),
}


@dataclass(frozen=True, slots=True)
class Items:
    """A list or dict whose items strict validation takes by exact type: ``valid``; others of ``PLAIN`` fail once each."""

    kind: Literal["list", "dict"]
    valid: frozenset[type]


@dataclass(slots=True)
class Model:
    """A model's fields by the input key that gives each, and every key it takes (others are unknown)."""

    keys: frozenset[str]
    fields: dict[str, Plan] = field(default_factory=dict[str, "Plan"])
    models: list[tuple[str, Model]] = field(default_factory=list[tuple[str, "Model"]])
    """The fields that are models, by input key: what a walk descends into."""
    containers: list[tuple[str, Items]] = field(default_factory=list[tuple[str, Items]])
    """The fields that are containers counted by type, by input key."""


Plan = Model | Items | None


def bulk_plan(schema: type[BaseModel]) -> Model | None:
    """The plan of ``schema``'s validation (worked out once per class), or None when it is opaque."""
    # A model built lazily (defer_build) is built now, as validating it would; one that cannot be
    # built yet is left to validation to report, and planned once it can be.
    if not schema.__pydantic_complete__ and not schema.model_rebuild(raise_errors=False):
        return None
    return per_class(schema, "__typed_config_bulk_plan__", _root_plan)


def _root_plan(schema: type[BaseModel]) -> Model | None:
    core: object = getattr(schema, "__pydantic_core_schema__", None)
    if not isinstance(core, dict):
        return None
    root = cast("dict[str, Any]", core)
    found = _Reader(root).plan(root)
    return found if isinstance(found, Model) else None


class _Reader:
    """Turns core schemas into plans; models by their ``ref`` once each (a recursive model is one plan)."""

    def __init__(self, root: dict[str, Any]) -> None:
        self.definitions: dict[str, dict[str, Any]] = {}
        self.models: dict[str, Model | None] = {}
        self._collect(root)

    def _collect(self, core: dict[str, Any]) -> None:
        for definition in core.get("definitions", ()) if core.get("type") == "definitions" else ():
            if isinstance(definition, dict) and "ref" in definition:
                self.definitions[definition["ref"]] = definition

    def plan(self, core: dict[str, Any]) -> Plan:
        """The plan of one core schema."""
        kind = core.get("type")
        if kind == "definitions":
            self._collect(core)
            return self.plan(core["schema"])
        if kind == "definition-ref":
            found = self.definitions.get(core.get("schema_ref", ""))
            return self.plan(found) if found is not None else None
        if kind == "default":
            return self.plan(core["schema"]) if core.get("on_error", "raise") == "raise" else None
        if kind in ("nullable", "function-after"):  # an after validator never runs on input that fails
            return self.plan(core["schema"])
        if kind == "model":
            return self._model(core)
        if kind in _CONTAINER_KEYS:
            return _items(core)
        return None

    def _model(self, core: dict[str, Any]) -> Model | None:
        ref = core.get("ref")
        if ref is not None and ref in self.models:
            return self.models[ref]
        config: dict[str, Any] = core.get("config") or {}
        fields_core = core.get("schema", {})
        if (
            core.get("custom_init") or core.get("root_model") or not config.keys() <= _HARMLESS_CONFIG
        ) or fields_core.get("type") != "model-fields":
            return None
        keys = {
            name: _input_key(name, field_core, config) for name, field_core in fields_core["fields"].items()
        }
        if None in keys.values():
            return None
        found = Model(frozenset(k for k in keys.values() if k is not None))
        if ref is not None:
            self.models[ref] = found  # before its fields: a field may be this model again
        for name, field_core in fields_core["fields"].items():
            key = keys[name] or name
            sub = found.fields[key] = self.plan(field_core["schema"])
            if isinstance(sub, Model):
                found.models.append((key, sub))
            elif isinstance(sub, Items):
                found.containers.append((key, sub))
        return found


def _input_key(name: str, field_core: dict[str, Any], config: dict[str, Any]) -> str | None:
    """The one input key a field is taken from, or None when pydantic may take it from more than one."""
    alias = field_core.get("validation_alias")
    if alias is None:
        return name
    by_name = config.get("validate_by_name", False)
    if isinstance(alias, str) and config.get("validate_by_alias", True) and (not by_name or alias == name):
        return alias
    return None


def _items(core: dict[str, Any]) -> Items | None:
    """A list or dict of one plain scalar type, with nothing else to it, as a plan."""
    kind = core["type"]
    if not core.keys() <= _CONTAINER_KEYS[kind]:
        return None
    if kind == "dict":
        keys = core.get("keys_schema", {"type": "str"})
        if keys.get("type") != "str" or not keys.keys() <= _SCALAR_KEYS:
            return None
    items: dict[str, Any] = core.get("items_schema" if kind == "list" else "values_schema", {})
    valid = _VALID.get(items.get("type", ""))
    if valid is None or not items.keys() <= _SCALAR_KEYS:
        return None
    return Items("list" if kind == "list" else "dict", valid)
