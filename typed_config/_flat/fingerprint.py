"""Fingerprints of configs: sha256 of the canonical JSON of the flat dot-key dict."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel

from typed_config._flat.flatten import flatten
from typed_config._keys.dotted import unflatten
from typed_config._keys.values import is_dict, is_list


def fingerprint(config: BaseModel | Mapping[str, Any]) -> str:
    """The sha256 (hex) of a config's canonical flat JSON.

    Keys are sorted and floats written by Python's shortest round-trip repr, so the result is the
    same across processes, Python versions and key order; ``1`` and ``1.0`` differ only when the
    schema gives them different types.

    Args:
        config: a config, or a nested or flat mapping.

    Returns:
        64 hex digits.
    """
    flat = flatten(config) if isinstance(config, BaseModel) else flatten(unflatten(config))
    canonical = json.dumps(_canonical(flat), sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    import hashlib  # kept out of import time

    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _canonical(value: Any) -> Any:
    """-0.0 as 0.0: configs that compare equal get equal fingerprints."""
    if type(value) is float and value == 0.0:
        return 0.0
    if is_dict(value):
        return {k: _canonical(v) for k, v in value.items()}
    if is_list(value):
        return [_canonical(v) for v in value]
    return value
