"""``_base_``: a config file names the files it extends; they apply first, in order, then its own keys."""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from typing import Any, Final

from pydantic import BaseModel

from typed_config._errors import Origin, single
from typed_config._keys.values import is_list
from typed_config._layers.layers import Layer
from typed_config._layers.merge import merge
from typed_config._types import Path

BASE_KEY: Final = "_base_"
"""The top-level key that names the files a config file extends."""
MAX_BASE_DEPTH: Final = 16
"""How many files deep bases may go (a base of a base of ...), like the other bounds."""

Reader = Callable[[str], Layer]
_Link = tuple[str, Origin]  # a file's real path, and where the `_base_` that led to it is


class StackLayer(Layer):
    """A file with its bases: their values merged, each still traced to the file that holds it."""

    __slots__ = ("parts",)

    def __init__(self, name: str, parts: Sequence[Layer], data: dict[str, Any] | None = None) -> None:
        super().__init__(name, merge([part.data for part in parts]) if data is None else data)
        self.parts = tuple(parts)

    def origin(self, path: Path, *, at_key: bool = False) -> Origin:
        for part in reversed(self.parts):
            if path and part.has(path):
                return part.origin(path, at_key=at_key)
        return self.parts[-1].origin(path, at_key=at_key)

    def note(self, path: Path) -> str:
        for part in reversed(self.parts):
            if path and part.has(path):
                return part.note(path)
        return ""

    def documented(self) -> frozenset[str]:
        names: set[str] = set()
        for part in self.parts:
            names |= part.documented()
        return frozenset(names - self.data.keys())

    def release(self) -> None:
        for part in self.parts:
            part.release()

    def givers(self) -> tuple[Layer, ...]:
        return tuple(given for part in self.parts for given in part.givers())


def remerged(schema: type[BaseModel], layer: Layer) -> Layer:
    """A file with its bases merged again by the schema's rules, as layers merge.

    Where the file switches a discriminated union to another variant than its bases set, what
    they set under the union is dropped (the same variant keeps it).
    """
    if not isinstance(layer, StackLayer):
        return layer
    parts = [remerged(schema, part) for part in layer.parts]
    return StackLayer(layer.name, parts, merge([part.data for part in parts], schema))


def with_bases(layer: Layer, read: Reader) -> Layer:
    """The file's layer with the files its ``_base_`` names applied first (bases may have bases).

    Raises:
        ConfigError: a base cannot be read, bases form a cycle, or they nest too deep.
    """
    if BASE_KEY not in layer.data:
        return layer
    return _expand(layer, read, ((os.path.realpath(layer.name), Origin(path=layer.name)),))


def _expand(layer: Layer, read: Reader, chain: tuple[_Link, ...]) -> Layer:
    names = _base_names(layer)
    layer.data = {k: v for k, v in layer.data.items() if k != BASE_KEY}
    parts: list[Layer] = []
    for name, origin in names:
        path = os.path.join(os.path.dirname(layer.name), os.path.expanduser(name))
        real = os.path.realpath(path)
        _check_link(chain, real, origin)
        base = read(path)
        link = (real, origin)
        parts.append(_expand(base, read, (*chain, link)) if BASE_KEY in base.data else base)
    return StackLayer(layer.name, [*parts, layer]) if parts else layer


def _base_names(layer: Layer) -> list[tuple[str, Origin]]:
    """The paths ``_base_`` names, each with its position; anything but paths is refused."""
    value: Any = layer.data[BASE_KEY]
    items: list[Any] = list(value) if is_list(value) else [value]
    names: list[tuple[str, Origin]] = []
    for index, item in enumerate(items):
        where: Path = (BASE_KEY, index) if is_list(value) else (BASE_KEY,)
        origin = layer.origin(where)
        if not isinstance(item, str) or not item:
            message = "must be a path or a list of paths, relative to this file's folder"
            raise single(message, origin, BASE_KEY)
        names.append((item, origin))
    return names


def _check_link(chain: tuple[_Link, ...], real: str, origin: Origin) -> None:
    """Refuse a base already on the way here (naming every link) or one too deep."""
    reals = [link[0] for link in chain]
    if real in reals:
        start = reals.index(real)
        links = [link[1] for link in chain[start + 1 :]] + [origin]
        shown = " -> ".join(str(where) for where in links)
        back = links[0].path or chain[start][0]
        raise single(f"bases form a cycle: {shown} -> back to {back}", origin, BASE_KEY)
    if len(chain) > MAX_BASE_DEPTH:
        raise single(f"bases nested deeper than {MAX_BASE_DEPTH} files", origin, BASE_KEY)
