"""Block-style YAML text for nested data, with comments: what ``dump_defaults`` writes.

Written by hand rather than by PyYAML's emitter, for the comments and for full control over
how each scalar is spelled (see ``scalars``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from typed_config._keys.values import is_list, is_mapping
from typed_config._types import Path
from typed_config._yaml.scalars import NON_PRINTABLE, dump_scalar, dump_str

_IMPLICIT_KEY_LIMIT: Final = 1000


def _comment_text(text: str) -> str:
    """A comment shows its text; characters YAML does not allow in a file are escaped."""
    return NON_PRINTABLE.sub(lambda m: f"\\u{ord(m.group()):04x}", text.replace("\r", "\n"))


def comment_block(text: str) -> str:
    """Text as YAML comment lines (``# ...``), one per line of ``text``."""
    return "".join(f"# {line}".rstrip() + "\n" for line in _comment_text(text).splitlines())


def dump_mapping(data: Mapping[str, Any], comments: Mapping[Path, str] | None = None) -> str:
    """Block-style YAML for nested data, with ``# comment`` lines above the keys named in ``comments``."""
    lines: list[str] = []
    _emit_mapping(data, 0, (), comments or {}, lines)
    return "\n".join(lines) + "\n" if lines else "{}\n"


def dump_lines(
    data: Mapping[str, Any], comments: Mapping[Path, str], leaves: dict[Path, tuple[int, str]]
) -> list[str]:
    """``dump_mapping``'s lines; ``leaves`` gets each scalar of a mapping's line: its index and the text before the value."""
    lines: list[str] = []
    _emit_mapping(data, 0, (), comments, lines, leaves)
    return lines or ["{}"]


def leaf_line(head: str, value: object) -> str:
    """The line of a scalar under a mapping key, from the text before the value (see ``dump_lines``)."""
    return f"{head} {_dump_leaf(value)}"


def _emit_mapping(  # noqa: PLR0917 - private recursion
    data: Mapping[str, Any],
    indent: int,
    path: Path,
    comments: Mapping[Path, str],
    lines: list[str],
    leaves: dict[Path, tuple[int, str]] | None = None,
) -> None:
    pad = " " * indent
    for key, value in data.items():
        here = (*path, key)
        comment = comments.get(here)
        if comment:
            lines.extend(f"{pad}# {line}".rstrip() for line in _comment_text(comment).splitlines())
        key_text = dump_str(str(key))
        if len(key_text) > _IMPLICIT_KEY_LIMIT:
            # YAML allows implicit keys up to 1024 characters; longer ones need the explicit form.
            lines.append(f"{pad}? {key_text}")
            key_text = ""
        head = f"{pad}{key_text}:"
        if is_mapping(value) and value:
            lines.append(head)
            _emit_mapping(value, indent + 2, here, comments, lines, leaves)
        elif is_list(value) and value:
            lines.append(head)
            _emit_sequence(value, indent + 2, here, comments, lines)
        else:
            lines.append(f"{head} {_dump_leaf(value)}")
            if leaves is not None and _is_scalar(value):
                leaves[here] = (len(lines) - 1, head)


def _emit_sequence(
    items: list[Any], indent: int, path: Path, comments: Mapping[Path, str], lines: list[str]
) -> None:
    pad = " " * indent
    for index, item in enumerate(items):
        if is_mapping(item) and item:
            start = len(lines)
            _emit_mapping(item, indent + 2, (*path, index), comments, lines)
            lines[start] = f"{pad}- {lines[start][indent + 2 :]}"
        elif is_list(item) and item:
            lines.append(f"{pad}-")
            _emit_sequence(item, indent + 2, (*path, index), comments, lines)
        else:
            lines.append(f"{pad}- {_dump_leaf(item)}")


def _is_scalar(value: object) -> bool:
    return not isinstance(value, (Mapping, list))


def _dump_leaf(value: object) -> str:
    if isinstance(value, Mapping):
        return "{}"
    if isinstance(value, list):
        return "[]"
    return dump_scalar(value)


def dump_flow(value: object) -> str:
    """One value on one line: mappings and lists in flow style (``{lr: 0.1}``, ``[1, 2]``)."""
    if isinstance(value, Mapping):
        items: Mapping[object, object] = value  # pyright: ignore[reportUnknownVariableType]
        return "{" + ", ".join(f"{dump_str(str(k))}: {dump_flow(v)}" for k, v in items.items()) + "}"
    if isinstance(value, list):
        entries: list[object] = value  # pyright: ignore[reportUnknownVariableType]
        return "[" + ", ".join(dump_flow(v) for v in entries) + "]"
    return dump_scalar(value)


def dump_commented(data: Mapping[str, Any], leaves: Mapping[Path, str]) -> str:
    """Block-style YAML with each path of ``leaves`` on one line, its comment after the value."""
    lines: list[str] = []
    _emit_commented(data, 0, (), leaves, lines)
    return "\n".join(lines) + "\n" if lines else "{}\n"


def _emit_commented(
    data: Mapping[str, Any], indent: int, path: Path, leaves: Mapping[Path, str], lines: list[str]
) -> None:
    for key, value in data.items():
        here = (*path, key)
        head = f"{' ' * indent}{dump_str(str(key))}:"
        if here not in leaves and is_mapping(value) and value:
            lines.append(head)
            _emit_commented(value, indent + 2, here, leaves, lines)
            continue
        comment = leaves.get(here)
        tail = f"  # {_comment_text(comment)}" if comment else ""
        lines.append(f"{head} {dump_flow(value)}{tail}")
