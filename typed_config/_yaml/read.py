"""Safe, bounded, position-aware YAML 1.2 loading (with ``nodes``, the only PyYAML importers).

Loading composes the document with libyaml (``CSafeLoader``'s C parser and composer) and builds
Python values from the node tree with a lean constructor of our own. PyYAML's generic Python
constructor is most of the cost of ``yaml.load``; ours does less (only the core tags exist) and
checks more (duplicate keys, key grammar, tags, bounds). The node tree is kept, so positions
cost nothing until an error asks for one.
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from typing import Any, Final

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from typed_config._errors import MAX_PROBLEMS, ConfigError, Origin, Problem, show
from typed_config._gc import paused_gc
from typed_config._keys.dotted import format_path, segment_problem
from typed_config._types import Path
from typed_config._yaml.aliases import MAX_ALIAS_NODES, check_alias_count, check_expansion
from typed_config._yaml.document import Document
from typed_config._yaml.encoding import (
    MAX_BYTES,
    MAX_TREE_VALUES,
    NON_SPECIFIC,
    at,
    checked_bytes,
    reader_error,
    retag_non_specific,
    syntax_error,
    too_many_message,
    too_many_values,
    utf8,
)
from typed_config._yaml.fast import read_fast
from typed_config._yaml.nodes import PLAIN_TAG, NodeIndex
from typed_config._yaml.scalars import MAYBE_TYPED, dot_key_problem, explicit_scalar, resolve_plain

__all__ = ["MAX_ALIAS_NODES", "MAX_BYTES", "MAX_DEPTH", "Document", "load_document", "parse_value", "utf8"]

MAX_DEPTH: Final = 100
"""The deepest nesting of mappings and sequences."""

_PLAIN: Final = PLAIN_TAG
_FAST_FROM: Final = 1 << 20  # bytes: a file this large is read the fast way whatever its shape
_FAST_LINES: Final = 8  # fewer lines read faster as a node tree (``bench_readers.py``)
_LINES_PER_BLOCK: Final = 12  # fewer lines per nested block read faster as a node tree, too
_STR: Final = "tag:yaml.org,2002:str"
_MAP: Final = "tag:yaml.org,2002:map"
_SEQ: Final = "tag:yaml.org,2002:seq"
_SCALAR_TAGS: Final = frozenset({_STR} | {f"tag:yaml.org,2002:{t}" for t in ("int", "float", "bool", "null")})

_BaseLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_BaseLoader):  # type: ignore[misc,valid-type]
    """libyaml's parser and composer with a resolver that defers scalar typing to us.

    PyYAML's resolver applies YAML 1.1 (``NO`` is false, ``1e-3`` a string, ``010`` octal) with a
    regex per scalar; ours only marks plain and quoted scalars, which is cheaper and lets the
    constructor apply YAML 1.2's core schema.
    """

    # Path resolvers (none here) cost two Python calls per node: these C calls do nothing instead.
    descend_resolver = staticmethod(operator.is_)  # pyright: ignore[reportAssignmentType]
    ascend_resolver = staticmethod(tuple)  # pyright: ignore[reportAssignmentType]

    def resolve(self, kind: type[Node], value: Any, implicit: Any) -> str:  # noqa: ARG002 - PyYAML's signature
        if kind is ScalarNode:
            return _PLAIN if implicit[0] else _STR
        return _SEQ if kind is SequenceNode else _MAP


DottedAt = Callable[[Path], bool]
"""Whether the keys of the mapping at a path may be dot-keys (``optimizer.lr``) instead of plain."""


def load_document(
    raw: str | bytes, source: str, *, skip: frozenset[str] = frozenset(), dotted: DottedAt | None = None
) -> Document:
    """Parse one YAML document whose top level is a mapping (or nothing).

    Top-level keys in ``skip`` are left out unread (wandb's ``_wandb`` block has integer keys).
    A key of a mapping for whose path ``dotted`` says yes may be a dot-key: the top level of
    wandb's sweep parameter files, the ``parameters`` of a sweep (``optimizer.lr:``).

    Raises:
        ConfigError: every problem, each with ``source``, line and column.
    """
    data = checked_bytes(raw, source)
    # Composing and building allocate one container per node and nothing they make is garbage
    # until the call ends, yet each allocation burst triggers collections that walk everything
    # alive: at 20,000 keys that is most of the time. The pause is bounded by MAX_BYTES.
    with paused_gc():
        if dotted is None and _worth_reading_fast(data):
            fast = _load_fast(data, source, skip)
            if fast is not None:
                return fast
        return _load(data, source, skip, dotted)


def _worth_reading_fast(data: bytes) -> bool:
    """Whether to try the fast reader: it costs a little per nested mapping, the node tree per node.

    Files of many small blocks read faster the full way, and so do files of a few lines (its
    set-up costs more than they do), unless they are large: then the fast reader bounds the time
    their problems take. A file outside its subset pays for the attempt too: a few passes over
    the text, far less than the node tree costs. Measured by ``benchmarks/bench_readers.py``.
    """
    if len(data) >= _FAST_FROM:
        return True
    lines = data.count(b"\n")
    mappings = data.count(b":\n") + data.count(b": {") + data.count(b":{")  # blocks, flow mappings
    return lines >= _FAST_LINES and mappings * _LINES_PER_BLOCK < lines


def _load_fast(data: bytes, source: str, skip: frozenset[str]) -> Document | None:
    """The document read by ``fast`` when it is within its subset (most config files), else None."""
    level = read_fast(data, skip)
    if level is None:
        return None
    if level.count:
        listed = level.problems(source, (), MAX_PROBLEMS)
        raise ConfigError(listed, level.count - len(listed))
    return Document(source, level.data, None, level=level, compose=lambda: _composed(data))


def _load(data: bytes, source: str, skip: frozenset[str], dotted: DottedAt | None) -> Document:
    found = too_many_values(data)
    if found is not None:
        raise at(source, 1, 1, too_many_message(found))
    try:
        check_alias_count(data, source, _Loader)
        root = _composed(data)
    except yaml.MarkedYAMLError as exc:
        raise syntax_error(exc, source, MAX_DEPTH, data) from None
    except yaml.YAMLError as exc:  # ReaderError: a character YAML does not allow
        raise reader_error(exc, data, source) from None
    except RecursionError:  # the pure-Python composer, without libyaml, on deep nesting
        raise at(source, 1, 1, f"nesting deeper than {MAX_DEPTH} levels") from None
    if root is None:
        return Document(source, {}, None)
    if type(root) is ScalarNode:
        try:
            value = _scalar(root)
        except ValueError as exc:  # 1e400, a 5,000-digit integer, a disallowed tag
            raise _at_node(source, root, str(exc)) from None
        if value is None and root.tag == _PLAIN:  # an empty file, comments only, null or ~
            return Document(source, {}, None)
        raise _at_node(
            source, root, f"the top level must be a mapping of keys to values, not the value {show(value)}"
        )
    if type(root) is not MappingNode:
        raise _at_node(source, root, "the top level must be a mapping of keys to values, not a sequence")
    if b"*" in data:  # only aliases can expand a document beyond its size
        check_expansion(root, source, MAX_DEPTH)
    index = NodeIndex(root, _PLAIN)
    builder = _Builder(source, index, skip, dotted=dotted, aliased=b"*" in data)
    built = builder.mapping(root, (), 0)
    if builder.problems:
        raise ConfigError(builder.problems, builder.omitted)
    return Document(source, built, root, index, compose=lambda: _composed(data))


def _composed(data: bytes) -> Node | None:
    """The node tree of ``data``, a bare ``!`` tag marking text as it does in YAML 1.2."""
    root: Node | None = _Loader(data).get_single_node()
    if root is not None and b"!" in data and NON_SPECIFIC.search(data):
        retag_non_specific(root, yaml.parse(data, Loader=_Loader), _STR)
    return root


def parse_value(text: str) -> Any:
    """Parse one value written in YAML 1.2 flow style, as on a command line: ``[a, b]``, ``1e-3``.

    Raises:
        ValueError: the text is not one YAML value.
    """
    if "\n" not in text:  # YAML 1.2 skips blanks before a value (PyYAML refuses a tab): ` [a]` is a list
        text, plain = text.lstrip(" \t"), text
        if not text.startswith(("[", "{", "'", '"', "!", "&", "*")):
            return resolve_plain(plain.strip()) if plain.strip() else plain
    if len(text) > MAX_BYTES:
        raise ValueError(f"value too long: {len(text)} characters (the limit is {MAX_BYTES})")
    found = too_many_values(text.encode("utf-8", "surrogatepass"))
    if found is not None:
        raise ValueError(f"too many values: about {found:,} (the limit is {MAX_TREE_VALUES:,})")
    try:
        node = _Loader(text).get_single_node()
        if node is not None and "!" in text:
            retag_non_specific(node, yaml.parse(text, Loader=_Loader), _STR)
    except yaml.MarkedYAMLError as exc:
        problem = exc.problem or "invalid YAML"
        raise ValueError(f"{problem} ({exc.context})" if exc.context else problem) from None
    except yaml.YAMLError as exc:
        raise ValueError(str(exc).splitlines()[0]) from None
    if node is None:
        return None
    if "*" in text:  # a command-line value is as hostile as a file: bound its aliases too
        try:
            check_expansion(node, "<value>", MAX_DEPTH)
        except ConfigError as exc:
            raise ValueError(exc.problems[0].message) from None
    builder = _Builder("<value>", NodeIndex(node, _PLAIN), aliased="*" in text)
    value = builder.value(node, (), 0)
    if builder.problems:
        raise ValueError(builder.problems[0].message)
    return value


def _at_node(source: str, node: Node, message: str, key: str | None = None) -> ConfigError:
    return ConfigError([_problem(source, node, message, key)])


def _problem(source: str, node: Node, message: str, key: str | None = None) -> Problem:
    mark = node.start_mark
    return Problem(key, message, Origin(path=source, line=mark.line + 1, column=mark.column + 1))


def _scalar(node: Node) -> Any:
    """The value of a scalar node.

    Raises:
        ValueError: the text is not a value of its tag, or the tag is not allowed.
    """
    tag = node.tag
    value: str = node.value
    if tag == _PLAIN:
        return resolve_plain(value)
    if tag == _STR:
        return value
    if tag in _SCALAR_TAGS:
        return explicit_scalar(tag.rsplit(":", 1)[1], value)
    raise ValueError(f"tag {show(tag)} is not allowed")


class _Builder:
    """Builds Python values from composed nodes, keeping the first problems and counting the rest."""

    __slots__ = ("dotted", "index", "omitted", "problems", "seen", "skip", "skipped", "source")

    def __init__(
        self,
        source: str,
        index: NodeIndex,
        skip: frozenset[str] = frozenset(),
        *,
        dotted: DottedAt | None = None,
        aliased: bool = False,
    ) -> None:
        self.source = source
        self.index = index
        self.skip = skip
        self.skipped: set[str] = set()
        self.dotted = dotted
        self.problems: list[Problem] = []
        self.omitted = 0
        # A problem inside an anchored node is found again at every alias of it: report it once.
        self.seen: set[tuple[int, str]] | None = set() if aliased else None

    def report(self, node: Node, message: str, path: Path, key: str | int | None = None) -> None:
        """Keep a problem (its key is ``path``, then ``key``), or count it past ``MAX_PROBLEMS``."""
        if self.seen is not None:
            mark = (id(node), message)
            if mark in self.seen:
                return
            self.seen.add(mark)
        if len(self.problems) >= MAX_PROBLEMS:
            self.omitted += 1  # nothing more is built for it: a million problems cost a count
            return
        name = format_path((*path, key) if key is not None else path) or None
        self.problems.append(_problem(self.source, node, message, name))

    def scalar(self, node: Node, path: Path, key: str | int | None = None) -> Any:
        try:
            return _scalar(node)
        except ValueError as exc:
            self.report(node, str(exc), path, key)
            return None

    def value(self, node: Node, path: Path, depth: int) -> Any:
        kind = type(node)
        if kind is ScalarNode:
            return self.scalar(node, path)
        if depth >= MAX_DEPTH:
            raise _at_node(self.source, node, f"nesting deeper than {MAX_DEPTH} levels", format_path(path))
        if kind is SequenceNode:
            if node.tag != _SEQ:
                return self._bad_tag(node, path)
            # Scalar items are built without a path: it is made only for a problem.
            return [
                self.scalar(item, path, i)
                if type(item) is ScalarNode
                else self.value(item, (*path, i), depth + 1)
                for i, item in enumerate(node.value)
            ]
        return self.mapping(node, path, depth)

    def mapping(self, node: Node, path: Path, depth: int) -> dict[str, Any]:  # noqa: C901 - the hot loop over every key, kept flat for speed
        if node.tag != _MAP:
            self._bad_tag(node, path)
            return {}
        result: dict[str, Any] = {}
        merges: list[Node] = []
        for key_node, value_node in node.value:
            if type(key_node) is not ScalarNode:
                self.report(key_node, "keys must be strings, not collections", path)
                continue
            key = key_node.value
            if key_node.tag == _PLAIN:
                if key == "<<":
                    merges.append(value_node)
                    continue
                if key[:1] in MAYBE_TYPED or not key:
                    key = self.scalar(key_node, path)
            elif key_node.tag != _STR:
                key = self.scalar(key_node, path)
            if type(key) is not str or not key or "." in key:
                dotted = self.dotted is not None and type(key) is str and self.dotted(path)
                reason = segment_problem(key) if not dotted else dot_key_problem(key)
                if reason is not None:
                    self.report(key_node, reason, path)
                    continue
            if key in result:
                self._duplicate(node, key_node, key, path)
                continue
            if depth == 0 and key in self.skip:  # left out unread, but only once
                if key in self.skipped:
                    self._duplicate(node, key_node, key, path)
                self.skipped.add(key)
                continue
            if type(value_node) is ScalarNode:
                tag = value_node.tag
                if tag == _STR:
                    result[key] = value_node.value
                    continue
                if tag == _PLAIN:
                    text = value_node.value
                    if text and text[0] not in MAYBE_TYPED:
                        result[key] = text
                        continue
                result[key] = self.scalar(value_node, (*path, key))
            else:
                result[key] = self.value(value_node, (*path, key), depth + 1)
        if merges:
            self._merge(result, merges, path, depth)
        return result

    def _merge(self, result: dict[str, Any], merges: list[Node], path: Path, depth: int) -> None:
        # Explicit keys win; among merged mappings the earlier one wins (the YAML merge spec).
        sources: list[Node] = []
        for merge in merges:
            items = merge.value if type(merge) is SequenceNode else [merge]
            for item in items:
                if type(item) is not MappingNode:
                    self.report(item, "a merge key (<<) takes a mapping or a list of mappings", path)
                    continue
                sources.append(item)
        merged: dict[str, Any] = {}
        for item in sources:
            for key, value in self.mapping(item, path, depth + 1).items():
                merged.setdefault(key, value)
        for key, value in merged.items():
            result.setdefault(key, value)

    def _duplicate(self, node: Node, key_node: Node, key: str, path: Path) -> None:
        if len(self.problems) >= MAX_PROBLEMS and self.seen is None:
            self.omitted += 1  # not listed: no need to find where the key was first defined
            return
        first = self.index.entries(node).first[key_node.value][0]  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType] - a mapping's node
        line = first.start_mark.line + 1
        self.report(key_node, f"duplicate key (first defined at line {line})", path, key)

    def _bad_tag(self, node: Node, path: Path) -> None:
        tag = node.tag
        if tag in (_MAP, _SEQ):  # a core tag on the other kind of collection
            kind = "a sequence" if type(node) is SequenceNode else "a mapping"
            message = f"{kind} is not a valid !!{tag.rsplit(':', 1)[1]}"
        else:
            message = f"tag {show(tag)} is not allowed"
        self.report(node, message, path)
