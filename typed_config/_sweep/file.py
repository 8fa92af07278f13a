"""Reading a sweep: its YAML file (dotted parameter names allowed) or mapping, and where each value is written."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Mapping
from typing import Any, TypeAlias

from typed_config._errors import Origin, single
from typed_config._layers.layers import Layer
from typed_config._types import Path
from typed_config._yaml.read import MAX_BYTES, load_document

SweepSource: TypeAlias = "Mapping[str, Any] | str | os.PathLike[str]"
"""A sweep configuration: a mapping, or the path of its YAML file."""

Where: TypeAlias = Callable[[Path, bool], Origin]
"""(a path in the sweep, at its key?) -> where it is written."""


def read_sweep(sweep: SweepSource) -> tuple[dict[str, Any], Where]:
    """The sweep's data, and where each of its values is written.

    Raises:
        ConfigError: the file cannot be read or is not valid YAML.
        TypeError: ``sweep`` is neither a mapping nor a path.
    """
    if isinstance(sweep, Mapping):
        return dict(sweep), lambda path, _: Origin(text="sweep" + "".join(f"[{part!r}]" for part in path))
    source = os.fspath(sweep)
    try:
        with open(source, "rb") as handle:
            raw = handle.read(MAX_BYTES + 1)
    except OSError as exc:
        raise single(f"cannot read file: {exc.strerror or exc}", Origin(path=source)) from None
    document = load_document(raw, source, dotted=_parameters)
    return document.data, _Positions(source, document.root).origin


def _parameters(path: Path) -> bool:
    """Where a key may be a dot-key (``optimizer.lr:``): among the parameters, nested ones too."""
    return bool(path) and path[-1] == "parameters"


class _Positions:
    """Where a path of the sweep is written: each mapping's keys are indexed once, when first asked.

    ``Document.origin`` scans a mapping for each lookup: a sweep asks once per parameter, so a
    long ``parameters`` block would cost time quadratic in its length.
    """

    __slots__ = ("indexes", "root", "source")

    def __init__(self, source: str, root: Any) -> None:
        self.source = source
        self.root = root
        self.indexes: dict[int, dict[Any, tuple[Any, Any]]] = {}

    def origin(self, path: Path, at_key: bool) -> Origin:
        node, key_node = self.root, None
        for part in path:
            found = self._child(node, part)
            if found is None:
                break
            key_node, node = found
        marked = key_node if at_key and key_node is not None else node
        if marked is None:
            return Origin(path=self.source, line=1, column=1)
        return Origin(path=self.source, line=marked.start_mark.line + 1, column=marked.start_mark.column + 1)

    def _child(self, node: Any, part: str | int) -> tuple[Any, Any] | None:
        kind = getattr(node, "id", None)  # PyYAML's node kinds: "scalar", "sequence", "mapping"
        if kind == "sequence" and isinstance(part, int) and 0 <= part < len(node.value):
            return None, node.value[part]
        if kind != "mapping":
            return None
        index = self.indexes.get(id(node))
        if index is None:
            index = self.indexes[id(node)] = self._index(node)
        return index.get(part)

    def _index(self, node: Any) -> dict[Any, tuple[Any, Any]]:
        index: dict[Any, tuple[Any, Any]] = {}
        merged: list[Any] = []
        for key_node, value_node in node.value:
            if getattr(key_node, "id", None) != "scalar":
                continue
            if key_node.value == "<<" and key_node.tag != "tag:yaml.org,2002:str":
                merged.extend(value_node.value if value_node.id == "sequence" else [value_node])
                continue
            index.setdefault(key_node.value, (key_node, value_node))
        for source in _mappings(merged):  # keys written beside `<<` win over merged ones
            for key, found in self._index(source).items():
                index.setdefault(key, found)
        return index


def _mappings(nodes: Iterable[Any]) -> list[Any]:
    return [node for node in nodes if getattr(node, "id", None) == "mapping"]


class Placed(Layer):
    """Values from a sweep; ``place`` says where in the sweep a path of them is written."""

    __slots__ = ("place",)

    def __init__(self, data: Any, place: Where) -> None:
        super().__init__("sweep", data)
        self.place = place

    def origin(self, path: Path, *, at_key: bool = False) -> Origin:
        return self.place(path, at_key)
