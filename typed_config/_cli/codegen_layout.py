"""Python source as ``ruff format`` lays it out: string literals, and calls and literals split to fit a width."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, replace
from typing import Final

__all__ = ["Code", "Split", "lines", "prefixed", "string", "text_width"]

_LOOKALIKE_SCRIPTS: Final = frozenset({"GREEK", "CYRILLIC", "ARMENIAN", "COPTIC", "CHEROKEE"})


# Too long, it splits: `open`, `items` one a line with a magic trailing comma (which ruff format
# keeps at any line length), `close`; or, with `text`, a string split into concatenated parts.
@dataclass(frozen=True)
class Split:
    open: str
    items: tuple[Code, ...] = ()
    close: str = ""
    text: str | None = None


Code = str | Split


def prefixed(prefix: str, code: Code) -> Code:
    return prefix + code if isinstance(code, str) else replace(code, open=prefix + code.open)


def _flat(code: Code) -> str:
    if isinstance(code, str):
        return code
    if code.text is not None:
        return code.open + string(code.text)
    return code.open + ", ".join(_flat(item) for item in code.items) + code.close


def lines(code: Code, indent: int, head: str, tail: str, width: int) -> list[str]:
    """``head + code + tail`` as lines no wider than ``width``, where the code can split."""
    flat = head + _flat(code) + tail
    inner = " " * (indent + 4)
    if isinstance(code, str) or text_width(flat) <= width:
        return [flat]
    if code.text is not None:
        body = [inner + part for part in _chunks(code.text, width - len(inner))]
        start, end = code.open + "(", ")"
    else:
        body = [line for item in code.items for line in lines(item, indent + 4, inner, ",", width)]
        start, end = code.open, code.close
    return [head + start, *body, " " * indent + end + tail] if body else [flat]


def _chunks(text: str, width: int) -> list[str]:
    """String literals of ``text``, each no wider than ``width`` where a cut allows."""
    parts: list[str] = []
    current = ""
    # Text without spaces (Chinese, Japanese) may be cut between any two wide characters.
    for word in re.findall(r"[\u1100-\uffff]\s*|[^\s\u1100-\uffff]+\s*|\s+", text):
        if current and text_width(string(current + word)) > width:
            parts.append(string(current))
            current = ""
        current += word
    return [*parts, string(current)]


def text_width(text: str) -> int:
    # ruff measures lines in columns: East Asian wide characters take two.
    return sum(
        2 if unicodedata.east_asian_width(c) in "WF" else int(not unicodedata.combining(c)) for c in text
    )


def string(text: str) -> str:
    """A string literal as ruff format writes it: double quotes, unless single quotes escape less.

    Characters that ruff's RUF001 reports as look-alikes of ASCII ones (dashes, curly quotes,
    fullwidth forms, a Greek or Cyrillic letter among Latin ones) are written as escapes.
    """
    quote = "'" if text.count('"') > text.count("'") else '"'
    lookalikes = {
        index
        for word in re.finditer(r"\w+", text)
        if len(word.group()) == 1 or re.search(r"[A-Za-z]", word.group())
        for index in range(word.start(), word.end())
        if unicodedata.name(text[index], "").partition(" ")[0] in _LOOKALIKE_SCRIPTS
    }

    escaped = (
        c.encode("unicode_escape").decode()
        if c == "\\" or i in lookalikes or not c.isprintable() or not (c.isascii() or _plain(c))
        else f"\\{c}"
        if c == quote
        else c
        for i, c in enumerate(text)
    )
    return quote + "".join(escaped) + quote


def _plain(c: str) -> bool:
    kind = unicodedata.category(c)
    return kind[0] not in "PZ" and kind not in ("Sm", "Sk") and unicodedata.is_normalized("NFKC", c)
