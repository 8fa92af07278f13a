"""The bytes of a YAML document before parsing: size, UTF-8, NUL; positions counted in characters."""

from __future__ import annotations

from typing import Any, Final

from typed_config._errors import ConfigError, Origin, Problem, show

MAX_BYTES: Final = 16 * 1024 * 1024
"""The largest document read, in bytes."""


def checked_bytes(raw: str | bytes, source: str) -> bytes:
    """The document as UTF-8 bytes, refused when too large, not UTF-8, or holding NUL or lone surrogates."""
    if isinstance(raw, str):
        try:
            data = raw.encode("utf-8")
        except UnicodeEncodeError as exc:
            line, col = position(raw[: exc.start])
            raise at(source, line, col, f"lone surrogate {show(raw[exc.start])} is not valid text") from None
    else:
        data = raw
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


def position(before: str) -> tuple[int, int]:
    """The 1-based line and column just after ``before``, the text that precedes a problem."""
    before = before.removeprefix("\ufeff")  # a BOM is not a column
    line = before.count("\n") + 1
    return line, len(before) - (before.rfind("\n") + 1) + 1


def at(source: str, line: int, column: int, message: str) -> ConfigError:
    """A ConfigError with one problem at a position."""
    return ConfigError([Problem(None, message, Origin(path=source, line=line, column=column))])


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
