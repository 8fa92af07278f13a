"""The presets that exist, and a schema's groups: the keys where a name chooses one.

Presets are files under ``presets/<group>/`` (read when chosen) and values written in Python.

A group is a dot-key with list indexes left out (``model.encoder``, ``callbacks.monitor``); its
folder is ``presets/model.encoder/`` or ``presets/model/encoder/`` (both are read; a name in both
is refused, as a name in two formats is).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any, Final, Literal, get_args, get_origin

from pydantic import BaseModel

from typed_config._errors import Origin, single
from typed_config._keys.dotted import format_path, unflatten
from typed_config._keys.values import is_dict, to_plain
from typed_config._layers.layers import Layer
from typed_config._schema.types import is_model, members, model_fields_by_key, strip
from typed_config._schema.unions import Switches, item_switches
from typed_config._types import Path, per_class

EXTENSIONS: Final = (".yaml", ".yml", ".json", ".toml")
DEFAULT_FOLDER: Final = "presets"
"""The folder read for presets when none is named: ``presets/`` in the working directory."""
Reader = Callable[[str], Layer]
MAX_GROUP_DEPTH: Final = 16
"""How deep in a schema groups are looked for (a recursive schema repeats without end)."""
PythonPresets = Mapping[str, Mapping[str, "BaseModel | Mapping[str, Any]"]]


class Catalog:
    """The presets that exist: files in a folder (listed and read when chosen) or values written in Python."""

    def __init__(
        self, folder: str | os.PathLike[str] | None, python: PythonPresets | None, read: Reader
    ) -> None:
        self.read = read
        self.python = python or {}
        self.folder = None if folder is None else os.fspath(folder)
        self.groups = _listed(self.folder) if self.folder is not None else frozenset[str]()
        self.files: dict[str, dict[str, str]] = {}
        for group, named in self.python.items():
            both = sorted(set(named) & set(self.files_of(group)))
            if both:
                where = Origin(path=self.files_of(group)[both[0]])
                message = f"preset {both[0]!r} is both a file and written in Python (presets={{...}})"
                raise single(message, where, group)

    def files_of(self, group: str) -> dict[str, str]:
        """The preset files of ``group`` by name (its folders are listed once, when first asked about)."""
        if group not in self.files:
            found: dict[str, str] = {}
            for inside in self._folders(group):
                for name, path in _scan(inside, group).items():
                    if name in found:
                        message = f"two presets named {name!r}: {found[name]} and {path}"
                        raise single(message, Origin(path=inside), group)
                    found[name] = path
            self.files[group] = found
        return self.files[group]

    def _folders(self, group: str) -> list[str]:
        """``presets/a.b/`` and ``presets/a/b/``, those whose first part is in the folder."""
        parts = group.split(".")
        candidates = [group] if group in self.groups else []
        if len(parts) > 1 and parts[0] in self.groups:
            candidates.append(os.path.join(*parts))
        return [os.path.join(self.folder or "", name) for name in candidates]

    def listing(self, schema: type[BaseModel] | None = None) -> dict[str, list[str]]:
        """Every group with presets, and their names (for ``--help`` and ``typed-config schema``).

        The groups are the folders' and Python's top-level ones and, given the ``schema``, every
        group it has: inside other groups (``model.encoder``) and inside list items (``callbacks.monitor``).
        """
        keys = group_keys(schema) if schema is not None else {}
        found = {group: self.names(group) for group in sorted({*self.groups, *self.python, *keys})}
        return {group: names for group, names in found.items() if names}

    def names(self, group: str) -> list[str]:
        """Every preset name of ``group``, sorted."""
        return sorted({*self.files_of(group), *self.python.get(group, {})})

    def offers(self, group: str, annotation: Any) -> bool:
        """Whether a name for ``group`` chooses anything (else validation reports the text as it is)."""
        return bool(self.files_of(group)) or group in self.python or bool(tags(annotation))

    def layer(self, group: str, name: str) -> tuple[Layer, str] | None:
        """The preset's values (keys relative to the group) and where they are, or None."""
        if name in self.python.get(group, {}):
            value = self.python[group][name]
            data = to_plain(value, reveal=True)
            data = unflatten(data) if is_dict(data) and any("." in k for k in data) else data
            where = f"presets={{...}}[{group!r}][{name!r}]"
            return Layer(where, data if is_dict(data) else {}), where
        path = self.files_of(group).get(name)
        return (self.read(path), path) if path is not None else None


def _listed(folder: str) -> frozenset[str]:
    try:
        return frozenset(os.listdir(folder))
    except (FileNotFoundError, NotADirectoryError):
        return frozenset()


def _scan(inside: str, group: str) -> dict[str, str]:
    """``presets/<group>/<name>.<ext>`` by name; a name in two formats is refused."""
    found: dict[str, str] = {}
    try:
        entries = sorted(os.listdir(inside))
    except (FileNotFoundError, NotADirectoryError):
        return found
    for entry in entries:
        name, ext = os.path.splitext(entry)
        if ext.lower() not in EXTENSIONS:
            continue
        if name in found:
            message = f"two presets named {name!r}: {os.path.basename(found[name])} and {entry}"
            raise single(message, Origin(path=inside), group)
        found[name] = os.path.join(inside, entry)
    return found


def tags(annotation: Any) -> dict[str, dict[str, str]]:
    """For a union of models with a literal tag field: each tag value -> {field: value}."""
    out: dict[str, dict[str, str]] = {}
    for member in members(annotation):
        if not is_model(member):
            continue
        for key, annotated in model_fields_by_key(member).items():
            field = strip(annotated)
            if (
                get_origin(field) is Literal
                and len(get_args(field)) == 1
                and isinstance(get_args(field)[0], str)
            ):
                out.setdefault(get_args(field)[0], {key: get_args(field)[0]})
    return out if len(out) > 1 else {}


Kind = Literal["model", "list"]
Group = tuple[Path, Kind, Any]


def groups_of(schema: type[BaseModel]) -> list[Group]:
    """Every path where the schema takes a model (or a list of models) and no member takes text.

    A path found in several members of a union (``a.hooks`` a list of ``X`` in one, of ``Y`` in
    another) is one group whose type is their union: its presets expand once, by both types.
    """
    return per_class(schema, "__typed_config_groups__", lambda s: _combined(_walk(s, (), set())))


def _combined(groups: Iterable[Group]) -> list[Group]:
    """The groups with each path and kind once, its types joined in a union (the first's order kept)."""
    found: dict[tuple[Path, Kind], Group] = {}
    for path, kind, annotation in groups:
        known = found.get((path, kind))
        if known is None:
            found[path, kind] = (path, kind, annotation)
        elif annotation not in members(known[2]):
            found[path, kind] = (path, kind, _union(known[2], annotation))
    return list(found.values())


def _union(first: Any, second: Any) -> Any:
    """``first | second`` as a type; the first alone when they cannot be joined (metadata that cannot be hashed)."""
    try:
        return first | second
    except TypeError:
        return first


def _walk(model: type[BaseModel], path: Path, seen: set[type[BaseModel]]) -> Iterator[Group]:
    if model in seen or len(path) > MAX_GROUP_DEPTH:
        return
    seen = {*seen, model}
    for key, annotation in model_fields_by_key(model).items():
        here = (*path, key)
        found = [m for m in members(annotation) if m is not type(None)]
        if found and all(is_model(m) for m in found):
            yield here, "model", annotation
            for member in found:
                yield from _walk(member, here, seen)
        elif len(found) == 1 and get_origin(found[0]) in (list, tuple, Sequence):
            args = [a for a in get_args(found[0]) if a is not Ellipsis]
            if len(args) == 1 and all(is_model(m) for m in members(args[0]) if m is not type(None)):
                yield here, "list", args[0]


def group_keys(schema: type[BaseModel]) -> dict[str, str]:
    """Every group of ``schema`` by its dot-key, each spelled with ``[]`` after a list (``callbacks[].monitor``)."""
    return {key: spelled for key, (spelled, _) in group_kinds(schema).items()}


def group_kinds(schema: type[BaseModel]) -> dict[str, tuple[str, Kind]]:
    """Every group of ``schema`` by its dot-key: spelled as ``group_keys`` does, and whether it is a list of models."""
    found: dict[str, tuple[str, Kind]] = {}
    _keys(groups_of(schema), ((), ""), found)
    return found


def _keys(groups: Sequence[Group], prefix: tuple[Path, str], found: dict[str, tuple[str, Kind]]) -> None:
    path, spelled = prefix
    if len(path) > MAX_GROUP_DEPTH:  # a recursive schema through list items repeats without end
        return
    for here, kind, annotation in groups:
        key = format_path((*path, *here))
        shown = ".".join(p for p in (spelled, format_path(here)) if p)
        found.setdefault(key, (shown, kind))
        if kind == "list":
            _keys(item_groups(annotation), ((*path, *here), shown + "[]"), found)


def item_groups(annotation: Any) -> list[Group]:
    """The groups inside a list item, relative to it (every member of a union of item models)."""
    return _combined(
        group for member in members(annotation) if is_model(member) for group in groups_of(member)
    )


ItemType = tuple[list[Group], "type[BaseModel] | None", Switches]
"""A list item's groups, its model when it is one (merged by its rules), and its type's unions."""


def item_type(annotation: Any) -> ItemType:
    """What a list item's type says for presets: its groups, its model when it is one, its unions."""
    found = [m for m in members(annotation) if m is not type(None)]
    model = found[0] if len(found) == 1 and is_model(found[0]) else None
    return item_groups(annotation), model, item_switches(annotation)
