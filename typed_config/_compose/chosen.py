"""The layers expanding presets makes: a preset placed at its group, what a choice drops, the chooser.

Each keeps the origins of the values it holds: a preset's keys at the preset file's positions, the
chooser's other keys at its own, a list item's keys at the item's layers'.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from typed_config._errors import Origin
from typed_config._layers.layers import Layer
from typed_config._types import Path

__all__ = ["ChooserLayer", "PresetLayer", "ResetLayer", "Within"]


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

    def release(self) -> None:
        self.inner.release()


class ResetLayer(Layer):
    """Where a source chooses a preset, what lower sources set under the group is dropped."""

    __slots__ = ("chooser", "paths")

    def __init__(self, paths: Sequence[Path], chooser: Layer) -> None:
        data: dict[str, Any] = {}
        given = set(paths)
        outer = [p for p in paths if not any(p[:end] in given for end in range(len(p)))]
        for path in outer:  # a path under another one is dropped with it
            node = data
            for part in path[:-1]:
                node = node.setdefault(str(part), {})
            node[str(path[-1])] = {}
        super().__init__(chooser.name, data)
        self.chooser, self.paths = chooser, tuple(paths)

    def has(self, path: Path) -> bool:  # noqa: ARG002 - it sets nothing anyone asks about
        return False

    def origin(self, path: Path, *, at_key: bool = False) -> Origin:
        return self.chooser.origin(path, at_key=at_key)

    def release(self) -> None:
        self.chooser.release()

    def givers(self) -> tuple[Layer, ...]:
        return ()  # it only drops what lower sources set under a group


class ChooserLayer(Layer):
    """A source that chose presets, without the names: its other keys, origins unchanged.

    A list item it chose by name (or whose keys chose presets) holds the item's composed values;
    the origins and notes of keys in it are those of the item's layers.
    """

    __slots__ = ("inner", "items")

    def __init__(self, inner: Layer, data: dict[str, Any], items: Mapping[Path, Layer]) -> None:
        super().__init__(inner.name, data)
        self.inner, self.items = inner, items

    def _item(self, path: Path) -> tuple[Layer, Path] | None:
        for at, item in self.items.items():
            if _same(path[: len(at)], at):
                return item, path[len(at) :]
        return None

    def origin(self, path: Path, *, at_key: bool = False) -> Origin:
        found = self._item(path)
        if found is not None and found[1]:
            return found[0].origin(found[1], at_key=at_key)
        return self.inner.origin(path, at_key=at_key)

    def documented(self) -> frozenset[str]:
        return self.inner.documented()

    def note(self, path: Path) -> str:
        found = self._item(path)
        return found[0].note(found[1]) if found is not None and found[1] else self.inner.note(path)

    def release(self) -> None:
        for layer in (self.inner, *self.items.values()):
            layer.release()

    def givers(self) -> tuple[Layer, ...]:
        return self.inner.givers()  # the source as given, the names it chose presets with too


class Within(Layer):
    """One list item of a layer, as a layer of its own (keys relative to the item)."""

    __slots__ = ("at", "outer")

    def __init__(self, outer: Layer, at: Path, data: dict[str, Any]) -> None:
        super().__init__(outer.name, data)
        self.outer, self.at = outer, at

    def origin(self, path: Path, *, at_key: bool = False) -> Origin:
        return self.outer.origin((*self.at, *path), at_key=at_key)

    def note(self, path: Path) -> str:
        return self.outer.note((*self.at, *path))

    def release(self) -> None:
        self.outer.release()


def _same(path: Path, prefix: Path) -> bool:
    """Whether ``path`` is ``prefix``, list indexes given as numbers or as text."""
    return len(path) == len(prefix) and all(str(a) == str(b) for a, b in zip(path, prefix, strict=True))
