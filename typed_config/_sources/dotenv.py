r"""``.env`` files to variables with positions, by python-dotenv's syntax, without running anything.

A line is ``KEY=value``, optionally after ``export``; ``#`` starts a comment. A value is taken
as written (an inline comment after whitespace and trailing blanks removed), in single quotes
(literal but for ``\'`` and ``\\``) or in double quotes (``\n``, ``\t``, ``\"`` and the other
C escapes); quoted values may span lines. ``${NAME}`` and ``${NAME:-default}`` in unquoted and
double-quoted values expand from the real environment, then the file's earlier lines; single
quotes keep them literal, as in a shell and in Docker Compose. Nothing else is interpreted.
"""

from __future__ import annotations

import bisect
import os
import re
from collections.abc import Mapping
from typing import Final, NamedTuple

from typed_config._errors import ConfigError, Origin, Problem, ProblemList
from typed_config._yaml.encoding import MAX_BYTES, checked_bytes

# What a backslash means inside quotes: in double quotes the C escapes, in single quotes only
# the quote and the backslash itself; any other backslash is kept as written.
_DOUBLE_ESCAPES: Final = {
    "\\": "\\",
    "'": "'",
    '"': '"',
    "a": "\a",
    "b": "\b",
    "f": "\f",
    "n": "\n",
    "r": "\r",
    "t": "\t",
    "v": "\v",
}
_SINGLE_ESCAPES: Final = {"\\": "\\", "'": "'"}
_NEWLINE_CHARS: Final = "\r\n"
_VARIABLE: Final = re.compile(r"\$\{(?P<name>[^}:]*)(?::-(?P<default>[^}]*))?\}")
_NEWLINES: Final = re.compile(r"\r\n|\n|\r")


class Variable(NamedTuple):
    """One ``KEY=value`` line: the value and where it starts, and where its name is."""

    value: str
    origin: Origin
    name_origin: Origin


class _Syntax(Exception):  # noqa: N818 - private control flow, never raised out of this module
    """The text at ``offset`` is not python-dotenv syntax."""

    def __init__(self, offset: int) -> None:
        self.offset = offset


class _Lines:
    """Offsets to 1-based lines and columns, in characters."""

    def __init__(self, text: str) -> None:
        self.starts = [0] + [m.end() for m in _NEWLINES.finditer(text)]

    def at(self, offset: int) -> tuple[int, int]:
        index = bisect.bisect_right(self.starts, offset) - 1
        return index + 1, offset - self.starts[index] + 1


def read_dotenv(
    path: str | os.PathLike[str], environ: Mapping[str, str]
) -> tuple[dict[str, Variable], list[Problem]]:
    """The file's variables in order (a missing value, ``KEY`` alone, sets nothing), and the problems.

    Problems: the file cannot be read or parsed, a name is given twice, or an expansion names a
    variable that is set nowhere (each at ``FILE:LINE:COL``); then no variable is returned.
    """
    source = os.fspath(path)
    try:
        with open(source, "rb") as handle:
            raw = handle.read(MAX_BYTES + 1)
    except (OSError, ValueError) as exc:
        message = f"cannot read file: {getattr(exc, 'strerror', None) or exc}"
        return {}, [Problem(None, message, Origin(path=source))]
    try:
        text = checked_bytes(raw, source).decode("utf-8").removeprefix("\ufeff")
    except ConfigError as exc:
        return {}, ProblemList.of(exc)
    found, problems = _parse(text, source, environ)
    return ({}, problems) if problems else (found, [])


def _parse(text: str, source: str, environ: Mapping[str, str]) -> tuple[dict[str, Variable], list[Problem]]:
    lines = _Lines(text)
    found: dict[str, Variable] = {}
    problems: list[Problem] = []
    offset = 0
    while offset < len(text):
        try:
            offset, binding = _binding(text, offset)
        except _Syntax as exc:
            line, column = lines.at(exc.offset)
            problems.append(Problem(None, _SYNTAX_MESSAGE, Origin(path=source, line=line, column=column)))
            skipped = _Cursor(text, exc.offset)
            skipped.next_line()
            offset = skipped.at
            continue
        if binding is None:
            continue
        name, name_at, value, value_at, quote = binding
        name_origin = Origin(source, *lines.at(name_at))
        if name in found:
            first = found[name].name_origin.line
            problems.append(
                Problem(None, f"{name}: duplicate name (first defined at line {first})", name_origin)
            )
            continue
        if value is None:
            continue
        origin = Origin(source, *lines.at(value_at))
        if quote != "'":
            value = _expand(value, name, origin, environ=environ, found=found, problems=problems)
        found[name] = Variable(value, origin, name_origin)
    return found, problems


_SYNTAX_MESSAGE: Final = (
    "cannot read this line: a .env line is NAME=value, 'single-quoted' or \"double-quoted\", "
    "optionally after 'export'"
)

_Binding = tuple[str, int, str | None, int, str]  # name, its offset, value, its offset, its quote


class _Cursor:
    """A position in the text and the few moves a ``.env`` line needs."""

    def __init__(self, text: str, at: int) -> None:
        self.text = text
        self.at = at

    def char(self) -> str:
        return self.text[self.at : self.at + 1]

    def skip_blanks(self) -> int:
        """Skip spaces and tabs (not line breaks); how many were skipped."""
        start = self.at
        while (
            self.at < len(self.text)
            and self.text[self.at].isspace()
            and self.text[self.at] not in _NEWLINE_CHARS
        ):
            self.at += 1
        return self.at - start

    def line_end(self) -> int:
        """Where the current line's break (or the text) ends it."""
        ends = [i for i in (self.text.find("\r", self.at), self.text.find("\n", self.at)) if i >= 0]
        return min(ends, default=len(self.text))

    def next_line(self) -> None:
        """Move past the current line and its break (CR LF counts as one)."""
        self.at = self.line_end()
        self.at += 2 if self.text.startswith("\r\n", self.at) else 1 if self.at < len(self.text) else 0


def _binding(text: str, offset: int) -> tuple[int, _Binding | None]:
    """Read one binding (or blank space and a comment) from ``offset``; the new offset and what it bound."""
    cursor = _Cursor(text, offset)
    while cursor.at < len(text) and text[cursor.at].isspace():
        cursor.at += 1
    if cursor.at >= len(text):
        return cursor.at, None
    if cursor.char() == "#":
        cursor.next_line()
        return cursor.at, None
    if text.startswith("export", cursor.at):
        after = _Cursor(text, cursor.at + len("export"))
        if after.skip_blanks():
            cursor.at = after.at
    name_at = cursor.at
    name = _name(cursor)
    cursor.skip_blanks()
    value: str | None = None
    value_at, quote = cursor.at, ""
    if cursor.char() == "=":
        cursor.at += 1
        spaced = cursor.skip_blanks() > 0
        value_at = cursor.at
        if spaced and cursor.char() == "#":
            value = ""  # `KEY= # comment`: empty; `KEY=#x` is the text `#x`
        else:
            value, quote = _value(cursor)
    _end_of_binding(cursor)
    return cursor.at, (name, name_at, value, value_at, quote)


def _name(cursor: _Cursor) -> str:
    """A name in single quotes, or a run of characters up to blanks, ``=`` or ``#``."""
    start, text = cursor.at, cursor.text
    if cursor.char() == "'":
        close = text.find("'", start + 1)
        if close <= start + 1:
            raise _Syntax(start)
        cursor.at = close + 1
        return text[start + 1 : close]
    while cursor.at < len(text) and not text[cursor.at].isspace() and text[cursor.at] not in "=#":
        cursor.at += 1
    if cursor.at == start:
        raise _Syntax(start)
    return text[start : cursor.at]


def _value(cursor: _Cursor) -> tuple[str, str]:
    """The value at the cursor and its quote (empty when unquoted); the cursor moves past it."""
    quote = cursor.char()
    if quote in ("'", '"'):
        return _unescaped(_quoted(cursor, quote), _SINGLE_ESCAPES if quote == "'" else _DOUBLE_ESCAPES), quote
    end = cursor.line_end()
    raw = cursor.text[cursor.at : end]
    cursor.at = end
    cut = next((i for i in range(1, len(raw)) if raw[i] == "#" and raw[i - 1].isspace()), len(raw))
    return raw[:cut].rstrip(), ""  # an inline comment follows whitespace


def _quoted(cursor: _Cursor, quote: str) -> str:
    """The text between ``quote`` and its closing twin (a backslash keeps the next character in)."""
    start, text = cursor.at, cursor.text
    index = start + 1
    while index < len(text) and text[index] != quote:
        index += 2 if text[index] == "\\" else 1
    if index >= len(text):
        raise _Syntax(start)
    cursor.at = index + 1
    return text[start + 1 : index]


def _unescaped(body: str, table: Mapping[str, str]) -> str:
    parts: list[str] = []
    index = 0
    while index < len(body):
        char = body[index]
        if char == "\\" and body[index + 1 : index + 2] in table:
            parts.append(table[body[index + 1]])
            index += 2
        else:
            parts.append(char)
            index += 1
    return "".join(parts)


def _end_of_binding(cursor: _Cursor) -> None:
    """Blanks and a comment may end a binding's line; anything else is a syntax error there."""
    start = cursor.at
    cursor.skip_blanks()
    if cursor.char() == "#":
        cursor.at = cursor.line_end()
    if cursor.at < len(cursor.text) and cursor.char() not in _NEWLINE_CHARS:
        raise _Syntax(start)
    cursor.next_line()


def _expand(
    value: str,
    name: str,
    origin: Origin,
    *,
    environ: Mapping[str, str],
    found: Mapping[str, Variable],
    problems: list[Problem],
) -> str:
    """``${NAME}`` and ``${NAME:-default}``: the real environment first, then earlier lines; once, never recursively."""

    def replace(match: re.Match[str]) -> str:
        wanted, default = match.group("name"), match.group("default")
        if wanted in environ:
            return environ[wanted]
        if wanted in found:
            return found[wanted].value
        if default is not None:
            return default
        problems.append(
            Problem(
                None,
                f"{name}: ${{{wanted}}} is set neither in the environment nor earlier in the file "
                f"(write ${{{wanted}:-default}} for a default)",
                origin,
            )
        )
        return ""

    return _VARIABLE.sub(replace, value)
