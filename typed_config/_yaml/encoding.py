"""The bytes of a YAML document before parsing: encoding, size, NUL; positions counted in characters."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any, Final

from typed_config._errors import ConfigError, Origin, show, single

MAX_BYTES: Final = 16 * 1024 * 1024
"""The largest document read, in bytes."""


MAX_TREE_VALUES: Final = 1_000_000
"""The most values a document read the full way (PyYAML's node tree, a Python object per value) may hold."""
_SEPARATORS: Final = (b"\n", b",", b": ", b":\n", b'":', b"- ", b"[", b"{")


def too_many_values(data: bytes) -> int | None:
    """How many values ``data`` may hold when that is more than ``MAX_TREE_VALUES``, else None.

    The count is an upper bound found in C (each value but the first follows a line break, a
    comma, a ``:`` or ``-`` indicator or an opening bracket): a document past the limit is refused
    before anything is composed, which at 16 MiB would take seconds.
    """
    if len(data) <= MAX_TREE_VALUES:  # at most one value per byte
        return None
    found = sum(map(data.count, _SEPARATORS))
    return found if found > MAX_TREE_VALUES else None


def too_many_message(found: int) -> str:
    """The message for a document of ``found`` values, past ``MAX_TREE_VALUES``."""
    return (
        f"too many values to read: about {found:,} (the limit is {MAX_TREE_VALUES:,} for YAML written with "
        "anchors, tags, multi-line text, block sequences of mappings or many small nested mappings)"
    )


def checked_bytes(raw: str | bytes, source: str) -> bytes:
    """The document as UTF-8 bytes, refused when too large, not UTF-8, or holding NUL or lone surrogates."""
    if isinstance(raw, str):
        try:
            data = raw.encode("utf-8")
        except UnicodeEncodeError as exc:
            line, col = position(raw[: exc.start])
            raise at(source, line, col, f"lone surrogate {show(raw[exc.start])} is not valid text") from None
    else:
        data = utf8(raw, source)
    if len(data) > MAX_BYTES:
        raise at(source, 1, 1, f"file too large: {len(data)} bytes (the limit is {MAX_BYTES})")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line, col = position(data[: exc.start].decode("utf-8", "replace"))
        raise at(source, line, col, f"invalid UTF-8 byte 0x{data[exc.start]:02x}") from None
    nul = text.find("\x00")
    if nul >= 0:
        line, col = position(text[:nul])
        raise at(source, line, col, "NUL character is not allowed")
    return data


# YAML 1.2 (5.2): readers take UTF-8, UTF-16 and UTF-32. Longest marks first: UTF-32LE's begins
# with UTF-16LE's.
_BOMS: Final = (
    (b"\x00\x00\xfe\xff", "utf-32-be", "UTF-32BE"),
    (b"\xff\xfe\x00\x00", "utf-32-le", "UTF-32LE"),
    (b"\xfe\xff", "utf-16-be", "UTF-16BE"),
    (b"\xff\xfe", "utf-16-le", "UTF-16LE"),
)


def utf8(data: bytes, source: str) -> bytes:
    """The document as UTF-8: UTF-16 and UTF-32 with a byte-order mark are decoded, in characters.

    Text that looks like UTF-16 or UTF-32 without a mark is refused by name: guessing the byte
    order of a config file is not worth a silent misreading. UTF-8 costs two byte comparisons.
    """
    if data[:1] not in (b"\x00", b"\xfe", b"\xff") and data[1:2] != b"\x00":
        return data
    for bom, codec, name in _BOMS:
        if data.startswith(bom):
            body = data[len(bom) :]
            try:
                return body.decode(codec).encode("utf-8")
            except UnicodeDecodeError as exc:
                line, col = position(body[: exc.start].decode(codec, "replace"))
                raise at(source, line, col, f"invalid {name} text: {exc.reason}") from None
    guess = "UTF-32" if data[1:4] == b"\x00\x00\x00" or data[:3] == b"\x00\x00\x00" else "UTF-16"
    if data[:1] == b"\x00" or data[1:2] == b"\x00":
        raise at(
            source,
            1,
            1,
            f"the file looks like {guess} without a byte-order mark; save it as UTF-8 (or {guess} with a BOM)",
        )
    return data


def position(before: str) -> tuple[int, int]:
    """The 1-based line and column just after ``before``, the text that precedes a problem."""
    before = before.removeprefix("\ufeff")  # a BOM is not a column
    line = before.count("\n") + 1
    return line, len(before) - (before.rfind("\n") + 1) + 1


def at(source: str, line: int, column: int, message: str) -> ConfigError:
    """A ConfigError with one problem at a position."""
    return single(message, Origin(path=source, line=line, column=column))


def syntax_error(exc: Any, source: str, max_depth: int, data: bytes = b"") -> ConfigError:
    """A PyYAML ``MarkedYAMLError`` as a ConfigError at its position, in words a user reads."""
    mark = exc.problem_mark or exc.context_mark
    line, col = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
    problem = exc.problem or "invalid YAML"
    if "expected a single document" in (exc.context or ""):
        problem = "a config file holds one YAML document; a second one starts here"
    elif "maximum nesting depth" in problem or "nesting depth" in (exc.context or ""):
        problem = f"nesting deeper than {max_depth} levels"
    elif exc.context and "found undefined alias" not in problem:
        problem = f"{problem} ({exc.context})"
    elif problem.startswith("mapping values are not allowed") and _longest_line(data, line) > 1024:
        # YAML reads a key as a key only up to 1,024 characters.
        problem += "; a key longer than 1024 characters must be written in YAML's explicit form, '? key'"
    return at(source, line, col, f"YAML syntax error: {problem}")


def _longest_line(data: bytes, line: int) -> int:
    lines = data.split(b"\n", line)
    return len(lines[line - 1]) if 0 < line <= len(lines) else 0


def reader_error(exc: Any, data: bytes, source: str) -> ConfigError:
    """A PyYAML ``ReaderError`` (a character YAML refuses) as a ConfigError at its position."""
    offset: int = getattr(exc, "position", 0)
    reason: str = getattr(exc, "reason", "unacceptable character")
    char: object = getattr(exc, "character", None)
    # libyaml counts bytes; lines and columns count characters.
    line, col = position(data[:offset].decode("utf-8", "replace"))
    shown = f" {show(chr(char) if isinstance(char, int) else char)}" if char is not None else ""
    return at(source, line, col, f"character{shown} is not allowed in YAML ({reason})")


NON_SPECIFIC: Final = re.compile(rb"(?:^|[ \t\[{,])!(?=[ \t\r\n\]},]|$)", re.MULTILINE)
"""Where a document may hold YAML's non-specific tag ``!`` (text in quotes matches too: harmless)."""


def retag_non_specific(root: Any, events: Iterable[Any], tag: str) -> None:
    """Give ``tag`` (``!!str``) to every scalar written with the non-specific tag ``!``, as YAML 1.2 says.

    libyaml hands ``! 12`` to the resolver exactly as a plain ``12``, so the tagged scalars are
    found in the event stream by position. Each node is visited once, aliases or not.
    """
    marks = {
        (event.start_mark.line, event.start_mark.column)
        for event in events
        if getattr(event, "tag", None) == "!" and isinstance(getattr(event, "value", None), str)
    }
    if not marks:
        return
    seen: set[int] = set()
    stack = [root]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        children: Any = node.value
        if isinstance(children, str):
            if (node.start_mark.line, node.start_mark.column) in marks:
                node.tag = tag
        elif children and isinstance(children[0], tuple):  # a mapping's (key, value) pairs
            stack.extend(part for pair in children for part in pair)
        else:
            stack.extend(children)
