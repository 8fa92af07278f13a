"""Presets (config groups): a name where a model goes picks values from ``presets/<dot.key>/<name>.yaml``.

A preset expands at the precedence of the source that chose it: what lower sources set under the
group is dropped (as when a union switches variant), then the preset applies, then the keys the
same source sets under the group. A name that no preset has but that is a variant's tag of a
discriminated union selects that variant with its defaults.

A preset may choose presets of the groups below its own (``encoder: wide`` in a preset of
``model``), and so may an item of a list of models; they expand the same way, to at most
``MAX_PRESET_DEPTH`` presets deep. A file's ``_base_`` files (a preset file's too) are expanded
each on its own, in order, so a file's keys relate to its bases' as a higher source's to a lower one's.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import Any, Final

from pydantic import BaseModel

from typed_config._compose.bases import StackLayer
from typed_config._compose.catalog import Catalog, Group, ItemType, Kind, groups_of, item_type, tags
from typed_config._compose.chosen import ChooserLayer, PresetLayer, ResetLayer, Within
from typed_config._compose.marks import MARK
from typed_config._errors import ConfigError, Origin, Problem
from typed_config._keys.dotted import PRESET_KEY, format_path
from typed_config._keys.values import MISSING, is_dict, is_list, lookup
from typed_config._layers.layers import Layer
from typed_config._layers.merge import merge
from typed_config._schema.suggest import suggest
from typed_config._schema.unions import Switches, merge_switches
from typed_config._types import Path, empty_cache, per_class

MAX_PRESET_DEPTH: Final = 16
"""How many presets deep a preset may choose presets (a preset of a preset of ...), like the other bounds."""


Link = tuple[str, Origin]  # the path a preset was read from, and who chose it
Choice = tuple[Path, Kind, Any, Any]  # a group's path, its kind, its type, the value that chooses


@dataclass(frozen=True)
class _Scope:
    """Where presets are being chosen: the whole config, or one list item (``at``, with its index)."""

    catalog: Catalog
    groups: list[Group]
    base: Path = ()  # the group of the list whose item this is (no indexes): names preset folders
    at: Path = ()  # where this scope sits in the config, indexes included: names keys in problems
    schema: type[BaseModel] | None = None  # the model here (the config's, an item's when it is one model)
    # the unions here (the config's, an item's type's): where a later part switches a variant
    switches: Switches = field(default_factory=dict[Path, tuple[str, Any]])

    def merge(self, parts: Sequence[Layer]) -> dict[str, Any]:
        """The parts' data merged by the unions here (a file over its bases, an item over its preset)."""
        return merge([part.data for part in parts], switches=self.switches)

    def group(self, path: Path) -> str:
        return format_path((*self.base, *path))

    def key(self, path: Path) -> str:
        return format_path((*self.at, *path))

    def under(self, prefix: Path) -> list[Group]:
        """The groups below ``prefix`` (those a preset placed there may choose)."""
        if not prefix:
            return self.groups
        found: dict[Path, list[Group]] = (
            per_class(self.schema, "__typed_config_groups_under__", empty_cache)
            if self.schema is not None
            else {}
        )
        if prefix not in found:
            found[prefix] = [
                g for g in self.groups if len(g[0]) > len(prefix) and g[0][: len(prefix)] == prefix
            ]
        return found[prefix]

    def item(self, path: Path, annotation: Any, index: int) -> _Scope:
        """The scope of the list at ``path``'s item ``index`` (what its type says is worked out once per type)."""
        known: dict[tuple[Path, Any], ItemType] = (
            per_class(self.schema, "__typed_config_item_types__", empty_cache)
            if self.schema is not None
            else {}
        )
        try:
            found = known.get((path, annotation))
            if found is None:
                found = known[path, annotation] = item_type(annotation)
        except TypeError:  # metadata that cannot be hashed (Annotated[X, {...}]): worked out each time
            found = item_type(annotation)
        groups, model, switches = found
        return _Scope(self.catalog, groups, (*self.base, *path), (*self.at, *path, index), model, switches)


def expand(schema: type[BaseModel], layers: Sequence[Layer], catalog: Catalog) -> list[Layer]:
    """The layers with every chosen preset in place (see the module's docstring).

    Raises:
        ConfigError: an unknown preset name (at the source that chose it), presets that choose
            each other in a cycle or too deep, or a preset file's problems.
    """
    scope = _Scope(catalog, groups_of(schema), schema=schema, switches=merge_switches(schema))
    out: list[Layer] = []
    problems: list[Problem] = []
    for layer in layers:
        try:
            out.extend(_expanded(layer, scope, ()))
        except ConfigError as exc:
            problems.extend(exc.problems)
    if problems:
        raise ConfigError(problems)
    return out


def _expanded(layer: Layer, scope: _Scope, chain: tuple[Link, ...]) -> list[Layer]:
    """``layer`` with the presets it chooses: ``[layer]`` when it chooses none."""
    if isinstance(layer, StackLayer):
        return _expanded_stack(layer, scope, chain)
    groups = scope.under(layer.prefix) if isinstance(layer, PresetLayer) else scope.groups
    chosen = _choices(layer.data, scope, groups)
    return _expand_layer(layer, chosen, scope, chain) if chosen else [layer]


def _expanded_stack(stack: StackLayer, scope: _Scope, chain: tuple[Link, ...]) -> list[Layer]:
    """A file with its bases: each part expanded in order, the file over its bases as over a lower source."""
    parts = [sub for part in stack.parts for sub in _expanded(part, scope, chain)]
    if len(parts) == len(stack.parts) and all(a is b for a, b in zip(parts, stack.parts, strict=True)):
        return [stack]
    resets = [path for part in parts if isinstance(part, ResetLayer) for path in part.paths]
    data = scope.merge(parts)
    return [ResetLayer(list(dict.fromkeys(resets)), stack), StackLayer(stack.name, parts, data)]


def _choices(data: Any, scope: _Scope, groups: Sequence[Group] | None = None) -> list[Choice]:
    found: list[Choice] = []
    for group in scope.groups if groups is None else groups:
        value: Any = lookup(data, group[0])
        if value is MISSING or (group[1] == "model" and _keys_only(value)):
            continue  # nothing here, or keys only: most groups of most sources
        if _chooses(value, group, scope):
            found.append((*group, value))
    return found


def _keys_only(value: Any) -> bool:
    """Whether ``value`` is a mapping that names no preset."""
    return type(value) is dict and PRESET_KEY not in value


def _chooses(value: Any, group: Group, scope: _Scope) -> bool:
    path, kind, annotation = group
    if kind == "model":
        name = value.get(PRESET_KEY) if is_dict(value) else value
        return _is_name(name) and scope.catalog.offers(scope.group(path), annotation)
    if not is_list(value):
        return False
    offered = scope.catalog.offers(scope.group(path), annotation)
    inner = scope.item(path, annotation, 0)  # the groups inside an item: the same for every item
    return any(
        (offered and _item_name(item) is not None)
        or (bool(inner.groups) and is_dict(item) and bool(_choices(item, inner)))
        for item in value
    )


def _is_name(value: Any) -> bool:
    return isinstance(value, str) and MARK not in value  # `${data}` is a reference, resolved later


def _expand_layer(
    layer: Layer, chosen: Sequence[Choice], scope: _Scope, chain: tuple[Link, ...]
) -> list[Layer]:
    presets: list[Layer] = []
    items: dict[Path, Layer] = {}
    problems: list[Problem] = []
    data = layer.data
    for path, kind, annotation, value in chosen:
        if kind == "list":
            made = [
                _item(layer, (path, annotation, index), item, scope, (chain, problems))
                for index, item in enumerate(value)
            ]
            items.update({(*path, i): found for i, found in enumerate(made) if found is not None})
            listed = [item if found is None else found.data for item, found in zip(value, made, strict=True)]
            data = _replaced(data, path, listed)
            continue
        name = value if isinstance(value, str) else value[PRESET_KEY]
        picked = _pick(scope, (path, annotation, path), name, layer.origin(path), (chain, problems))
        if picked is not None:
            presets.extend(_collected(partial(_expanded, picked[0], scope, (*chain, picked[1])), problems))
        rest = {k: v for k, v in value.items() if k != PRESET_KEY} if is_dict(value) else None
        data = _replaced(data, path, rest)
    if problems:
        raise ConfigError(problems)
    reset = ResetLayer([path for path, kind, _, _ in chosen if kind == "model"], layer)
    return [reset, *presets, ChooserLayer(layer, data, items)]


def _collected(make: Callable[[], list[Layer]], problems: list[Problem]) -> list[Layer]:
    """What ``make()`` gives, or nothing with its problems added to ``problems``."""
    try:
        return make()
    except ConfigError as exc:
        problems.extend(exc.problems)
        return []


Found = tuple[tuple[Link, ...], list[Problem]]  # the presets on the way here, and the problems so far


def _item(layer: Layer, where: tuple[Path, Any, int], item: Any, scope: _Scope, found: Found) -> Layer | None:
    """A list item as its own layers merged (a preset it names, then its own keys), or None."""
    path, annotation, index = where
    chain, problems = found
    inner = scope.item(path, annotation, index)
    at = (*path, index)
    name = _item_name(item)
    parts: list[Layer] = []
    if name is not None and scope.catalog.offers(scope.group(path), annotation):
        picked = _pick(scope, (path, annotation, ()), name, layer.origin(at), found, index=index)
        if picked is None:
            return None
        parts = _collected(partial(_expanded, picked[0], inner, (*chain, picked[1])), problems)
        item = {k: v for k, v in item.items() if k != PRESET_KEY} if is_dict(item) else None
    elif not is_dict(item) or not _choices(item, inner):
        return None
    if item:  # the item's own keys, over its preset
        parts += _collected(partial(_expanded, Within(layer, at, item), inner, chain), problems)
    return StackLayer(layer.name, parts, inner.merge(parts)) if parts else None


def _item_name(item: Any) -> str | None:
    """The preset a list item names: ``name`` or ``{_preset_: name, ...}``."""
    name = item.get(PRESET_KEY) if is_dict(item) else item
    return name if _is_name(name) else None


def _placed(read: Layer, place: Path, chosen: tuple[str, str, Origin], scope: _Scope) -> Layer:
    """A preset's values placed at ``place``; with bases, each part placed, merged by the unions of ``scope``."""
    name, where, chooser = chosen
    if not isinstance(read, StackLayer):
        return PresetLayer(read, place, name, where, chooser)
    parts = [_placed(part, place, chosen, scope) for part in read.parts]
    return StackLayer(read.name, parts, scope.merge(parts))


def _pick(
    scope: _Scope,
    where: tuple[Path, Any, Path],
    name: str,
    chooser: Origin,
    found: Found,
    *,
    index: int | None = None,
) -> tuple[Layer, Link] | None:
    """The preset ``name`` of the group at ``path``, placed at ``place``; None (a problem told) when there is none."""
    path, annotation, place = where
    chain, problems = found
    group = scope.group(path)
    key = scope.key(path if index is None else (*path, index))
    read = scope.catalog.layer(group, name)
    if read is not None:
        refused = _refused(chain, read[1], chooser)
        if refused:
            problems.append(Problem(key, refused, chooser))
            return None
        merging = scope if index is None else scope.item(path, annotation, index)
        return _placed(read[0], place, (name, read[1], chooser), merging), (read[1], chooser)
    variants = tags(annotation)
    if name in variants:
        variant = Layer(f"variant {name!r}", dict(variants[name]))
        return PresetLayer(variant, place, name, "a variant's tag", chooser), ("a variant's tag", chooser)
    names = scope.catalog.names(group) + [t for t in variants if t not in scope.catalog.names(group)]
    shown = f" (there are: {', '.join(names)})" if names else f" (no presets for {group})"
    problems.append(Problem(key, f"no preset named {name!r}{suggest(name, names) or shown}", chooser))
    return None


def _refused(chain: tuple[Link, ...], where: str, chooser: Origin) -> str:
    """Why a preset file cannot be chosen here: it is already on the way here, or it is too deep."""
    if not chain:
        return ""
    reals = [os.path.realpath(link[0]) for link in chain]  # only for presets chosen by presets
    real = os.path.realpath(where)
    if real in reals:
        start = reals.index(real)
        shown = " -> ".join(str(link[1]) for link in [*chain[start + 1 :], ("", chooser)])
        return f"presets form a cycle: {shown} -> back to {chain[start][0]}"
    if len(chain) >= MAX_PRESET_DEPTH:
        shown = " -> ".join(str(link[1]) for link in [*chain, ("", chooser)])
        return f"presets nested deeper than {MAX_PRESET_DEPTH}: {shown}"
    return ""


def _replaced(data: dict[str, Any], path: Path, value: Any) -> dict[str, Any]:
    """``data`` with ``value`` at ``path`` (removed when None), copying dicts on the way."""
    head, rest = str(path[0]), path[1:]
    copy = dict(data)
    inner = _replaced(data[head], rest, value) if rest else value
    if inner is None or inner == {}:
        copy.pop(head, None)  # an emptied mapping would replace what is below it: drop it
    else:
        copy[head] = inner
    return copy
