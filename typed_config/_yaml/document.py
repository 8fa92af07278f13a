"""A loaded YAML document: its data, and where each of its values is written.

A document read the full way keeps its node tree; one read the fast way (``fast``) keeps its
``Level`` and composes the node tree only if a caller asks for ``root`` (``codegen`` does).
``release`` lets a document that outlives its load (a config that follows references keeps its
layers) drop its node tree: thousands of objects the collector would walk again and again, for
positions that are rarely asked for again. It is composed anew from the same text when they are.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from yaml.nodes import Node

from typed_config._errors import Origin
from typed_config._types import Path
from typed_config._yaml.fast import Level
from typed_config._yaml.nodes import PLAIN_TAG, NodeIndex

__all__ = ["Document"]


class Document:
    """A loaded YAML document: its data, and its node tree (or fast-read mapping) for positions."""

    __slots__ = ("_compose", "_root", "data", "level", "nodes", "source")

    def __init__(
        self,
        source: str,
        data: dict[str, Any],
        root: Node | None,
        nodes: NodeIndex | None = None,
        *,
        level: Level | None = None,
        compose: Callable[[], Node | None] | None = None,
    ) -> None:
        self.source = source
        self.data = data
        self._root = root
        self.nodes = nodes
        self.level = level
        self._compose = compose

    @property
    def root(self) -> Node | None:
        """The node tree (composed on first use for a document read the fast way, or released)."""
        if self._root is None and self._compose is not None:
            self._root = self._compose()
        return self._root

    def release(self) -> None:
        """Drop the node tree when it can be composed again from the text; positions stay the same."""
        if self._compose is not None:
            self._root = self.nodes = None

    def origin(self, path: Path, *, at_key: bool = False) -> Origin:
        """The position of the value at ``path`` (or of its key), or of the nearest parent."""
        line, column = self._place(path, at_key=at_key)
        return Origin(path=self.source, line=line, column=column)

    def position(self, path: Path, *, at_key: bool = False) -> tuple[int, int]:
        """The line and column of ``origin(path)``, without building the origin."""
        return self._place(path, at_key=at_key)

    def _place(self, path: Path, *, at_key: bool) -> tuple[int, int]:
        if self.level is not None:
            return self.level.place(path, at_key=at_key)
        if self.nodes is None:
            root = self.root
            if root is None:
                return 1, 1
            self.nodes = NodeIndex(root, PLAIN_TAG)
        node, key_node = self.nodes.locate(path)
        mark_node = key_node if at_key and key_node is not None else node
        if mark_node is None:
            return 1, 1
        return mark_node.start_mark.line + 1, mark_node.start_mark.column + 1
