"""The alias bound: how many nodes aliases (and merge keys) may add to a document when expanded.

Two checks. Before composing, a document written with more aliases than the budget must exceed
it (each alias adds at least the node it names), so it is refused at the alias that crosses the
budget, found in libyaml's event stream, before millions of nodes are composed; the text count
that decides whether to look is only an upper bound (``*`` is text in quotes and in ``2*3``).
After composing, the expanded size of the tree is measured once per distinct node.
"""

from __future__ import annotations

import re
from typing import Any, Final

import yaml
from yaml.events import AliasEvent
from yaml.nodes import Node, ScalarNode, SequenceNode

from typed_config._errors import ConfigError, Origin, Problem

__all__ = ["MAX_ALIAS_NODES", "check_alias_count", "check_expansion"]

MAX_ALIAS_NODES: Final = 100_000
"""How many nodes aliases and merge keys may add to a document when expanded."""

BOMB: Final = f"aliases expand this document by more than {MAX_ALIAS_NODES} nodes (an alias bomb?)"
# Where an alias may start: a '*' at the start of a line or after a blank or a flow indicator.
_MAYBE_ALIAS: Final = re.compile(rb"(?:^|[ \t\[{,])\*[^ \t\r\n,\[\]{}]", re.MULTILINE)


def _at(source: str, line: int, column: int, message: str) -> ConfigError:
    return ConfigError([Problem(None, message, Origin(path=source, line=line, column=column))])


def check_alias_count(data: bytes, source: str, loader: Any) -> None:
    """Refuse ``data`` at its alias past the budget, without composing it; cheap when it has few.

    Raises:
        ConfigError: more aliases than ``MAX_ALIAS_NODES``, at the first one past it.
        yaml.YAMLError: a syntax error before that alias, as composing would raise it.
    """
    if data.count(b"*") <= MAX_ALIAS_NODES or len(_MAYBE_ALIAS.findall(data)) <= MAX_ALIAS_NODES:
        return
    seen = 0
    for event in yaml.parse(data, Loader=loader):
        if type(event) is AliasEvent:
            seen += 1
            if seen > MAX_ALIAS_NODES:
                mark = event.start_mark
                line, column = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
                raise _at(source, line, column, BOMB)


def check_expansion(root: Node, source: str, max_depth: int) -> None:
    """Refuse alias bombs and recursive aliases before anything is built.

    Sizes are memoised per node, so this costs one visit per distinct node however much the
    aliases would expand; the first subtree found over the budget is the one reported.
    """
    sizes: dict[int, int] = {}
    active: set[int] = set()

    def size(node: Node, depth: int) -> int:
        known = sizes.get(id(node))
        if known is not None:
            return known
        mark = node.start_mark
        if depth > max_depth:
            raise _at(source, mark.line + 1, mark.column + 1, f"nesting deeper than {max_depth} levels")
        if id(node) in active:
            message = "an alias refers to the node that contains it (a recursive alias)"
            raise _at(source, mark.line + 1, mark.column + 1, message)
        total = 1
        if type(node) is not ScalarNode:
            active.add(id(node))
            children = node.value if type(node) is SequenceNode else [n for pair in node.value for n in pair]
            for child in children:
                total += size(child, depth + 1)
            active.discard(id(node))
        sizes[id(node)] = total
        if total - len(sizes) > MAX_ALIAS_NODES:
            raise _at(source, mark.line + 1, mark.column + 1, BOMB)
        return total

    size(root, 0)
