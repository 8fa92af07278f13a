"""Merging layers' data: key by key, later first, a union's switch of variant starting it clean."""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from typing import Any

from pydantic import BaseModel

from typed_config._keys.values import field_keys, is_dict
from typed_config._schema.types import model_at
from typed_config._schema.unions import UNTAGGED, Switches, merge_switches
from typed_config._types import Path

__all__ = ["merge"]


def merge(
    datas: Sequence[dict[str, Any]],
    schema: type[BaseModel] | None = None,
    *,
    switches: Switches | None = None,
) -> dict[str, Any]:
    """Merge nested data, later first: key by key, lists replaced, ``{}``/``null`` replacing all below.

    When a later layer switches a union to another variant (``optimizer.name`` from adam to sgd),
    what earlier layers set under that field is dropped, so the new variant starts clean. The
    unions are the ``schema``'s ``merge_switches`` (discriminated, and plain ones with a literal
    tag, which switch only from a tag set below), or ``switches`` (a list item's, relative to it:
    at ``()`` the item's own tag, which switches only where an earlier layer set the tag).
    Layers are never mutated: the result owns every dict in it (leaves are shared). Given the
    ``schema``, a model's mapping that a later layer added keys to has its keys in the model's
    field order again (see ``_in_field_order``).
    """
    if len(datas) == 1:
        return datas[0]
    if switches is None:
        switches = merge_switches(schema) if schema is not None else {}
    root = switches.get(())
    result: dict[str, Any] = {}
    grown: list[tuple[dict[str, Any], Path]] = []
    for data in datas:
        if root is not None and root[0] in data and root[0] in result and result[root[0]] != data[root[0]]:
            result = {}  # another variant of the item: start clean
        _merge_into(result, data, (), switches, grown)
    if schema is not None:
        for node, path in grown:
            _in_field_order(node, schema, path)
    return result


def _merge_into(
    dst: dict[str, Any],
    src: dict[str, Any],
    path: Path,
    switches: Mapping[Path, tuple[str, Any]],
    grown: list[tuple[dict[str, Any], Path]],
) -> None:
    size = len(dst)
    for key, value in src.items():
        if is_dict(value) and value:
            current = dst.get(key)
            here = (*path, key)
            switch = switches.get(here)
            if (
                switch is not None
                and switch[0] in value
                and is_dict(current)
                and _switched(current, value, switch)
            ):
                current = None  # another variant: start clean
            if is_dict(current) and current:
                _merge_into(current, value, here, switches, grown)
            else:  # nothing below to keep (an empty mapping here is the merge's own)
                dst[key] = _copied(value)
        else:
            dst[key] = {} if type(value) is dict else value
    if size and len(dst) > size:  # keys added after those of a lower layer: out of order, maybe
        grown.append((dst, path))


def _in_field_order(node: dict[str, Any], schema: type[BaseModel], path: Path) -> None:
    """Put the keys of the model's mapping at ``path`` in its fields' order, in place (others after them).

    pydantic looks each field up in the order it declares them, and finds a key at once when the
    keys come in that order: a group whose preset was merged in before the other groups the
    file sets (``optimizer: sgd``) would cost it a third more to validate.
    """
    model = model_at(schema, path)
    if model is None:
        return
    keys = [key for _, key in field_keys(model)]
    ordered = {key: node[key] for key in keys if key in node}
    if len(ordered) == len(node) and list(ordered) == list(node):
        return
    ordered.update(node)
    node.clear()
    node.update(ordered)


def _copied(src: dict[str, Any]) -> dict[str, Any]:
    """What merging ``src`` into an empty mapping makes, the mappings found and copied in C."""
    out = dict(src)
    for key in itertools.compress(src, map(is_dict, src.values())):
        value = src[key]
        out[key] = _copied(value) if value else {} if type(value) is dict else value
    return out


def _switched(current: dict[str, Any], value: dict[str, Any], switch: tuple[str, Any]) -> bool:
    """Whether ``value`` names another variant than ``current`` (set below it, or the field's default)."""
    name, default = switch
    if default is UNTAGGED and name not in current:
        return False  # untagged keys of a plain union: pydantic tells their variant, not the merge
    return bool(current.get(name, default) != value[name])
