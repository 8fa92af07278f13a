"""Guards that keep value-setting tests able to fail.

A test that sets a key to the value it already has (the schema default, or what a lower layer
gave) passes whether or not the path it means to test works: deleting the ``--no-`` handling of
the command line leaves ``--no-use-amp`` (default ``False``) green. Each value-setting test names
the values it sets through :func:`assert_not_default` or :func:`not_defaults`, which fail when one
equals the value the key has without it.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any, TypeVar

from pydantic import BaseModel
from pydantic_core import to_jsonable_python

import typed_config as tc

V = TypeVar("V", bound=Mapping[str, Any])


def baseline(schema: type[BaseModel], base: str = "") -> dict[str, Any]:
    """The flat values of ``schema`` loaded from ``base`` (YAML text): the schema defaults when empty."""
    return tc.flatten(tc.loads(schema, base))


def assert_not_default(schema: type[BaseModel], key: str, value: Any, *, base: str = "") -> None:
    """Fail unless setting ``key`` to ``value`` changes what ``schema`` (loaded from ``base``) holds.

    ``key`` is a dot-key; a mapping ``value`` is compared leaf by leaf, and it changes the config
    when any leaf differs. A key the baseline does not hold as a leaf (a new dict key, or one
    whose value an empty mapping or a scalar replaces) always changes it.
    """
    before = baseline(schema, base)
    given = _leaves(key, to_jsonable_python(value))
    same = all(k in before and _same(before[k], v) for k, v in given.items())
    where = f"the value in {base!r}" if base else "the schema default"
    assert not same, f"{key}={value!r} is {where}: a test that sets it cannot fail"


def not_defaults(schema: type[BaseModel], values: V, *, base: str = "") -> V:
    """``values`` (dot-keys to values) after checking each with :func:`assert_not_default`."""
    for key, value in values.items():
        assert_not_default(schema, key, value, base=base)
    return values


def _leaves(key: str, value: Any) -> dict[str, Any]:
    if isinstance(value, dict) and value:
        return {f"{key}.{k}": v for sub, inner in value.items() for k, v in _leaves(sub, inner).items()}
    return {key: value}


def _same(a: Any, b: Any) -> bool:
    """Equal as values: NaN is NaN, and ``1 == 1.0`` (a test setting 1 over 1.0 changes nothing)."""
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
        return True
    return bool(a == b)
