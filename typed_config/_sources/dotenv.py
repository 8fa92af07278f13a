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
import codecs
import os
import re
from collections.abc import Mapping
from typing import Final, NamedTuple

from typed_config._errors import ConfigError, Origin, Problem
from typed_config._yaml_text import MAX_BYTES, checked_bytes

# python-dotenv's grammar (dotenv/parser.py), one binding at a time.
_SPACE: Final = re.compile(r"\s*")
_BLANKS: Final = re.compile(r"[^\S\r\n]*")
_EXPORT: Final = re.compile(r"(?:export[^\S\r\n]+)?")
_SINGLE_QUOTED_KEY: Final = re.compile(r"'([^']+)'")
_UNQUOTED_KEY: Final = re.compile(r"([^=\#\s]+)")
_EQUAL_SIGN: Final = re.compile(r"=[^\S\r\n]*")
_SINGLE_QUOTED: Final = re.compile(r"'((?:\\.|[^'\\])*)'", re.DOTALL)
_DOUBLE_QUOTED: Final = re.compile(r'"((?:\\.|[^"\\])*)"', re.DOTALL)
_UNQUOTED: Final = re.compile(r"[^\r\n]*")
_COMMENT: Final = re.compile(r"(?:[^\S\r\n]*#[^\r\n]*)?")
_END_OF_LINE: Final = re.compile(r"[^\S\r\n]*(?:\r\n|\n|\r|$)")
_REST_OF_LINE: Final = re.compile(r"[^\r\n]*(?:\r\n|\n|\r)?")
_INLINE_COMMENT: Final = re.compile(r"\s+#.*")
_DOUBLE_ESCAPES: Final = re.compile(r"\\[\\'\"abfnrtv]")
_SINGLE_ESCAPES: Final = re.compile(r"\\[\\']")
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


def read_dotenv(path: str | os.PathLike[str], environ: Mapping[str, str]) -> dict[str, Variable]:
    """The file's variables in order; a missing value (``KEY`` alone) sets nothing.

    Raises:
        ConfigError: the file cannot be read or parsed, a name is given twice, or an expansion
            names a variable that is set nowhere (each problem at ``FILE:LINE:COL``).
    """
    source = os.fspath(path)
    try:
        with open(source, "rb") as handle:
            raw = handle.read(MAX_BYTES + 1)
    except (OSError, ValueError) as exc:
        message = f"cannot read file: {getattr(exc, 'strerror', None) or exc}"
        raise ConfigError([Problem(None, message, Origin(path=source))]) from None
    text = checked_bytes(raw, source).decode("utf-8").removeprefix("\ufeff")
    return _parse(text, source, environ)


def _parse(text: str, source: str, environ: Mapping[str, str]) -> dict[str, Variable]:
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
            offset = _match(_REST_OF_LINE, text, exc.offset).end()
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
    if problems:
        raise ConfigError(problems)
    return found


_SYNTAX_MESSAGE: Final = (
    "cannot read this line: a .env line is NAME=value, 'single-quoted' or \"double-quoted\", "
    "optionally after 'export'"
)

_Binding = tuple[str, int, str | None, int, str]  # name, its offset, value, its offset, its quote


def _match(pattern: re.Pattern[str], text: str, offset: int) -> re.Match[str]:
    found = pattern.match(text, offset)
    if found is None:
        raise _Syntax(offset)
    return found


def _binding(text: str, offset: int) -> tuple[int, _Binding | None]:
    """Read one binding (or blank space and a comment) from ``offset``; the new offset and what it bound."""
    offset = _match(_SPACE, text, offset).end()
    if offset >= len(text):
        return offset, None
    if text[offset] == "#":
        return _match(_REST_OF_LINE, text, offset).end(), None
    offset = _match(_EXPORT, text, offset).end()
    key = _match(_SINGLE_QUOTED_KEY if text.startswith("'", offset) else _UNQUOTED_KEY, text, offset)
    name, name_at = key.group(1), key.start()
    offset = _match(_BLANKS, text, key.end()).end()
    value: str | None = None
    value_at, quote = offset, ""
    if text.startswith("=", offset):
        equal = _match(_EQUAL_SIGN, text, offset)
        offset = value_at = equal.end()
        if len(equal.group()) > 1 and text.startswith("#", offset):
            value = ""  # `KEY= # comment`: empty; `KEY=#x` is the text `#x`
        else:
            offset, value, quote = _value(text, offset)
    offset = _match(_COMMENT, text, offset).end()
    offset = _match(_END_OF_LINE, text, offset).end()
    return offset, (name, name_at, value, value_at, quote)


def _value(text: str, offset: int) -> tuple[int, str, str]:
    quote = text[offset : offset + 1]
    if quote == "'":
        found = _match(_SINGLE_QUOTED, text, offset)
        return found.end(), _SINGLE_ESCAPES.sub(_unescape, found.group(1)), quote
    if quote == '"':
        found = _match(_DOUBLE_QUOTED, text, offset)
        return found.end(), _DOUBLE_ESCAPES.sub(_unescape, found.group(1)), quote
    found = _match(_UNQUOTED, text, offset)
    return found.end(), _INLINE_COMMENT.sub("", found.group()).rstrip(), ""


def _unescape(match: re.Match[str]) -> str:
    return str(codecs.decode(match.group(), "unicode-escape"))


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
