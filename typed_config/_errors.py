"""The one exception for bad configuration, and the records it carries.

Exception tree::

    ValueError
     └── ConfigError      every problem found in one pass, each a Problem with an Origin

Programmer mistakes (a non-model passed as a schema, wrong argument types) stay ``TypeError``.
``ConfigError`` deliberately does not subclass ``KeyError``: its ``str()`` would add quotes.
"""

from __future__ import annotations

import inspect
from collections.abc import Iterable
from dataclasses import dataclass
from types import FrameType
from typing import Final

_MAX_SHOWN: Final = 80
# What a terminal would act on instead of showing: C0 and C1 controls (ESC starts every escape
# sequence, U+009B is a one-character CSI), DEL, the bidi controls that reorder what is shown
# (a "Trojan Source" line), and lone surrogates (undecodable bytes of a command line), which a
# strict UTF-8 stream cannot even write.
_CONTROL_ESCAPES: Final = {
    **{c: f"\\x{c:02x}" for c in [*range(0x20), *range(0x7F, 0xA0)]},
    **{c: f"\\u{c:04x}" for c in [0x061C, 0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A)]},
    **{c: f"\\u{c:04x}" for c in range(0xD800, 0xE000)},
    ord("\n"): "\\n",
    ord("\t"): "\\t",
    ord("\r"): "\\r",
}


@dataclass(frozen=True, slots=True)
class Origin:
    """Where a value came from.

    A file origin has ``path`` and, when the format gives them, a 1-based ``line`` and ``column``.
    Every other source (a command-line argument, a dict passed by code, a flag, a default) is
    described by ``text`` alone, e.g. ``--batch-size=abc`` or ``config={...}['lr']``.
    """

    path: str | None = None
    line: int | None = None
    column: int | None = None
    text: str | None = None

    def __str__(self) -> str:
        if self.path is None:
            return _cut(escaped(self.text)) if self.text is not None else "<unknown>"
        if self.line is None:
            return escaped(self.path)
        return f"{escaped(self.path)}:{self.line}:{self.column if self.column is not None else 1}"


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with a configuration: which key, what is wrong, and where it came from."""

    key: str | None
    message: str
    origin: Origin

    def __str__(self) -> str:
        if self.key is None:
            return f"{self.origin}: {escaped(self.message)}"
        # A key from a file may hold any character; one problem must stay one safe line.
        return f"{self.origin}: {_cut(escaped(self.key))}: {escaped(self.message)}"


class ConfigError(ValueError):
    """A configuration has problems; ``problems`` lists every one of them.

    ``str()`` gives one line per problem, ``FILE:LINE:COL: KEY: MESSAGE``.
    """

    problems: tuple[Problem, ...]

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = tuple(problems)
        if not self.problems:
            raise TypeError("ConfigError needs at least one problem")
        super().__init__("\n".join(str(p) for p in self.problems))

    def __reduce__(self) -> tuple[type[ConfigError], tuple[tuple[Problem, ...]]]:
        # Exceptions are pickled by their args; ours are the problems.
        return (type(self), (self.problems,))


def _cut(text: str, limit: int = 120) -> str:
    """A long argument or key, cut for a one-line message (the record keeps it whole)."""
    return text if len(text) <= limit else text[: limit - 3] + "..."


def escaped(text: str) -> str:
    """Text safe to print: terminal controls, bidi controls and lone surrogates escaped, on one line.

    The one place typed_config makes text safe for a terminal: every message, origin, key and
    value the ``typed-config`` commands and ``--print-config`` show passes through it.
    """
    return text.translate(_CONTROL_ESCAPES)


def show(value: object) -> str:
    """Render a value for a message: control characters escaped, long values cut."""
    try:
        text = repr(value)
    except Exception:  # noqa: BLE001 - a user object's __repr__ may fail; a message must not
        text = f"<{type(value).__name__} object>"
    # repr() already escapes control characters inside strings; a user __repr__ may not.
    text = text.translate(_CONTROL_ESCAPES)
    if len(text) > _MAX_SHOWN:
        text = text[: _MAX_SHOWN - 3] + "..."
    return text


def single(message: str, origin: Origin, key: str | None = None) -> ConfigError:
    """A ConfigError holding one problem."""
    return ConfigError([Problem(key, message, origin)])


def code_location(skip_prefix: str = "typed_config") -> str:
    """``file:line`` of the nearest caller outside typed_config and pydantic."""
    frame: FrameType | None = inspect.currentframe()
    while frame is not None:
        module = frame.f_globals.get("__name__", "")
        if not module.startswith((skip_prefix, "pydantic")):
            return f"{frame.f_code.co_filename}:{frame.f_lineno}"
        frame = frame.f_back
    return "<unknown>"
