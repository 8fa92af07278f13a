"""A fast reader for the line-oriented YAML most config files are written in, whole-text at a time.

``key: value`` lines, nested block mappings by indentation, plain or simply quoted scalars, flow
sequences of plain scalars, flow mappings (``flow``) and comments are read with one ``re.findall``
per mapping; keys are checked and values typed once per distinct text (dict and set sizes find
duplicates), so a file of millions of lines costs a few passes in C, not a Python object per
node. Problems are the same, in the same order and at the same positions, as those of the
node-tree reader in ``read``, and positions are worked out only for the problems listed and the
paths asked for (``Level``). Each nested mapping is charged to a budget: a large file of many
small mappings reads faster the full way.

Anything else (anchors, tags, block sequences, multi-line scalars, escapes, tabs, directives, a
line the grammar does not know) makes ``read_fast`` return None: the caller reads it the full way.
"""

from __future__ import annotations

import bisect
import collections
import heapq
import itertools
import operator
import re
from collections.abc import Iterator
from typing import Any, Final

from typed_config._errors import Origin, Problem
from typed_config._keys.dotted import format_path, segment_problem
from typed_config._types import Path
from typed_config._yaml import lines
from typed_config._yaml.lines import BlockList

__all__ = ["Level", "read_fast"]

_MAX_LEVELS: Final = 50  # deeper nesting is read the full way, which bounds it
_ALLOWED_BYTES: Final = bytes([10, *range(0x20, 0x7F), *range(0x80, 0x100)])  # and UTF-8 beyond ASCII
_WORK: Final = 4  # characters read in all levels, per character of the file, before giving up
_Depth = tuple[int, list[int]]  # how deep a mapping is, and the characters left to read
LEVEL_COST: Final = 256  # budget characters a mapping costs: many small ones read faster the full way


def read_fast(data: bytes, skip: frozenset[str]) -> Level | None:
    """The top-level mapping of UTF-8 ``data`` read the fast way, or None when it is outside the subset."""
    if data.translate(None, _ALLOWED_BYTES):  # a control character (tab, CR, ...): cheaper in bytes
        return None
    text = data.decode("utf-8")
    if not text.isascii() and lines.outside(text):
        return None
    if not text.endswith("\n"):
        text += "\n"
    if text.startswith("---\n"):  # a document start marker: a blank line to the reader, lines stay counted
        text = "\n" + text[4:]
    if lines.BLANKABLE.search(text) or lines.BLANKABLE.match("\n" + text[:1024]):
        text = lines.BLANK.sub("", text)
    body = text.lstrip("\n")
    if not body or body[0] == " ":
        return None  # nothing (an empty document), or the whole document indented
    budget = [len(body) * _WORK + 65536]
    try:
        if body[0] == "{":
            from typed_config._yaml.flow import read_flow

            return read_flow(body, (len(text) - len(body), 0), skip, budget)
        return Level.parse(body, len(text) - len(body), 0, (0, budget), skip)
    except lines.OutsideSubsetError:
        return None


class Level:
    """One block mapping read the fast way: its rows (one per key), data, problems and positions.

    ``text`` is the mapping's lines with its indentation taken off; ``line`` and ``column`` say
    where its first line and its keys sit in the file (0-based). Row ``i`` is the ``i``-th key.
    """

    __slots__ = (
        "_block_lines", "_block_rows", "_first", "_indexed", "_item_starts", "_lines", "bad_keys",
        "bad_values", "blocks", "children", "column", "count", "data", "dup_rows", "firsts", "key_rows",
        "keys", "line", "list_problems", "list_values", "lists", "nested", "raws", "sequences", "text",
        "tokens", "vals", "value_rows"
    )  # fmt: skip

    def __init__(self, text: str, line: int, column: int) -> None:
        self.text, self.line, self.column = text, line, column
        self.tokens: list[str] = []
        self.vals: list[str] = []
        self.blocks: list[str] = []
        self.keys: list[Any] = []
        self.raws: list[str] = []
        self.children: dict[int, Level] = {}
        self.nested: list[int] = []  # the rows read whose nested mappings have problems
        self.lists: dict[int, list[str]] = {}  # each sequence's items: flow, or block (``sequences``)
        self.sequences: dict[int, BlockList] = {}
        self.list_values: dict[int, list[Any]] = {}
        self.data: dict[Any, Any] = {}
        self.count = 0
        self.key_rows: list[int] = []
        self.dup_rows: list[int] = []
        self.value_rows: list[int] = []
        self.list_problems: dict[int, list[tuple[int, str]]] = {}
        self.bad_keys: dict[str, str] = {}
        self.bad_values: dict[str, str] = {}
        self.firsts: dict[Any, int] | None = None  # the first row of each key, when there are duplicates
        self._first: dict[str, int] = {}  # the first row of each key's text, for positions
        self._indexed = 0  # how many rows ``_first`` has seen
        self._lines: list[str] | None = None
        self._block_rows: list[int] = []
        self._block_lines: list[int] = []
        self._item_starts: dict[int, tuple[list[int], Iterator[re.Match[str]]]] = {}

    @classmethod
    def parse(cls, text: str, line: int, column: int, at: _Depth, skip: frozenset[str]) -> Level | None:
        """Read one mapping (and those nested in it), or None when any of it is outside the subset.

        ``at`` is how deep the mapping is and what is left of the budget: each level's text is
        read again by the level above, so deep nesting is left to the full reader.
        """
        depth, budget = at
        budget[0] -= len(text)
        if depth > _MAX_LEVELS or budget[0] < 0:
            return None
        level = cls(text, line, column)
        rows = lines.ENTRY.findall(text)
        if any(map(operator.itemgetter(3), rows)):
            return None
        level.tokens = list(map(operator.itemgetter(0), rows))
        level.vals = list(map(operator.itemgetter(1), rows))
        level.blocks = list(map(operator.itemgetter(2), rows))
        del rows
        if not level.read_keys():
            return None
        dead = level.find_dead(skip if depth == 0 else frozenset())
        if any(level.blocks) and not level._read_blocks(at, dead):
            return None
        level.read_values(dead, budget)
        return level

    def read_keys(self) -> bool:
        """Type the keys that may be more than text, and find those that cannot be keys."""
        tokens = self.tokens
        try:
            typed = {t: lines.key_of(t) for t in set(lines.SPECIAL_KEY.findall("\n".join(tokens)))}
        except ValueError:  # a key like 1e400: read the full way, which reports it twice over
            return False
        changed = {t: key for t, key in typed.items() if key is not t}
        if changed:
            self.keys = list(map(changed.get, tokens, tokens))
            quoted = {t: lines.unquote(t) for t in changed if t[0] in "\"'"}
            self.raws = list(map(quoted.get, tokens, tokens)) if quoted else tokens
        else:
            self.keys = self.raws = tokens
        for token, key in typed.items():
            if type(key) is not str or not key or "." in key:
                self.bad_keys[token] = segment_problem(key) or ""
        if self.bad_keys:
            self.key_rows = list(
                itertools.compress(range(len(tokens)), map(self.bad_keys.__contains__, tokens))
            )
        return True

    def _find_duplicates(self) -> None:
        """Rows whose key an earlier row has (bad keys are never duplicates; a key skipped unread may be)."""
        keys, count = self.keys, len(self.keys)
        firsts: dict[Any, int] = {}
        self.firsts = firsts
        first_rows = list(map(firsts.setdefault, keys, range(count)))  # each row's key's first row
        rows = itertools.compress(range(count), map(operator.ne, first_rows, range(count)))
        bad = set(self.key_rows)
        self.dup_rows = [row for row in rows if row not in bad] if bad else list(rows)

    def _read_blocks(self, at: _Depth, dead: set[int]) -> bool:
        """Read the live rows' nested blocks; a dead row's block is only checked, once per distinct text."""
        rows = self._block_rows = list(itertools.compress(range(len(self.blocks)), self.blocks))
        blocks = list(map(self.blocks.__getitem__, rows))
        self._block_lines = list(itertools.accumulate(map(str.count, blocks, itertools.repeat("\n"))))
        bodies = list(map(str.lstrip, blocks, itertools.repeat("\n")))
        read = list(itertools.compress(range(len(rows)), bodies))  # blank lines are no block
        if any(self.vals[rows[index]] for index in read):
            return False  # a value continued on the next lines: a multi-line scalar
        live = [index for index in read if rows[index] not in dead]
        checks = set(map(bodies.__getitem__, read)).difference(map(bodies.__getitem__, live)) if dead else ()
        at[1][0] -= (len(live) + len(checks)) * LEVEL_COST  # charged first: many small blocks give up at once
        if at[1][0] < 0:
            return False
        for index in live:
            row, before = rows[index], self._block_lines[index - 1] if index else 0
            line = self.line + row + before + 1 + len(blocks[index]) - len(bodies[index])
            found = self._read_block(bodies[index], line, at)
            if found is None:
                return False
            if isinstance(found, BlockList):
                self.sequences[row], self.lists[row] = found, found.items
            else:
                self.children[row] = found
        return all(self._read_block(body, self.line, at) is not None for body in checks)

    def _read_block(self, body: str, line: int, at: _Depth) -> Level | BlockList | None:
        """The nested mapping or block sequence of scalars ``body`` holds, or None when it is neither."""
        indent = lines.LEADING.match(body).end()  # type: ignore[union-attr]  # pyright: ignore[reportOptionalMemberAccess] - always matches
        text = lines.dedent(indent).sub("", body) if indent else body
        if body[indent] == "-":
            return BlockList.read(text, line, self.column + indent)
        if lines.shallower(indent).search(body):
            return None
        return Level.parse(text, line, self.column + indent, (at[0] + 1, at[1]), frozenset())

    def find_dead(self, skip: frozenset[str]) -> set[int]:
        """The rows whose values are not read: bad keys, duplicates (found here), keys skipped."""
        keys = self.keys
        if len(set(keys)) < len(keys):
            self._find_duplicates()
        dead = {*self.key_rows, *self.dup_rows}
        if skip and not skip.isdisjoint(keys):
            dead.update(itertools.compress(range(len(keys)), map(skip.__contains__, keys)))
        return dead

    def read_values(self, dead: set[int], budget: list[int]) -> None:
        """Type the values and read the sequences and flow mappings of the rows not ``dead``."""
        typed, self.bad_values, (listed, mapped) = lines.typed_rows(self.vals, dead)
        typed[""] = None
        listed.update(
            itertools.compress(typed, map(operator.is_, typed.values(), itertools.repeat(lines.LIST)))
        )
        mapped.update(
            itertools.compress(typed, map(operator.is_, typed.values(), itertools.repeat(lines.MAP)))
        )
        self._find_problems(dead, listed, mapped, budget)
        if self.count:  # refused: no data is made (a million rows of it, for a file of problems)
            return
        self.data = dict(zip(self.keys, map(typed.get, self.vals, self.vals), strict=True))
        for row, child in self.children.items():
            self.data[self.keys[row]] = child.data
        for row, values in self.list_values.items():
            self.data[self.keys[row]] = values
        for row in dead:
            self.data.pop(self.keys[row], None)

    def _find_problems(self, dead: set[int], listed: set[str], mapped: set[str], budget: list[int]) -> None:
        """The rows with problems among those read, and how many problems in all."""
        rows = range(len(self.vals))
        if self.bad_values:
            found = itertools.compress(rows, map(self.bad_values.__contains__, self.vals))
            self.value_rows = [row for row in found if row not in dead]
        self._read_lists(listed, dead)
        if mapped:  # ``key: {a: 1}``
            from typed_config._yaml.flow import read_flow_values

            read_flow_values(self, mapped, dead, budget)
        self.count = len(self.key_rows) + len(self.dup_rows) + len(self.value_rows)
        if self.list_problems:
            self.count += sum(map(len, self.list_problems.values()))
        if self.children:
            self.nested = [
                row for row, child in sorted(self.children.items()) if child.count and row not in dead
            ]
            self.count += sum(self.children[row].count for row in self.nested)

    def _read_lists(self, listed: set[str], dead: set[int]) -> None:
        """The rows' sequences: items typed for the rows read; a duplicate's text is only checked."""
        rows = (
            itertools.compress(range(len(self.vals)), map(listed.__contains__, self.vals)) if listed else ()
        )
        live = [row for row in rows if row not in dead]  # a duplicate's sequence is not read
        read = {token: lines.items_of(token) for token in {self.vals[row] for row in live}}
        lines.check_flow_lists(listed.difference(read))  # in the subset, or the full reader tells why not
        for row in live:
            self.lists[row] = read[self.vals[row]]
        for row in self.lists:
            if row not in dead:
                self.list_values[row], problems = lines.typed_items(self.lists[row])
                if problems:
                    self.list_problems[row] = problems

    def problems(self, source: str, path: Path, limit: int) -> list[Problem]:
        """The first ``limit`` problems of this mapping and those nested in it, in document order."""
        out: list[Problem] = []
        rows = heapq.merge(
            zip(self.key_rows, itertools.repeat(self._key_problem)),
            zip(self.dup_rows, itertools.repeat(self._duplicate)),
            zip(self.value_rows, itertools.repeat(self._value_problem)),
            zip(sorted(self.list_problems), itertools.repeat(self._item_problems)),
            zip(self.nested, itertools.repeat(self._nested_problems)),
            key=operator.itemgetter(0),
        )
        for row, problems in rows:
            if len(out) >= limit:
                break
            out += problems(row, source, path, limit - len(out))
        return out

    def _key_problem(self, row: int, source: str, path: Path, _limit: int) -> list[Problem]:
        reason = self.bad_keys[self.tokens[row]]
        return [Problem(format_path(path) or None, reason, _at(source, self.key_place(row)))]

    def _duplicate(self, row: int, source: str, path: Path, _limit: int) -> list[Problem]:
        line = self.key_place(self.first_row(self.raws[row]) or 0)[0]
        message = f"duplicate key (first defined at line {line})"
        return [Problem(format_path((*path, self.keys[row])), message, _at(source, self.key_place(row)))]

    def _value_problem(self, row: int, source: str, path: Path, _limit: int) -> list[Problem]:
        reason = self.bad_values[self.vals[row]]
        return [Problem(format_path((*path, self.keys[row])), reason, _at(source, self.value_place(row)))]

    def _item_problems(self, row: int, source: str, path: Path, limit: int) -> list[Problem]:
        key = self.keys[row]
        return [
            Problem(format_path((*path, key, index)), reason, _at(source, self.item_place(row, index)))
            for index, reason in self.list_problems[row][:limit]
        ]

    def _nested_problems(self, row: int, source: str, path: Path, limit: int) -> list[Problem]:
        return self.children[row].problems(source, (*path, self.keys[row]), limit)

    def first_row(self, raw: object) -> int | None:
        """The first row whose key is written ``raw`` (unquoted), as the node tree's index finds it.

        Rows are indexed in growing chunks until ``raw`` is found: asking for the first keys of a
        million costs little, and asking for every key costs one pass.
        """
        if not isinstance(raw, str):
            return None
        if self.raws is self.keys and self.firsts is not None:  # indexed when duplicates were found
            return self.firsts.get(raw)
        found, index, raws = self._first.get(raw), self._first, self.raws
        while found is None and self._indexed < len(raws):
            start, end = self._indexed, min(len(raws), self._indexed * 2 + 1024)
            collections.deque(map(index.setdefault, raws[start:end], range(start, end)), maxlen=0)
            self._indexed = end
            found = index.get(raw)
        return found

    def _local_line(self, row: int) -> int:
        before = bisect.bisect_left(self._block_rows, row)
        return row + (self._block_lines[before - 1] if before else 0)

    def start(self) -> tuple[int, int]:
        """Where the mapping starts: its first key."""
        return self.key_place(0)

    def key_place(self, row: int) -> tuple[int, int]:
        return self.line + self._local_line(row) + 1, self.column + 1

    def value_place(self, row: int) -> tuple[int, int]:
        """Where a row's value starts: the value, its nested mapping's first key, or after the ':'."""
        child = self.children.get(row)
        if child is not None:
            return child.start()
        if row in self.sequences:
            return self.sequences[row].start()
        if self._lines is None:
            self._lines = self.text.split("\n")
        local = self._local_line(row)
        found = lines.KEY_AT.match(self._lines[local])
        end = (found.end() if self.vals[row] else found.end(1)) if found is not None else 0
        return self.line + local + 1, self.column + end + 1

    def item_place(self, row: int, index: int) -> tuple[int, int]:
        """Where item ``index`` of a row's sequence starts."""
        if row in self.sequences:
            return self.sequences[row].item_place(index)
        line, column = self.value_place(row)
        return line, column + self.item_offset(row, index)

    def item_offset(self, row: int, index: int) -> int:
        """Where item ``index`` of a row's flow sequence starts in its text."""
        starts, rest = self._item_starts.setdefault(row, ([], lines.ITEM_AT.finditer(self.vals[row])))
        starts.extend(match.start() for match in itertools.islice(rest, max(0, index + 1 - len(starts))))
        return starts[index]

    def place(self, path: Path, *, at_key: bool = False) -> tuple[int, int]:
        """Where the value at ``path`` (or its key) starts, or that of the nearest parent."""
        level, row, item = self, -1, -1  # at a mapping (row -1), a row's value, or an item of it
        key_place: tuple[int, int] | None = None
        for part in path:
            if row < 0:
                found = level.first_row(part)
                if found is None:
                    break
                key_place = level.key_place(found)
                if found in level.children:
                    level = level.children[found]
                else:
                    row = found
            elif item < 0 and row in level.lists and type(part) is int and 0 <= part < len(level.lists[row]):
                item, key_place = part, None
            else:
                break
        if at_key and key_place is not None:
            return key_place
        if row < 0:
            return level.start()
        return level.item_place(row, item) if item >= 0 else level.value_place(row)


def _at(source: str, place: tuple[int, int]) -> Origin:
    return Origin(path=source, line=place[0], column=place[1])
