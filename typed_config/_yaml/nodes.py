"""Positions in a composed YAML node tree: the node at a path, found in time linear in the path.

A mapping searched more than once is indexed by key the first time, so placing every one of a
million problems costs a million look-ups, not a million scans of its mapping.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

MERGE_KEY: Final = "<<"
PLAIN_TAG: Final = "?plain"  # the resolver's tag for plain scalars: resolved later by YAML 1.2 rules
_SCAN: Final = 8  # a mapping this small is scanned: building its index would cost more


class Entries:
    """The first key node of each key of one mapping, and the mappings its merge keys bring in."""

    __slots__ = ("first", "merged")

    def __init__(self, node: MappingNode, plain_tag: str) -> None:
        self.first: dict[str, tuple[Node, Node]] = {}
        self.merged: list[Node] = []
        first = self.first
        for pair in node.value:  # the pairs themselves are kept: a million keys make no new tuples
            key_node = pair[0]
            if type(key_node) is not ScalarNode:
                continue
            if key_node.tag == plain_tag and key_node.value == MERGE_KEY:
                value_node = pair[1]
                self.merged.extend(value_node.value if type(value_node) is SequenceNode else [value_node])
            if key_node.value not in first:
                first[key_node.value] = pair


class NodeIndex:
    """Finds nodes by path in one document's tree; indexes are built on demand and kept."""

    __slots__ = ("_entries", "plain_tag", "root")

    def __init__(self, root: Node | None, plain_tag: str) -> None:
        self.root = root
        self.plain_tag = plain_tag
        self._entries: dict[int, Entries] = {}  # by id(): the tree, kept by the caller, keeps ids valid

    def entries(self, node: MappingNode) -> Entries:
        """The key index of a mapping node of this tree."""
        found = self._entries.get(id(node))
        if found is None:
            found = self._entries[id(node)] = Entries(node, self.plain_tag)
        return found

    def locate(self, path: Sequence[str | int]) -> tuple[Node | None, Node | None]:
        """The value node at ``path`` and the key node naming it, stopping at the nearest parent."""
        node, key_node = self.root, None
        for part in path:
            found = self._child(node, part, 0)
            if found is None:
                break
            key_node, node = found
        return node, key_node

    def _child(self, node: Node | None, part: str | int, depth: int) -> tuple[Node | None, Node] | None:
        if type(node) is SequenceNode and isinstance(part, int) and 0 <= part < len(node.value):
            return None, node.value[part]
        if type(node) is not MappingNode or depth > 100:  # merges of merges: bounded like nesting
            return None
        if len(node.value) <= _SCAN:
            return self._scan(node, part, depth)
        entries = self.entries(node)
        found = entries.first.get(part) if isinstance(part, str) else None
        if found is not None:
            return found
        for merged in entries.merged:
            inner = self._child(merged, part, depth + 1)
            if inner is not None:
                return inner
        return None

    def _scan(self, node: MappingNode, part: str | int, depth: int) -> tuple[Node | None, Node] | None:
        merges: list[Node] = []
        for key_node, value_node in node.value:
            if type(key_node) is ScalarNode and key_node.value == part:
                return key_node, value_node
            if (
                type(key_node) is ScalarNode
                and key_node.tag == self.plain_tag
                and key_node.value == MERGE_KEY
            ):
                merges.extend(value_node.value if type(value_node) is SequenceNode else [value_node])
        for merged in merges:
            found = self._child(merged, part, depth + 1)
            if found is not None:
                return found
        return None
