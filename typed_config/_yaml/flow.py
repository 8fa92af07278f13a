"""Flow mappings read the fast way: ``{a: 1, b: [x, y]}`` as a document or a value, and JSON objects.

A flow mapping of scalars, flow sequences of plain scalars and flow mappings of the same (JSON's
``{"a": 1, "b": {"c": 2}}``, on one line or pretty-printed over many) is read with one
``re.findall`` over its text: a row per entry, per nested mapping's ``{`` and per ``}``. The rows
are then split into one ``Level`` per mapping by a walk over the braces only, so a million keys
cost a few passes in C whatever their nesting, and keys, values, duplicates and problems are
found by ``fast.Level`` as for block mappings. When mappings are nested, the outermost one's rows
are found first by their depth and its keys read, so that a nested mapping the node tree never
builds (a duplicate key's value) is only checked. Positions are worked out only for the rows asked
for, from the same expression's ``finditer``.

Anything else (escapes, multi-line scalars, comments, anchors, tags, empty values, a plain key
with ``:`` not followed by a space, flow mappings in sequences) returns None: read the full way.
"""

from __future__ import annotations

import bisect
import collections
import heapq
import itertools
import operator
import re
from typing import Final

from typed_config._yaml import lines
from typed_config._yaml.fast import LEVEL_COST, Level

__all__ = ["read_flow", "read_flow_values"]

_MAX_NESTING: Final = 40  # mappings inside mappings; deeper ones are read the full way
_X: Final = r"""[^ \n:,\[\]{}#'"]"""  # a character of a plain scalar in a flow collection
_PLAIN_KEY: Final = rf"""[^ \n\-?:,\[\]{{}}#&*!|>'"%@`.]{_X}{{0,199}}(?=[ ]*:[ \n])"""
_BY_DEPTH_FROM: Final = 64  # nested mappings (about): more are split by depth (``_read_outermost``)
_MAX_KEY: Final = 200  # characters of a key as written, as in block mappings (YAML reads keys up to 1,024)
# Double-quoted text may hold JSON's escapes, which YAML reads the same (not a surrogate: YAML
# refuses it); written as runs between escapes, so a string never left open costs no backtracking.
_DQ: Final = r'"[^"\\\n]*(?:\\(?:["\\/bfnrt]|u(?![dD][89a-fA-F])[0-9a-fA-F]{4})[^"\\\n]*)*"'
_QUOTED_KEY: Final = rf"""(?:{_DQ}|'[^'\n]*(?:''[^'\n]*)*')"""
_VALUE: Final = (
    rf"""(?:[^ \n\-?:,\[\]{{}}#&*!|>'"%@`]|-(?=[0-9A-Za-z_.])){_X}*(?:[ ]+{_X}+)*"""  # plain
    rf"""|{_DQ}|'[^'\n]*(?:''[^'\n]*)*'"""  # quoted on one line
    r"""|\[[^\[\]{}#'"]*\]"""  # a flow sequence, its items checked by ``lines.items_of``
)
_END: Final = r"[ \n]*(?:,|(?=\})|\Z)"  # after a value or a '}': a comma, or the enclosing '}'
# One row: (key, scalar value, '{' opening the key's mapping value, '}', anything else). Anything
# else takes the rest of the text: the search ends there, not trying again at every character.
_ROW: Final = re.compile(
    rf"[ \n]*(?:({_PLAIN_KEY}|{_QUOTED_KEY})[ ]*:[ \n]*(?:({_VALUE}){_END}|(\{{))|(\}}){_END}|(\S[\s\S]*))"
)
_NEWLINE: Final = re.compile("\n")
_Row = tuple[str, str, str, str, str]  # key, scalar value, '{', '}', anything else (``_ROW``)


def read_flow(text: str, at: tuple[int, int], skip: frozenset[str], budget: list[int]) -> Level | None:
    """The flow mapping ``text`` holds (from its ``{`` to its ``}`` and blank lines), or None.

    ``at`` says where ``text`` starts in the file (0-based line and column); ``skip`` applies to
    the keys of the outermost mapping. Each mapping costs ``LEVEL_COST`` of the ``budget``.
    """
    if text[:1] != "{" or not text.rstrip(" \n").endswith("}"):
        return None
    rows = _ROW.findall(text, 1)
    if any(map(operator.itemgetter(4), rows)) or max(map(len, map(operator.itemgetter(0), rows))) > _MAX_KEY:
        return None
    budget[0] -= len(text)
    walk = _Walk(rows, _Offsets(text, *at), 0)
    if text.count("{", 1) > _BY_DEPTH_FROM:  # many nested mappings: each read apart, unless never built
        return _read_outermost(walk, skip, budget)
    return walk.read(skip, budget)


def _read_outermost(walk: _Walk, skip: frozenset[str], budget: list[int]) -> Level | None:
    """The outermost mapping: its rows found by their depth, its keys read first, each nested mapping apart.

    The node tree never builds a duplicate key's value (nor a bad or skipped key's): such a
    nested mapping is only checked (``_in_subset``) and dropped.
    """
    rows = walk.rows
    budget[0] -= LEVEL_COST
    if budget[0] < 0:
        return None
    split = _depth_zero(rows)
    if split is None:
        return None  # braces that do not pair up, or nest too deep, as the walk would find
    opens, own, after = split
    one = itertools.repeat(1)
    runs = list(
        itertools.compress(range(1, len(own)), map(operator.ne, own[1:], map(operator.add, own, one)))
    )
    ends = map(operator.add, map(own.__getitem__, map(operator.sub, runs, one)), one)
    segments = list(zip([0, *map(own.__getitem__, runs)], [*ends, own[-1] + 1], strict=True))
    level = FlowLevel(walk.offsets, segments, -1)
    level.tokens = list(map(operator.itemgetter(0), map(rows.__getitem__, own)))
    level.vals = list(map(operator.itemgetter(1), map(rows.__getitem__, own)))
    if not level.read_keys():
        return None
    dead = level.find_dead(skip)
    nested = list(itertools.compress(range(len(own)), map(opens.__getitem__, own)))
    live = [row for row in nested if row not in dead] if dead else nested
    for row in live:
        child = _Walk(rows[own[row] + 1 : after[row]], walk.offsets, own[row] + 1).read(frozenset(), budget)
        if child is None:
            return None
        level.children[row] = child
    if len(live) < len(nested) and not _in_subset(rows):  # the nested mappings never read
        return None
    level.read_values(dead, budget)
    return level


def _in_subset(rows: list[_Row]) -> bool:
    """Whether the rows' keys can be typed and their sequences' items are in the subset.

    That is all that reading a nested mapping never read (a duplicate key's) would check that has
    not been checked for the whole text (rows, braces, nesting); the other rows are checked so
    when read, so all are checked here, each distinct key and sequence once, in a few passes in C.

    Raises:
        lines.OutsideSubsetError: a sequence holds what ``lines.items_of`` does not take.
    """
    keys = set(map(operator.itemgetter(0), rows))
    try:  # as ``Level.read_keys`` types them
        collections.deque(map(lines.key_of, set(lines.SPECIAL_KEY.findall("\n".join(keys)))), maxlen=0)
    except ValueError:
        return False
    sequences = [value for value in set(map(operator.itemgetter(1), rows)) if value[:1] == "["]
    if sequences:
        lines.check_flow_lists(sequences)
    return True


def _depth_zero(rows: list[_Row]) -> tuple[list[bool], list[int], list[int]] | None:
    """Which rows open a mapping, the outermost's rows, and the row after each (the last: its '}').

    None when the braces do not pair up or nest deeper than ``_MAX_NESTING``.
    """
    opens = list(map(bool, map(operator.itemgetter(2), rows)))
    depths = list(
        itertools.accumulate(map(operator.sub, opens, map(bool, map(operator.itemgetter(3), rows))))
    )
    if depths[-1] != -1 or depths.index(-1) != len(depths) - 1 or _MAX_NESTING + 1 in depths:
        return None
    after = list(itertools.compress(range(1, len(rows)), map(operator.not_, depths)))  # after one at depth 0
    return opens, [0, *after[:-1]], after


def read_flow_values(level: Level, mapped: set[str], dead: set[int], budget: list[int]) -> None:
    """Read the flow mappings a block mapping's rows hold as values (``key: {a: 1}``), all charged first.

    ``mapped`` is their distinct texts. A ``dead`` row's mapping is not read (the node tree never
    builds it): its text is only checked, once, when no row read has the same text.

    Raises:
        lines.OutsideSubsetError: one of them is outside the subset, or they cost more than is left.
    """
    rows = itertools.compress(range(len(level.vals)), map(mapped.__contains__, level.vals))
    live = [row for row in rows if row not in dead]
    checks = mapped.difference(map(level.vals.__getitem__, live))
    budget[0] -= (len(live) + len(checks)) * LEVEL_COST
    if budget[0] < 0:
        raise lines.OutsideSubsetError
    for row in live:
        line, column = level.value_place(row)
        found = read_flow(level.vals[row], (line - 1, column - 1), frozenset(), budget)
        if found is None:
            raise lines.OutsideSubsetError
        level.children[row] = found
    if not all(read_flow(text, (0, 0), frozenset(), budget) is not None for text in checks):
        raise lines.OutsideSubsetError


class _Offsets:
    """Where each row's key and value start in the text, found when first asked for."""

    __slots__ = ("_found", "_matches", "_newlines", "column", "line", "text")

    def __init__(self, text: str, line: int, column: int) -> None:
        self.text, self.line, self.column = text, line, column
        self._matches = _ROW.finditer(text, 1)
        self._found: list[tuple[int, int]] = []
        self._newlines: list[int] | None = None

    def row(self, index: int) -> tuple[int, int]:
        """The offsets of row ``index``'s key and value (its scalar, or the ``{`` of its mapping)."""
        found = self._found
        if index >= len(found):
            more = itertools.islice(self._matches, index + 1 - len(found))
            found.extend((match.start(1), max(match.start(2), match.start(3))) for match in more)
        return found[index]

    def place(self, offset: int) -> tuple[int, int]:
        """The 1-based line and column of an offset in the text."""
        if self._newlines is None:
            self._newlines = [match.start() for match in _NEWLINE.finditer(self.text)]
        before = bisect.bisect_left(self._newlines, offset)
        if not before:
            return self.line + 1, self.column + offset + 1
        return self.line + before + 1, offset - self._newlines[before - 1]


class FlowLevel(Level):
    """One flow mapping: its rows are some of the rows of the outermost mapping's text."""

    __slots__ = ("_firsts", "_offsets", "_opened_at", "_segments")

    def __init__(self, offsets: _Offsets, segments: list[tuple[int, int]], opened_at: int) -> None:
        super().__init__("", offsets.line, offsets.column)
        self._offsets = offsets
        self._segments = segments  # the runs of rows of the text that are this mapping's rows
        sizes = map(
            operator.sub, map(operator.itemgetter(1), segments), map(operator.itemgetter(0), segments)
        )
        self._firsts = list(itertools.accumulate(sizes, initial=0))
        self._opened_at = opened_at  # the row whose value this mapping is; -1 for the outermost

    def _row(self, row: int) -> tuple[int, int]:
        run = bisect.bisect_right(self._firsts, row) - 1
        return self._offsets.row(self._segments[run][0] + row - self._firsts[run])

    def start(self) -> tuple[int, int]:
        """Where the mapping starts: its ``{``."""
        return self._offsets.place(self._offsets.row(self._opened_at)[1] if self._opened_at >= 0 else 0)

    def key_place(self, row: int) -> tuple[int, int]:
        return self._offsets.place(self._row(row)[0])

    def value_place(self, row: int) -> tuple[int, int]:
        return self._offsets.place(self._row(row)[1])

    def item_place(self, row: int, index: int) -> tuple[int, int]:
        return self._offsets.place(self._row(row)[1] + self.item_offset(row, index))


class _Frame:
    """A mapping being split out of the rows: the runs of rows it owns so far, and its children."""

    __slots__ = ("children", "opened_at", "segments", "size", "start", "waiting")

    def __init__(self, opened_at: int) -> None:
        self.opened_at = opened_at
        self.start = opened_at + 1  # the first row of the run being read
        self.segments: list[tuple[int, int]] = []
        self.size = 0
        self.children: dict[int, Level] = {}
        self.waiting = -1  # the row whose nested mapping is being read

    def take(self, end: int) -> None:
        if end > self.start:
            self.segments.append((self.start, end))
            self.size += end - self.start


class _Walk:
    """Splits the rows into mappings by their braces, innermost first, and reads each."""

    __slots__ = ("base", "offsets", "rows")

    def __init__(self, rows: list[_Row], offsets: _Offsets, base: int) -> None:
        self.rows, self.offsets = rows, offsets
        self.base = base  # the row of the text ``rows`` starts at

    def read(self, skip: frozenset[str], budget: list[int]) -> Level | None:
        """The outermost mapping of the rows, each mapping charged first; None when one is not in the subset."""
        rows = self.rows
        closes = list(itertools.compress(range(len(rows)), map(operator.itemgetter(3), rows)))
        budget[0] -= len(closes) * LEVEL_COST
        if budget[0] < 0:
            return None
        opens = itertools.compress(range(len(rows)), map(operator.itemgetter(2), rows))
        count = len(self.rows)
        stack = [_Frame(-1)]
        for index, opening in heapq.merge(zip(opens, itertools.repeat(1)), zip(closes, itertools.repeat(0))):
            if not stack:
                return None  # the outermost mapping was closed before this row
            frame = stack[-1]
            if opening:
                if len(stack) > _MAX_NESTING:
                    return None
                frame.take(index + 1)
                frame.waiting = frame.size - 1
                stack.append(_Frame(index))
                continue
            frame.take(index)
            level = self._level(frame, skip if len(stack) == 1 else frozenset(), budget)
            if level is None:
                return None
            stack.pop()
            if not stack:
                return level if index == count - 1 else None
            parent = stack[-1]
            parent.children[parent.waiting] = level
            parent.start = index + 1
        return None  # a mapping left open

    def _level(self, frame: _Frame, skip: frozenset[str], budget: list[int]) -> Level | None:
        base, segments = self.base, frame.segments
        level = FlowLevel(
            self.offsets, [(start + base, end + base) for start, end in segments], frame.opened_at + base
        )
        rows = list(itertools.chain.from_iterable(self.rows[start:end] for start, end in segments))
        level.tokens = list(map(operator.itemgetter(0), rows))
        level.vals = list(map(operator.itemgetter(1), rows))
        del rows
        if not level.read_keys():
            return None
        level.children = frame.children
        level.read_values(level.find_dead(skip), budget)
        return level
