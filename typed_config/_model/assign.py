"""Assignment's full path: a value validated by the strictness rule, checked by the run, recorded.

``_fast_change`` takes the values that need none of it; these take every other value and name
every problem.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from typed_config._errors import ConfigError, Origin, Problem, code_location
from typed_config._flat.flatten import flatten
from typed_config._keys.dotted import format_path
from typed_config._keys.values import to_plain
from typed_config._layers.error_map import map_errors, under
from typed_config._layers.layers import attempt, encode
from typed_config._model.as_is import assigned_as_is, field_adapter
from typed_config._model.state import diff
from typed_config._schema.derived import frozen_key, frozen_problems
from typed_config._schema.secrets import redact_pairs
from typed_config._schema.widening import inexact_integers, may_lose_digits
from typed_config._yaml.bounds import check_bounds

if TYPE_CHECKING:
    from typed_config._model.model import HyperParams

# The model's own bookkeeping, which it hands to these functions.
# pyright: reportPrivateUsage=false
# ruff: noqa: SLF001


def assign(model: HyperParams, name: str, value: Any) -> None:
    """Validate ``value`` for field ``name`` by typed_config's rule, then set it."""
    cls = type(model)
    if assigned_as_is(cls, name, value, depth=model._tc_prefix.count(".") + 1):
        _assign_as_is(model, name, value)
        return
    adapter = field_adapter(cls, name, cls.__typed_config_adapters__)
    key = cls.model_fields[name].alias or name
    origin = Origin(text=f"assignment at {code_location()}")
    check_bounds(value, key, origin, depth=model._tc_prefix.count(".") + 1)  # before to_plain walks it
    plain = to_plain(value, reveal=True)
    payload = encode(plain)
    converted, errors = attempt(lambda: adapter.validate_json(payload, strict=True, extra="forbid"))
    if errors is not None:
        inexact = inexact_integers(cls, {key: plain}) if may_lose_digits(payload) else []
        raise map_errors(under(key, name, errors), cls, {key: to_plain(value)}, [], extra=inexact).at(origin)
    if may_lose_digits(payload):
        inexact = inexact_integers(cls, {key: plain}, {key: converted})
        if inexact:
            raise ConfigError([Problem(format_path(path), message, origin) for path, message in inexact])
    # Secrets in clear, so changing one is a change (shown redacted; provenance redacts too).
    old = flatten({key: to_plain(model.__dict__[name], reveal=True)})
    new = _flat_or_refused(key, converted, model._tc_prefix, origin)
    delta = redact_pairs(cls, diff(old, new))
    if not delta and frozen_key(cls, [key]) is not None:
        return  # the same value: nothing changes (pydantic's own check would refuse it)
    frozen = frozen_problems(cls, list(delta), "", lambda _: origin)
    if frozen:
        raise ConfigError(frozen)
    state, prefix = model._tc_state, model._tc_prefix
    if state is None:
        model._set_validated(name, converted, key, origin)
        return
    changed = {prefix + k: v for k, v in delta.items()}
    problems = state.check(changed, lambda _: origin, allow_val_change=True, deliberate=True)
    if problems:
        raise ConfigError(problems)
    gone = [prefix + k for k in old if k not in new] if changed else []  # keys a smaller mapping lost
    if state.follows is not None:  # keys that follow a reference to this one: checked, then followed
        state.plan(prefix, new, lambda _: origin, gone)
    model._set_validated(name, converted, key, origin)
    state.record(
        "assignment", {prefix + k: v for k, v in new.items()} if changed else {}, lambda _: origin, gone
    )


def _flat_or_refused(key: str, value: Any, prefix: str, origin: Origin) -> dict[str, Any]:
    """The flat keys of a validated value, or its keys that cannot be dot-keys, named in full at ``origin``.

    A mapping key may pass the field's type and still hold a dot (``{"a.b": 1}``).
    """
    try:
        return flatten({key: to_plain(value, reveal=True)})
    except ConfigError as error:
        problems = [Problem(f"{prefix}{p.key}" if p.key else None, p.message, origin) for p in error.problems]
        raise ConfigError(problems, error.omitted) from None


def _assign_as_is(model: HyperParams, name: str, value: Any) -> None:
    """``assign`` for a value its strict validation gives back unchanged (``as_is``), not frozen."""
    key, state = type(model).model_fields[name].alias or name, model._tc_state
    if state is None:
        model._set_validated(name, value, key, None)
        return
    origin, full = Origin(text=f"assignment at {code_location()}"), model._tc_prefix + key
    changed = diff({full: model.__dict__[name]}, {full: value})
    problems = state.check(changed, lambda _: origin, allow_val_change=True, deliberate=True)
    if problems:
        raise ConfigError(problems)
    if state.follows is not None:
        state.plan("", {full: value}, lambda _: origin)
    model._set_validated(name, value, key, origin)
    state.record("assignment", {full: to_plain(value)} if changed else {}, lambda _: origin)
