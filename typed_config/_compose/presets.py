"""Presets (config groups): a name where a model goes picks values from ``presets/<dot.key>/<name>.yaml``.

A preset expands at the precedence of the source that chose it: what lower sources set under the
group is dropped (as when a union switches variant), then the preset applies, then the keys the
same source sets under the group. A name that no preset has but that is a variant's tag of a
discriminated union selects that variant with its defaults.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any, Final, Literal, get_args, get_origin

from pydantic import BaseModel

from typed_config._errors import ConfigError, Origin, Problem, single
from typed_config._keys.dotted import PRESET_KEY, format_path, unflatten
from typed_config._keys.values import is_dict, is_list, lookup, to_plain
from typed_config._layers.layers import Layer
from typed_config._schema.suggest import suggest
from typed_config._schema.types import is_model, members, model_fields_by_key, strip
from typed_config._types import Path, per_class

MARK: Final = "${"
EXTENSIONS: Final = (".yaml", ".yml", ".json", ".toml")
DEFAULT_FOLDER: Final = "presets"
"""The folder read for presets when none is named: ``presets/`` in the working directory."""
Reader = Callable[[str], Layer]
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
        """The preset files of ``group`` by name (a folder is listed once, when first asked about)."""
        if group not in self.files:
            inside = os.path.join(self.folder or "", group)
            self.files[group] = _scan(inside, group) if group in self.groups else {}
        return self.files[group]

    def listing(self) -> dict[str, list[str]]:
        """Every group with presets, and their names (for ``--help`` and ``typed-config schema``)."""
        found = {group: self.names(group) for group in sorted({*self.groups, *self.python})}
        return {group: names for group, names in found.items() if names}

    def names(self, group: str) -> list[str]:
        """Every preset name of ``group``, sorted."""
        return sorted({*self.files_of(group), *self.python.get(group, {})})

    def offers(self, path: Path, annotation: Any) -> bool:
        """Whether a name at ``path`` chooses anything (else validation reports the text as it is)."""
        group = format_path(path)
        return bool(self.files_of(group)) or group in self.python or bool(_tags(annotation))

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


class PresetLayer(Layer):
    """A chosen preset's values, placed at its group; origins are the preset file's own."""

    __slots__ = ("chooser", "inner", "prefix", "where")

    def __init__(self, inner: Layer, prefix: Path, name: str, where: str, chooser: Origin) -> None:
        data: Any = inner.data
        for part in reversed(prefix):
            data = {part: data}
        super().__init__(f"preset {name!r}", data)
        self.inner, self.prefix, self.where, self.chooser = inner, prefix, where, chooser

    def origin(self, path: Path, *, at_key: bool = False) -> Origin:
        if path[: len(self.prefix)] == self.prefix and len(path) > len(self.prefix):
            return self.inner.origin(path[len(self.prefix) :], at_key=at_key)
        return self.chooser

    def note(self, path: Path) -> str:  # noqa: ARG002 - the same for every key
        return f"{self.name} chosen by {self.chooser}"


class ResetLayer(Layer):
    """Where a source chooses a preset, what lower sources set under the group is dropped."""

    __slots__ = ("chooser",)

    def __init__(self, paths: Sequence[Path], chooser: Layer) -> None:
        data: dict[str, Any] = {}
        for path in paths:
            node = data
            for part in path[:-1]:
                node = node.setdefault(str(part), {})
            node[str(path[-1])] = {}
        super().__init__(chooser.name, data)
        self.chooser = chooser

    def has(self, path: Path) -> bool:  # noqa: ARG002 - it sets nothing anyone asks about
        return False

    def origin(self, path: Path, *, at_key: bool = False) -> Origin:
        return self.chooser.origin(path, at_key=at_key)


class ChooserLayer(Layer):
    """A source that chose presets, without the names: its other keys, origins unchanged."""

    __slots__ = ("inner",)

    def __init__(self, inner: Layer, data: dict[str, Any]) -> None:
        super().__init__(inner.name, data)
        self.inner = inner

    def origin(self, path: Path, *, at_key: bool = False) -> Origin:
        return self.inner.origin(path, at_key=at_key)

    def documented(self) -> frozenset[str]:
        return self.inner.documented()

    def note(self, path: Path) -> str:
        return self.inner.note(path)


Kind = Literal["model", "list"]


def groups_of(schema: type[BaseModel]) -> list[tuple[Path, Kind, Any]]:
    """Every path where the schema takes a model (or a list of models) and no member takes text."""
    return per_class(schema, "__typed_config_groups__", lambda s: list(_walk(s, (), set())))


def _walk(model: type[BaseModel], path: Path, seen: set[type[BaseModel]]) -> Iterator[tuple[Path, Kind, Any]]:
    if model in seen or len(path) > 16:
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


def _tags(annotation: Any) -> dict[str, dict[str, str]]:
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


def expand(schema: type[BaseModel], layers: Sequence[Layer], catalog: Catalog) -> list[Layer]:
    """The layers with every chosen preset in place (see the module's docstring).

    Raises:
        ConfigError: an unknown preset name (at the source that chose it), or a preset file's problems.
    """
    groups = groups_of(schema)
    out: list[Layer] = []
    problems: list[Problem] = []
    for layer in layers:
        chosen = [
            (path, kind, ann, value)
            for path, kind, ann in groups
            if _chooses(value := lookup(layer.data, path), kind) and catalog.offers(path, ann)
        ]
        if not chosen:
            out.append(layer)
            continue
        try:
            out.extend(_expand_layer(layer, chosen, catalog))
        except ConfigError as exc:
            problems.extend(exc.problems)
    if problems:
        raise ConfigError(problems)
    return out


def _chooses(value: Any, kind: Kind) -> bool:
    if kind == "list":
        return is_list(value) and any(_is_name(item) for item in value)
    return _is_name(value) or (is_dict(value) and _is_name(value.get(PRESET_KEY)))


def _is_name(value: Any) -> bool:
    return isinstance(value, str) and MARK not in value  # `${data}` is a reference, resolved later


def _expand_layer(
    layer: Layer, chosen: Sequence[tuple[Path, str, Any, Any]], catalog: Catalog
) -> list[Layer]:
    presets: list[Layer] = []
    problems: list[Problem] = []
    data = layer.data
    for path, kind, annotation, value in chosen:
        chooser = layer.origin(path)
        if kind == "list":
            items = [
                _pick(catalog, (path, annotation), item, chooser, problems) if _is_name(item) else item
                for item in value
            ]
            data = _replaced(data, path, items)
            continue
        name = value if isinstance(value, str) else value[PRESET_KEY]
        picked = _pick_layer(catalog, (path, annotation), name, chooser, problems)
        if picked is not None:
            presets.append(picked)
        rest = {k: v for k, v in value.items() if k != PRESET_KEY} if is_dict(value) else None
        data = _replaced(data, path, rest)
    if problems:
        raise ConfigError(problems)
    reset = ResetLayer([path for path, kind, _, _ in chosen if kind == "model"], layer)
    return [reset, *presets, ChooserLayer(layer, data)]


def _pick_layer(
    catalog: Catalog, where: tuple[Path, Any], name: str, chooser: Origin, problems: list[Problem]
) -> Layer | None:
    path, annotation = where
    group = format_path(path)
    found = catalog.layer(group, name)
    if found is not None:
        return PresetLayer(found[0], path, name, found[1], chooser)
    tags = _tags(annotation)
    if name in tags:
        return PresetLayer(
            Layer(f"variant {name!r}", dict(tags[name])), path, name, "a variant's tag", chooser
        )
    names = catalog.names(group) + [t for t in tags if t not in catalog.names(group)]
    shown = f" (there are: {', '.join(names)})" if names else f" (no presets for {group})"
    problems.append(Problem(group, f"no preset named {name!r}{suggest(name, names) or shown}", chooser))
    return None


def _pick(
    catalog: Catalog, where: tuple[Path, Any], name: str, chooser: Origin, problems: list[Problem]
) -> Any:
    picked = _pick_layer(catalog, where, name, chooser, problems)
    return None if picked is None else lookup(picked.data, where[0])


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
