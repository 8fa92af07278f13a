"""The short paths of changes: values taken as they are, where nothing but the value can change.

An assignment (``cfg.a.b = 0.1``) or an ``update`` of dot-keys whose every value is a plain value
of its field's own type (``as_is``) needs no validation: the strict validation would give the
value back unchanged. When, besides, no validator, constraint, frozen mark or setting of the
model can see it, the value is set at once; the run's checks (a finished run, a locked key) and
its provenance stay as on the full path, which takes every other case and names every problem.
"""

from __future__ import annotations

import math
import sys
from types import CodeType, FrameType
from typing import Any, Final, NamedTuple

from pydantic import BaseModel

from typed_config._errors import ConfigError, Origin, code_location
from typed_config._keys.values import is_dict
from typed_config._model.as_is import EXACT_INT, LISTS, SHORT_LIST, SHORT_TEXT, as_is, plain_type
from typed_config._model.state import ConfigState
from typed_config._yaml.read import MAX_DEPTH

# Model settings that cannot change how a plain value of a field's own type validates on assignment.
_SAFE_SETTINGS: Final = frozenset(
    {
        "extra", "defer_build", "use_attribute_docstrings", "title", "json_schema_extra",
        "protected_namespaces", "arbitrary_types_allowed", "populate_by_name", "validate_by_name",
        "validate_by_alias", "serialize_by_alias", "alias_generator", "from_attributes",
        "hide_input_in_errors", "use_enum_values", "validate_default", "revalidate_instances",
        "ser_json_timedelta", "ser_json_bytes", "ser_json_inf_nan", "json_schema_mode_override",
        "plugin_settings", "coerce_numbers_to_str", "strict", "cache_strings", "regex_engine",
        "validation_error_cause", "field_title_generator", "model_title_generator", "loc_by_alias",
        "json_schema_serialization_defaults_required", "validate_assignment", "allow_inf_nan",
    }
)  # fmt: skip


class Fields(NamedTuple):
    """What the short paths know of a model class (empty tables: the class takes the full path)."""

    by_name: dict[str, tuple[str, Any]]
    """Plain fields set as they are, by attribute name: (key, type)."""
    by_key: dict[str, tuple[str, Any]]
    """The same fields by key: (attribute name, type)."""
    branches: dict[str, tuple[str, type[BaseModel]]]
    """Fields typed as exactly one model class, by key: (attribute name, the class)."""


_NONE: Final = Fields({}, {}, {})


_TABLES: dict[type[BaseModel], Fields] = {}


def fields_of(cls: type[BaseModel]) -> Fields:
    """The short-path tables of a model class, made once."""
    found = _TABLES.get(cls)
    if found is None:
        if len(_TABLES) > 100_000:  # generated schemas (tests) must not grow this without end
            _TABLES.clear()
        found = _TABLES[cls] = _fields(cls) if _plain_class(cls) else _NONE
    return found


def _fields(cls: type[BaseModel]) -> Fields:
    by_name: dict[str, tuple[str, Any]] = {}
    by_key: dict[str, tuple[str, Any]] = {}
    branches: dict[str, tuple[str, type[BaseModel]]] = {}
    validated = _validated_fields(cls)
    for name, info in cls.model_fields.items():
        key = info.alias or name
        if name in validated or "*" in validated:
            continue
        kind = plain_type(cls, name)
        annotation: Any = info.annotation
        if kind is not None:
            by_name[name] = (key, kind)
            by_key[key] = (name, kind)
        elif isinstance(annotation, type) and issubclass(annotation, BaseModel) and not info.frozen:
            branches[key] = (name, annotation)
    return Fields(by_name, by_key, branches)


def _plain_class(cls: type[BaseModel]) -> bool:
    """A ``HyperParams`` with no model validator, no frozen mark, only settings that leave plain values alone."""
    decorators = cls.__pydantic_decorators__
    return (
        "_tc_state" in cls.__private_attributes__
        and not (decorators.model_validators or decorators.root_validators)
        and set(cls.model_config) <= _SAFE_SETTINGS
        and not cls.__pydantic_root_model__
    )


def _validated_fields(cls: type[BaseModel]) -> set[str]:
    decorators = cls.__pydantic_decorators__
    validators: list[Any] = [*decorators.field_validators.values(), *decorators.validators.values()]
    return {name for d in validators for name in d.info.fields}


def _taken(kind: Any, value: Any, depth: int) -> tuple[bool, Any]:
    """Whether ``value`` is taken as it is for a plain field of type ``kind``, and the value to store."""
    if kind is float and type(value) is float:  # the commonest case, without a call
        return math.isfinite(value), value
    if type(value) is list:  # validation gives a new list; a list also counts towards the nesting
        items: list[Any] = value  # pyright: ignore[reportUnknownVariableType] - checked item by item
        return _plain_list(LISTS.get(kind), items) and depth < MAX_DEPTH, list(items)
    return as_is(kind, value), value


def _scalar_as_is(value: Any) -> bool:
    """``as_is`` for a scalar of its field's own type (else False: ``_taken`` decides)."""
    kind: Any = value.__class__
    if kind is float:
        return math.isfinite(value)
    if kind is int:
        return bool(-EXACT_INT < value < EXACT_INT)
    if kind is str:
        return len(value) <= SHORT_TEXT and value.isascii()
    return kind is bool


def _plain_list(item: Any, value: list[Any]) -> bool:
    """``as_is`` for a list, at C speed where it can be: short, of plain items of exactly its item type.

    Such a list is inside every bound but the nesting: a thousand short texts are far from the size limit.
    """
    if item is None or len(value) > SHORT_LIST or not value:
        return item is not None and not value
    if set(map(type, value)) != {item}:
        return False
    if item is int:
        return bool(min(value) > -EXACT_INT and max(value) < EXACT_INT)
    if item is float:
        return all(map(math.isfinite, value))
    return item is bool or all(as_is(str, v) for v in value)


def assign(model: BaseModel, name: str, value: Any) -> bool:
    """``model.name = value`` on the short path; False (nothing done) when it takes the full one."""
    cls = type(model)
    entry = (_TABLES.get(cls) or fields_of(cls)).by_name.get(name)
    private = model.__pydantic_private__
    if entry is None or private is None:
        return False
    key, kind = entry
    if kind is float and type(value) is float:  # the commonest case, without a call
        if not math.isfinite(value):
            return False
    else:
        taken, value = _taken(kind, value, private.get("_tc_prefix", "").count(".") + 1)
        if not taken:
            return False
    state: ConfigState | None = private.get("_tc_state")
    if state is not None and state.follows is not None and state.follows.watches(private["_tc_prefix"] + key):
        return False  # a reference is concerned: the full path plans what follows, changed or not
    values: dict[str, Any] = model.__dict__  # pyright: ignore[reportAssignmentType] - an instance's dict
    if (
        state is not None and state.RECORDS and values[name] != value
    ):  # a change: the run checks and records it
        if state.closed is not None:
            return False  # the full path names the problem
        full = private["_tc_prefix"] + key
        if state.locked and state.lock_of(full) is not None:
            return False
        values[name] = value
        model.__pydantic_fields_set__.add(name)
        recorded: Any = value[:] if type(value) is list else value  # pyright: ignore[reportUnknownVariableType]
        state.record_one("assignment", full, recorded, _assignment_origin())
        return True
    values[name] = value  # past validation: the value is its field's type, as is
    model.__pydantic_fields_set__.add(name)
    return True


_ORIGINS: dict[tuple[CodeType, int], Origin] = {}


def _assignment_origin() -> Origin:
    """``Origin(text=f"assignment at {code_location()}")``, one object per line of code (origins never change)."""
    frame: FrameType | None = sys._getframe(1)  # noqa: SLF001  # pyright: ignore[reportPrivateUsage] - the caller's frame
    while frame is not None:
        if not frame.f_globals.get("__name__", "").startswith(("typed_config", "pydantic")):
            where = (frame.f_code, frame.f_lineno)
            found = _ORIGINS.get(where)
            if found is None:
                if len(_ORIGINS) > 10_000:  # generated code (tests) must not grow this without end
                    _ORIGINS.clear()
                text = f"assignment at {frame.f_code.co_filename}:{frame.f_lineno}"
                found = _ORIGINS[where] = Origin(text=text)
            return found
        frame = frame.f_back
    return Origin(text=f"assignment at {code_location()}")


Target = tuple[BaseModel, str, str, Any]
"""A value set by ``update``: its model, the field's attribute name, its dot-key, the value."""


def update(root: BaseModel, source: object, *, allow_val_change: bool) -> bool:
    """``root.update(source)`` on the short path; False (nothing done) when it takes the full one.

    ``source`` must be a dict of dot-keys of plain fields, each given a value of its own type, on
    models of exactly their fields' classes (no union to choose again).
    """
    found = _targets(root, source)
    if found is None:
        return False
    private = root.__pydantic_private__
    state: ConfigState | None = None if private is None else private.get("_tc_state")
    if state is not None:
        prefix: str = private.get("_tc_prefix", "") if private else ""
        follows = state.follows
        if follows is not None and any(follows.watches(prefix + key) for _, _, key, _ in found[0]):
            return False  # a reference is concerned: the full path checks and makes keys follow
        if state.RECORDS:  # a run's config (a loaded one has nothing to check or record)
            _check_and_record(state, prefix, found, allow_val_change=allow_val_change)
            return True
    _apply(found[2])
    return True


def _check_and_record(
    state: ConfigState,
    prefix: str,
    found: tuple[list[Target], dict[str, tuple[Any, Any]], list[Owner]],
    *,
    allow_val_change: bool,
) -> None:
    targets, changed, owners = found
    where = f" at {code_location()}"

    def origin_of(key: str) -> Origin:  # as source_layer names a dict's key
        return Origin(text=f"update({{...}})[{key[len(prefix) :]!r}]{where}")

    full = {prefix + k: v for k, v in changed.items()}
    problems = state.check(full, origin_of, allow_val_change=allow_val_change, deliberate=False)
    if problems:
        raise ConfigError(problems)
    recorded = {
        prefix + key: value
        for _, _, key, value in targets
        if key in changed or not state.is_set(prefix + key)
    }
    _apply(owners)
    state.record("update", recorded, origin_of)


_ABSENT: Final[Any] = object()

Owner = tuple[BaseModel, dict[str, Any], dict[str, tuple[str, Any]], dict[str, Any]]
"""A model ``update`` changes: the model, its values, its plain fields by key, the values to set by name."""


def _apply(owners: list[Owner]) -> None:
    """Set the values ``_targets`` took (each its field's type, as is: past validation), model by model."""
    for model, values, _, batch in owners:
        values.update(batch)
        model.__pydantic_fields_set__.update(batch)


def _targets(
    root: BaseModel, source: object
) -> tuple[list[Target], dict[str, tuple[Any, Any]], list[Owner]] | None:
    """Where each dot-key of ``source`` goes and the changed ones, when every one takes the short path."""
    if not is_dict(source) or type(source) is not dict or not source or fields_of(type(root)) is _NONE:
        return None
    owners: dict[str, Owner | None] = {}
    found: list[Target] = []
    changed: dict[str, tuple[Any, Any]] = {}
    items: dict[Any, Any] = source
    for key, value in items.items():
        if type(key) is not str:
            return None
        head, _, last = key.rpartition(".")
        owner = owners.get(head, _ABSENT)
        if owner is _ABSENT:
            model = _owner(root, head) if head else root
            owner = owners[head] = None if model is None else _owned(model)
        if owner is None:
            return None
        entry = owner[2].get(last)
        if entry is None:
            return None
        name, kind = entry
        if type(value) is not kind or not _scalar_as_is(value):
            taken, value = _taken(kind, value, key.count(".") + 1)  # noqa: PLW2901 - the value to set
            if not taken:
                return None
        old = owner[1][name]
        if old != value:  # as ``same_value``: the new value is never NaN
            changed[key] = (old, value)
        found.append((owner[0], name, key, value))
        owner[3][name] = value
    return found, changed, [owner for owner in owners.values() if owner is not None]


def _owned(model: BaseModel) -> Owner:
    values: dict[str, Any] = model.__dict__  # pyright: ignore[reportAssignmentType] - an instance's dict
    return model, values, fields_of(type(model)).by_key, {}


def _owner(root: BaseModel, head: str) -> BaseModel | None:
    """The model at dot-key ``head`` (its path through fields typed as exactly its class), or None."""
    model = root
    tables = fields_of(type(root))
    if tables is _NONE:
        return None
    for part in head.split("."):
        entry = tables.branches.get(part)
        if entry is None:
            return None
        child = model.__dict__.get(entry[0])
        if type(child) is not entry[1]:
            return None
        tables = _TABLES.get(entry[1]) or fields_of(entry[1])
        if tables is _NONE:
            return None
        model = child
    return model


_ROUTES: dict[tuple[type[BaseModel], str], tuple[tuple[tuple[str, type[BaseModel]], ...], str] | None] = {}


def item_target(root: BaseModel, key: str) -> tuple[BaseModel, str] | None:
    """The model and attribute name of a plain field that dot-key ``key`` names through models, or None."""
    cls = type(root)
    route = _ROUTES.get((cls, key), _ABSENT)
    if route is _ABSENT:
        if len(_ROUTES) > 100_000:  # keys made at run time must not grow this without end
            _ROUTES.clear()
        route = _ROUTES[cls, key] = _route(cls, key)
    if route is None:
        return None
    steps, name = route
    node: Any = root
    for attr, kind in steps:
        node = node.__dict__.get(attr)
        if type(node) is not kind:
            return None  # another class than the field's (built without validation): the full path
    return node, name


def _route(cls: type[BaseModel], key: str) -> tuple[tuple[tuple[str, type[BaseModel]], ...], str] | None:
    """The fields a dot-key goes through (each typed as exactly one model class) and its plain field's name."""
    *parents, last = key.split(".")
    steps: list[tuple[str, type[BaseModel]]] = []
    tables = fields_of(cls)
    for part in parents:
        entry = tables.branches.get(part)
        if entry is None:
            return None
        steps.append(entry)
        tables = fields_of(entry[1])
    entry = tables.by_key.get(last)
    return None if entry is None else (tuple(steps), entry[0])
