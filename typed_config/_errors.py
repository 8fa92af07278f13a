"""The one exception for bad configuration, and the records it carries.

Exception tree::

    ValueError
     └── ConfigError      every problem found in one pass, each a Problem with an Origin

Programmer mistakes (a non-model passed as a schema, wrong argument types) stay ``TypeError``.
``ConfigError`` deliberately does not subclass ``KeyError``: its ``str()`` would add quotes.
"""

from __future__ import annotations

import inspect
import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from types import FrameType
from typing import Final, cast

from typed_config._types import T

_MAX_SHOWN: Final = 80
MAX_PROBLEMS: Final = 100
"""How many problems a ``ConfigError`` keeps and lists; it counts the rest in ``omitted``."""
MAX_MESSAGE: Final = 1_000
"""The longest message a problem's line shows, in characters (the record keeps it whole)."""
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
        message = _cut(escaped(self.message), MAX_MESSAGE)
        if self.key is None:
            return f"{self.origin}: {message}"
        # A key from a file may hold any character; one problem must stay one safe line.
        return f"{self.origin}: {_cut(escaped(self.key))}: {message}"


class ConfigError(ValueError):
    """A configuration has problems; ``problems`` lists the first ``MAX_PROBLEMS`` (100) of them.

    ``str()`` gives one line per problem, ``FILE:LINE:COL: KEY: MESSAGE``, and when more were
    found than are kept, a last line saying how many more (``omitted``): a file with a million
    problems gives a message of about a hundred lines.
    """

    problems: tuple[Problem, ...]
    omitted: int

    def __init__(self, problems: Iterable[Problem], omitted: int = 0) -> None:
        """Keep the first ``MAX_PROBLEMS`` of ``problems``; ``omitted`` counts others found but not given."""
        rest = iter(problems)
        self.problems = tuple(itertools.islice(rest, MAX_PROBLEMS))
        self.omitted = omitted + sum(1 for _ in rest)
        if not self.problems:
            raise TypeError("ConfigError needs at least one problem")
        lines = [str(p) for p in self.problems]
        if self.omitted:
            lines.append(more_problems(self.omitted))
        super().__init__("\n".join(lines))

    def __reduce__(self) -> tuple[type[ConfigError], tuple[tuple[Problem, ...], int]]:
        # Exceptions are pickled by their args; ours are the problems.
        return (type(self), (self.problems, self.omitted))


def more_problems(omitted: int) -> str:
    """The line that ends a list of problems cut at ``MAX_PROBLEMS``."""
    return f"... and {omitted} more problem{'s' if omitted != 1 else ''} (only the first {MAX_PROBLEMS} are listed)"


class ProblemList(list[Problem]):
    """Problems gathered from several errors, counting those the errors left out."""

    omitted: int = 0

    def add(self, error: ConfigError) -> None:
        """Take an error's problems and its count of the others."""
        super().extend(error.problems)
        self.omitted += error.omitted

    def extend(self, problems: Iterable[Problem]) -> None:
        """Take problems, and the count of those left out when they are a ``ProblemList`` too."""
        super().extend(problems)
        self.omitted += omitted_in(problems)

    @classmethod
    def of(cls, error: ConfigError) -> ProblemList:
        """An error's problems, as a source returns them (its count of the others kept)."""
        found = cls()
        found.add(error)
        return found


def checked(read: tuple[T, list[Problem]]) -> T:
    """What a source read, or, when it found problems, all of them raised as one ``ConfigError``.

    For a caller that stops at the first bad source (a command reading one file); ``init`` and
    ``load`` gather the problems of every source instead.
    """
    value, problems = read
    if problems:
        raise ConfigError(problems, omitted_in(problems))
    return value


def omitted_in(problems: Iterable[Problem]) -> int:
    """How many problems a ``ProblemList`` left out (0 for any other list)."""
    return problems.omitted if isinstance(problems, ProblemList) else 0


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
        text = _repr_head(value, _MAX_SHOWN)
    except Exception:  # noqa: BLE001 - a user object's __repr__ may fail; a message must not
        text = f"<{type(value).__name__} object>"
    # repr() already escapes control characters inside strings; a user __repr__ may not.
    text = text.translate(_CONTROL_ESCAPES)
    if len(text) > _MAX_SHOWN:
        text = text[: _MAX_SHOWN - 3] + "..."
    return text


def _repr_head(value: object, limit: int) -> str:
    """``repr(value)``, or at least its first ``limit`` characters, in time bounded by ``limit``.

    A 16 MiB string or a list of a million items is shown by its start, never rendered whole.
    """
    if limit <= 0:  # deep inside a nested value: what follows is cut anyway
        return "..."
    if isinstance(value, (str, bytes)) and type(value) in (str, bytes):
        text = repr(value[: limit + 1])
        return text if len(value) <= limit + 1 else text[:-1]
    if type(value) is dict:
        pairs: Iterable[tuple[object, object]] = cast("dict[object, object]", value).items()
        return _repr_items(
            "{}", (f"{_repr_head(k, limit - 1)}: {_repr_head(v, limit - 1)}" for k, v in pairs), limit
        )
    kind = type(value)
    if kind is list or kind is tuple:
        items = cast("Sequence[object]", value)
        shown = _repr_items("[]" if kind is list else "()", (_repr_head(v, limit - 1) for v in items), limit)
        return shown[:-1] + ",)" if kind is tuple and len(items) == 1 else shown
    return repr(value)


def _repr_items(brackets: str, parts: Iterable[str], limit: int) -> str:
    """Items between brackets, joined as ``repr`` joins them, until ``limit`` characters are shown."""
    taken: list[str] = []
    used = 0
    for part in parts:
        taken.append(part)
        used += len(part) + 2
        if used > limit:
            break
    return brackets[0] + ", ".join(taken) + brackets[1]


def single(message: str, origin: Origin, key: str | None = None) -> ConfigError:
    """A ConfigError holding one problem."""
    return ConfigError([Problem(key, message, origin)])


def at_path(path: object, message: str) -> ConfigError:
    """One problem with a file or folder as a whole, named by its path."""
    return ConfigError([Problem(None, message, Origin(path=str(path)))])


def code_location(skip_prefix: str = "typed_config") -> str:
    """``file:line`` of the nearest caller outside typed_config and pydantic."""
    frame: FrameType | None = inspect.currentframe()
    while frame is not None:
        module = frame.f_globals.get("__name__", "")
        if not module.startswith((skip_prefix, "pydantic")):
            return f"{frame.f_code.co_filename}:{frame.f_lineno}"
        frame = frame.f_back
    return "<unknown>"
