"""Reading a sweep: its YAML file (dotted parameter names allowed) or mapping, and where each value is written."""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any, Final, TypeAlias

from typed_config._errors import ConfigError, Origin, Problem, single
from typed_config._keys.values import is_dict, is_list
from typed_config._layers.layers import Layer
from typed_config._types import Path
from typed_config._yaml.read import MAX_BYTES, load_document, utf8

SweepSource: TypeAlias = "Mapping[str, Any] | str | os.PathLike[str]"
"""A sweep configuration: a mapping, or the path of its YAML file."""

Where: TypeAlias = Callable[[Path, bool], Origin]
"""(a path in the sweep, at its key?) -> where it is written."""

# PRE-PASS for dotted parameter names (`optimizer.lr:`), which load_document refuses in any key:
# until it takes an option for them, dots in indented keys become a mark the text lacks
# (one character for one: positions stay put), read back as '.' in data, messages and positions.
# Flow keys (`{optimizer.lr: ...}`, JSON) too: a mark put anywhere is read back, so a match that is
# not a key changes nothing.
_DOTTED: Final = re.compile(r"""(?m)(?:^[ \t]+|[{,][ \t]*)(["']?)[A-Za-z_][\w-]*(?:\.[\w-]+)+\1(?=[ \t]*:)""")
# Where the mark is looked for: private-use characters first, then any other printable one.
_MARKS: Final = (range(0xE000, 0xF900), range(0xF0000, 0x10FFFE), range(0xA0, 0xD800))


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
    raw = utf8(raw, source)  # UTF-16 and UTF-32 with a byte-order mark, as every YAML file
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:  # the loader names the bad byte and where it is
        text = ""
    mark = _free_character(text) if _DOTTED.search(text) else None
    if mark is None:  # no dotted names (or a text holding every character): read as it is
        document = load_document(raw, source)
        return document.data, _Positions(source, document.root, None).origin
    marked = _DOTTED.sub(lambda dotted: dotted.group().replace(".", mark), text)
    try:
        document = load_document(marked, source)
    except ConfigError as exc:
        raise ConfigError(_unmark(problem, mark) for problem in exc.problems) from None
    return _unmark(document.data, mark), _Positions(source, document.root, mark).origin


def _free_character(text: str) -> str | None:
    """A printable character the text does not hold, found in time linear in the text."""
    used = set(text)
    return next((chr(c) for block in _MARKS for c in block if chr(c) not in used), None)


def _unmark(value: Any, mark: str) -> Any:
    # Strings first, and only those holding the mark are copied: most of a document's values.
    if type(value) is str:
        return value.replace(mark, ".") if mark in value else value
    if is_dict(value):
        return {_unmark(key, mark): _unmark(item, mark) for key, item in value.items()}
    if is_list(value):
        return [_unmark(item, mark) for item in value]
    if isinstance(value, Problem):
        return Problem(_unmark(value.key, mark), _unmark(value.message, mark), value.origin)
    return value


class _Positions:
    """Where a path of the sweep is written: each mapping's keys are indexed once, when first asked.

    ``Document.origin`` scans a mapping for each lookup: a sweep asks once per parameter, so a
    long ``parameters`` block would cost time quadratic in its length.
    """

    __slots__ = ("indexes", "mark", "root", "source")

    def __init__(self, source: str, root: Any, mark: str | None) -> None:
        self.source = source
        self.root = root
        self.mark = mark
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
            key = key_node.value if self.mark is None else key_node.value.replace(self.mark, ".")
            index.setdefault(key, (key_node, value_node))
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
