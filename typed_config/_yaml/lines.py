"""The line grammar of the fast reader (``fast``): what a line may hold, and what its tokens stand for.

A key is plain (``lr``), or quoted without escapes (``"a b"``, ``'it''s'``), at most 200 characters;
a value is plain (one line, no ``#``, no flow indicators), quoted the same way, a flow sequence
of plain scalars (``[1, 2, x]``) or a flow mapping on the line (``{a: 1}``, read by ``flow``); a
comment may follow after a space. Plain text is typed by
``scalars.resolve_plain``, YAML 1.2's core schema, as the node-tree reader types it.
"""

from __future__ import annotations

import functools
import itertools
import json
import operator
import re
from collections.abc import Collection, Iterable, Iterator
from functools import lru_cache
from typing import Any, Final

from typed_config._yaml.scalars import MAYBE_TYPED, resolve_plain

__all__ = [
    "BAD",
    "BLANK",
    "BLANKABLE",
    "ENTRY",
    "ITEM_AT",
    "KEY_AT",
    "LEADING",
    "LIST",
    "MAP",
    "SPECIAL_KEY",
    "BlockList",
    "OutsideSubsetError",
    "dedent",
    "items_of",
    "key_of",
    "outside",
    "shallower",
    "typed_items",
    "typed_values",
    "unquote",
    "value_of",
]  # fmt: skip

_R: Final = r"[^ \n:,\[\]{}#]"  # a character of a plain scalar (a ':' only between two of them)
_FIRST: Final = r"""[^ \n\-?:,\[\]{}#&*!|>'"%@`.]"""  # what a plain key may start with
_VFIRST: Final = r"""(?:[^ \n\-?:,\[\]{}#&*!|>'"%@`]|-(?=[0-9A-Za-z_.]))"""  # a plain value: also '.5', '-1'
_RV: Final = r"[^ \n:#]"  # in a block value flow indicators are text too: ${a.b}, x,y
_PLAIN: Final = rf"{_VFIRST}{_RV}*(?::{_RV}+)*(?:[ ]+{_RV}+(?::{_RV}+)*)*"
_ITEM: Final = (
    r"""(?:[^ \n\-?:,\[\]{}#&*!|>'"%@`]|-(?=[0-9A-Za-z_.]))[^ \n:,\[\]{}#'"]*(?:[ ]+[^ \n:,\[\]{}#'"]+)*"""
)
# A flow sequence's brackets; its items are checked once read (``items_of``): one regex over
# millions of items backtracks item by item, splitting and checking the distinct items does not.
_FLOW: Final = r"""\[[^\n\[\]{}#'"]*\]"""
_FLOW_MAP: Final = r"\{[^\n]*\}"  # a flow mapping on the key's line, read by ``flow`` once found
_FLOW_ITEM: Final = re.compile(rf"[ \n]*(?:{_ITEM})[ \n]*")  # newlines only in a flow mapping's lines
_DQ: Final = r'"[^"\\\n]*"'
_SQ: Final = r"'[^'\n]*(?:''[^'\n]*)*'"
_KEY: Final = rf"""{_FIRST}{_R}{{0,199}}|"[^"\\\n]{{0,198}}"|'[^'\n]{{0,198}}(?:''[^'\n]{{0,198}})*'"""
ENTRY: Final = re.compile(
    rf"^(?:({_KEY})[ ]*:(?:[ ]+({_PLAIN}|{_DQ}|{_SQ}|{_FLOW}|{_FLOW_MAP}))?(?:[ ]+#.*|[ ]*)\n((?:[ ].*\n|-(?:[ ].*)?\n|\n)*)|(.*\n))",
    re.MULTILINE,
)
_SEQ_ITEM: Final = re.compile(rf"^(?:-[ ]+({_PLAIN}|{_DQ}|{_SQ})(?:[ ]+#.*|[ ]*)\n|\n|(.*\n))", re.MULTILINE)
_ITEM_START: Final = re.compile(r"-[ ]+")
KEY_AT: Final = re.compile(rf"((?:{_KEY})[ ]*:)[ ]*")
ITEM_AT: Final = re.compile(_ITEM)
_OUTSIDE: Final = "[^\n\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff]"


@functools.cache
def _outside() -> re.Pattern[str]:
    return re.compile(
        _OUTSIDE
    )  # about 5 ms to compile (its ranges): paid by the first non-ASCII file, not by import


def outside(text: str) -> bool:
    """Whether non-ASCII ``text`` holds a character the fast reader leaves to the full reader."""
    return _outside().search(text) is not None


BLANKABLE: Final = re.compile(r"\n(?:[ ]*#|[ ]+\n)")  # comment lines, spaces-only lines (after a first line)
SPECIAL_KEY: Final = re.compile(
    r"""^(?:[0-9+\-.~"'].*|[nN]ull|NULL|[tT]rue|TRUE|[fF]alse|FALSE|.*\..*)$""", re.MULTILINE
)  # key tokens that are not just their text, or not keys: typed, quoted, dotted
LEADING: Final = re.compile("[ ]*")
BLANK: Final = re.compile(r"^[ ]*(?:#.*)?$", re.MULTILINE)
BAD: Final = object()  # a value whose text is not a value (1e400): its message is kept apart
LIST: Final = object()  # a flow sequence: built per occurrence, never shared
MAP: Final = object()  # a flow mapping: read by ``flow`` per occurrence


@lru_cache(maxsize=64)
def shallower(indent: int) -> re.Pattern[str]:
    """A line indented less than ``indent`` spaces (not blank)."""
    return re.compile(rf"^ {{0,{indent - 1}}}[^ \n]", re.MULTILINE)


@lru_cache(maxsize=64)
def dedent(indent: int) -> re.Pattern[str]:
    return re.compile(rf"^ {{{indent}}}", re.MULTILINE)


def unquote(token: str) -> str:
    if token[0] == '"':  # escapes (only in flow mappings) are JSON's, which YAML reads the same
        return json.loads(token) if "\\" in token else token[1:-1]
    if token[0] == "'":
        return token[1:-1].replace("''", "'")
    return token


def key_of(token: str) -> object:
    """The key a key token stands for (a plain one typed as YAML 1.2 says: ``1`` is an int)."""
    if token[0] in "\"'":
        return unquote(token)
    return resolve_plain(token) if token[0] in MAYBE_TYPED else token


def value_of(token: str) -> tuple[object, str | None]:
    """The value a scalar token stands for (flow sequences and mappings are marked by ``typed_values``), and what is wrong with it (``BAD`` then)."""
    if token[:1] in ("'", '"'):
        return unquote(token), None
    try:
        return resolve_plain(token), None
    except ValueError as exc:
        return BAD, str(exc)


_TYPED_SCALAR: Final = MAYBE_TYPED | {"'", '"'}  # the first characters of scalars that are not their text


def typed_values(tokens: Iterable[str]) -> tuple[dict[str, Any], dict[str, str]]:
    """The values of the distinct tokens that are more than their text, and what is wrong with any.

    A plain token that cannot be a number, null or boolean is its own value: no call is made for it.
    """
    distinct = list(set(tokens))
    # Flow sequences and mappings are only marked here, found in C: a million different ones cost no call each.
    typed: dict[str, Any] = dict.fromkeys(_starting(distinct, "["), LIST)
    typed.update(dict.fromkeys(_starting(distinct, "{"), MAP))
    reasons: dict[str, str] = {}
    firsts = map(operator.getitem, distinct, itertools.repeat(slice(0, 1)))  # token[:1], also for ""
    for token in itertools.compress(distinct, map(_TYPED_SCALAR.__contains__, firsts)):
        typed[token], reason = value_of(token)
        if reason is not None:
            reasons[token] = reason
    return typed, reasons


def typed_rows(
    tokens: list[str], dead: Collection[int]
) -> tuple[dict[str, Any], dict[str, str], tuple[set[str], set[str]]]:
    """``typed_values`` of the tokens of the rows not ``dead`` (duplicates, bad and skipped keys).

    Also the flow sequences and the flow mappings only dead rows hold: their text is still checked,
    their items never typed, as the node tree never builds a duplicate's value.
    """
    if not dead:
        return (*typed_values(tokens), (set[str](), set[str]()))
    typed, reasons = typed_values([token for row, token in enumerate(tokens) if row not in dead])
    others = list(set(tokens).difference(typed))
    return typed, reasons, (set(_starting(others, "[")), set(_starting(others, "{")))


def _starting(tokens: list[str], prefix: str) -> Iterator[str]:
    return itertools.compress(tokens, map(str.startswith, tokens, itertools.repeat(prefix)))


def typed_items(items: list[str]) -> tuple[list[Any], list[tuple[int, str]]]:
    """The values of a sequence's items (as written), and the problems among them: (index, reason)."""
    typed, reasons = typed_values(items)
    if not reasons:
        return list(map(typed.get, items, items)), []
    found = itertools.compress(range(len(items)), map(reasons.__contains__, items))
    return list(map(typed.get, items, items)), [(index, reasons[items[index]]) for index in found]


class OutsideSubsetError(Exception):
    """Text outside the subset found after the first pass: the caller reads the file the full way."""


def items_of(token: str) -> list[str]:
    """The items of a flow sequence of plain scalars, as written; ``OutsideSubsetError`` when one is not such an item.

    Only spaces surround an item: YAML's white space is space and tab (no tabs reach here), so
    other Unicode spaces are part of the item's text.
    """
    inner = token[1:-1]
    if not inner.strip(" \n"):
        return []
    parts = inner.split(",")
    if not all(map(_FLOW_ITEM.fullmatch, set(parts))):
        raise OutsideSubsetError
    return [part.strip(" \n") for part in parts] if " " in inner or "\n" in inner else parts


_NO_BRACKETS: Final = str.maketrans("", "", "[]")
_WORD_CHARACTERS: Final = str.maketrans(
    "", "", "0123456789._,abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
)


def check_flow_lists(tokens: Collection[str]) -> None:
    """``OutsideSubsetError`` unless ``items_of`` takes every token; their items are not kept.

    The items of all of them are split at once and each distinct one matched once: a million
    duplicate keys with a million different lists cost a few passes in C.
    """
    joined = ",".join(tokens)  # each is `[...]`: with no bracket inside, the brackets can go at once
    if joined.count("[") == len(tokens) == joined.count("]"):
        items = joined.translate(_NO_BRACKETS)
        if _plain_words(items):
            return
        parts = set(items.split(","))
    else:
        parts = set(",".join([token[1:-1] for token in tokens]).split(","))
    bad = list(itertools.filterfalse(_FLOW_ITEM.fullmatch, parts))
    if bad and (any(part.strip(" \n") for part in bad) or not all(map(_items_or_none, tokens))):
        raise OutsideSubsetError  # an empty part is only right as the whole of an empty sequence


def _plain_words(items: str) -> bool:
    """Whether ``items`` is words of letters, digits, ``_`` and ``.`` between single commas: plain items all."""
    return (
        bool(items)
        and not items.translate(_WORD_CHARACTERS)
        and ",," not in items
        and items[0] != "," != items[-1]
    )


def _items_or_none(token: str) -> bool:
    try:
        items_of(token)
    except OutsideSubsetError:
        return False
    return True


class BlockList:
    """A block sequence of scalars (``- item`` lines) and where each item is written.

    ``text`` is its lines with their indentation taken off; ``line`` and ``column`` say where its
    first line and its dashes sit in the file (0-based).
    """

    __slots__ = ("_split", "column", "items", "line", "rows", "text")

    def __init__(self, text: str, line: int, column: int, items: list[str], rows: list[int]) -> None:
        self.text, self.line, self.column = text, line, column
        self.items = items  # each item's text, quotes and all
        self.rows = rows  # each item's line, counted from the first
        self._split: list[str] | None = None

    @classmethod
    def read(cls, text: str, line: int, column: int) -> BlockList | None:
        """The sequence written in ``text``, or None when a line is not a ``- scalar`` line."""
        rows = _SEQ_ITEM.findall(text)
        if any(map(operator.itemgetter(1), rows)):
            return None
        found = list(map(operator.itemgetter(0), rows))
        return cls(
            text, line, column, list(filter(None, found)), list(itertools.compress(range(len(found)), found))
        )

    def start(self) -> tuple[int, int]:
        """Where the sequence starts: its first dash (1-based line and column)."""
        return self.line + self.rows[0] + 1, self.column + 1

    def item_place(self, index: int) -> tuple[int, int]:
        """Where item ``index`` starts (1-based line and column)."""
        if self._split is None:
            self._split = self.text.split("\n")
        row = self.rows[index]
        found = _ITEM_START.match(self._split[row])
        return self.line + row + 1, self.column + (found.end() if found is not None else 0) + 1
