"""Config files to layers: the ``config-defaults.yaml`` format (desc/value wrappers), YAML, JSON, TOML.

The format goes by the file's extension: ``.json`` and ``.toml`` are read as such, anything else
as YAML. Every format follows the same key rules and may use top-level wrappers.

Like every source, each reader returns ``(layer, problems)``: the problems of a file that cannot
be read are returned, never raised (inside this module they are raised and caught at the door).
"""

from __future__ import annotations

import io
import itertools
import json
import math
import operator
import os
import re
import sys
from collections.abc import Callable
from typing import Any, Final

from typed_config._compose.bases import with_bases
from typed_config._errors import ConfigError, Origin, Problem, ProblemList, at_path, single
from typed_config._flat.flatten import flatten
from typed_config._keys.dotted import format_path, segment_problem
from typed_config._keys.values import is_dict, is_list
from typed_config._layers.layers import KeyedLayer, Layer, keyed_layer
from typed_config._schema.check import WANDB_KEYS
from typed_config._types import Path
from typed_config._yaml.read import MAX_BYTES, MAX_DEPTH, Document, load_document
from typed_config._yaml.scalars import checked_float, int_problem

_WRAPPER_KEYS: Final = frozenset({"desc", "value"})


class FileLayer(Layer):
    """A config file's values; top-level ``{desc, value}`` wrappers are unwrapped."""

    __slots__ = ("document", "wrapped")

    def __init__(self, document: Document, data: dict[str, Any], wrapped: frozenset[str]) -> None:
        super().__init__(document.source, data)
        self.document = document
        self.wrapped = wrapped

    def documented(self) -> frozenset[str]:
        return frozenset(k for k in self.wrapped if k not in self.data)

    def origin(self, path: Path, *, at_key: bool = False) -> Origin:
        if path and path[0] in self.wrapped and not (at_key and len(path) == 1):
            path = (path[0], "value", *path[1:])
        return self.document.origin(path, at_key=at_key)

    def position(self, path: Path, *, at_key: bool = False) -> tuple[int, int]:
        if path and path[0] in self.wrapped and not (at_key and len(path) == 1):
            path = (path[0], "value", *path[1:])
        return self.document.position(path, at_key=at_key)

    def release(self) -> None:
        self.document.release()


def unwrap(data: dict[str, Any]) -> tuple[dict[str, Any], frozenset[str]]:
    """Unwrap top-level wrappers and drop wandb's own keys; return the data and the wrapped keys.

    A wrapper is a mapping whose keys are a non-empty subset of ``{desc, value}``; ``{desc}``
    alone documents a key and leaves its value to the schema default. Deeper wrappers are data.
    """
    out = dict(data)
    for key in WANDB_KEYS:
        out.pop(key, None)
    wrapped: set[str] = set()
    # Only mappings can be wrappers: they are found in C, so a million plain keys cost no Python loop.
    mappings = itertools.compress(data, map(operator.is_, map(type, data.values()), itertools.repeat(dict)))
    for key in mappings:
        value = data[key]
        if key not in WANDB_KEYS and value and value.keys() <= _WRAPPER_KEYS:
            wrapped.add(key)
            if "value" in value:
                out[key] = value["value"]
            else:
                del out[key]
    return out, frozenset(wrapped)


class TomlLayer(Layer):
    """A TOML file's values: tomllib gives no positions, so origins name the file."""

    __slots__ = ("wrapped",)

    def __init__(self, source: str, data: dict[str, Any], wrapped: frozenset[str]) -> None:
        super().__init__(source, data)
        self.wrapped = wrapped

    def origin(self, path: Path, *, at_key: bool = False) -> Origin:  # noqa: ARG002 - no positions
        return Origin(path=self.name)

    def documented(self) -> frozenset[str]:
        return frozenset(k for k in self.wrapped if k not in self.data)


def text_layer(text: str | bytes, source: str) -> tuple[Layer, list[Problem]]:
    """Read config text (YAML, in the config-defaults format) into a layer; problems are returned."""
    return _returned(source, lambda: _text_layer(text, source))


def _text_layer(text: str | bytes, source: str) -> FileLayer:
    document = load_document(text, source, skip=WANDB_KEYS)
    data, wrapped = unwrap(document.data)
    return FileLayer(document, data, wrapped)


def _json_layer(raw: bytes, source: str) -> FileLayer:
    """Read JSON: checked as JSON, then read by the YAML loader (JSON is YAML 1.2) for positions."""
    constants: list[str] = []  # NaN, Infinity, -Infinity: Python's json.dump writes them

    def constant(text: str) -> float:
        constants.append(text)
        return float(text)

    parsed: Any = None
    try:
        # Syntax only: ints are not converted (a 5,000-digit one would fail).
        parsed = json.loads(raw, parse_int=len, parse_constant=constant)
    except RecursionError:
        raise _cannot_read(source, f"nesting deeper than {MAX_DEPTH} levels") from None
    except json.JSONDecodeError as exc:
        raise single(
            f"JSON syntax error: {exc.msg}", Origin(path=source, line=exc.lineno, column=exc.colno)
        ) from None
    except UnicodeDecodeError:
        pass  # the YAML loader reports the position of the bad byte
    if not constants:
        return _text_layer(raw, source)
    document = load_document(raw, source, skip=WANDB_KEYS)
    _restore_constants(parsed, document.data)
    data, wrapped = unwrap(document.data)
    return FileLayer(document, data, wrapped)


def _restore_constants(parsed: Any, data: Any) -> None:
    """Put JSON's NaN and infinities, which YAML reads as the words, back as floats into ``data``."""
    stack: list[tuple[Any, Any]] = [(parsed, data)]
    while stack:
        parsed, data = stack.pop()
        pairs: list[tuple[Any, Any]]
        if is_dict(parsed) and is_dict(data):
            pairs = [(k, v) for k, v in parsed.items() if k in data]
        elif is_list(parsed) and is_list(data) and len(parsed) == len(data):
            pairs = list(enumerate(parsed))
        else:
            continue
        for key, value in pairs:
            if type(value) is float and not math.isfinite(value) and type(data[key]) is str:
                data[key] = value
            else:
                stack.append((value, data[key]))


_TOML_POSITION: Final = re.compile(r"\(at line (\d+), column (\d+)\)")


def _toml_layer(raw: bytes, source: str) -> TomlLayer:
    """Read TOML with the standard library's tomllib (``tomli`` on Python 3.10)."""
    tomllib = _tomllib()
    if tomllib is None:
        raise at_path(source, "reading TOML on Python 3.10 needs tomli: pip install tomli")
    try:
        data: dict[str, Any] = tomllib.loads(raw.decode("utf-8"), parse_float=_toml_float)
    except UnicodeDecodeError as exc:
        raise _cannot_read(source, f"invalid UTF-8 byte 0x{raw[exc.start]:02x}") from None
    except ValueError as exc:  # an integer past CPython's digit limit, and the like
        if isinstance(exc, tomllib.TOMLDecodeError):
            raise _toml_error(exc, source) from None
        reason = "an integer has too many digits" if "digits" in str(exc) else str(exc)
        raise _cannot_read(source, f"TOML value cannot be read: {reason}") from None
    except RecursionError:
        raise _cannot_read(source, f"nesting deeper than {MAX_DEPTH} levels") from None
    problems = list(_key_problems(data, (), source))
    if problems:
        raise ConfigError(problems)
    unwrapped, wrapped = unwrap(data)
    return TomlLayer(source, unwrapped, wrapped)


def sweep_param_layer(path: str | os.PathLike[str]) -> tuple[Layer, list[Problem]]:
    """The parameters a wandb agent wrote for this run (``WANDB_SWEEP_PARAM_PATH``), and the problems.

    The file is wandb's run config format (``key: {value: ...}``); a parameter's name may be a
    dot-key (nested sweep parameters), so top-level dots are paths here.
    """
    source = os.fspath(path)
    try:
        return _sweep_param_layer(source)
    except ConfigError as exc:
        return Layer(source, {}), ProblemList.of(exc)


def _sweep_param_layer(source: str) -> tuple[KeyedLayer, list[Problem]]:
    try:
        with open(source, "rb") as handle:
            raw = handle.read(MAX_BYTES + 1)
    except ConfigError:
        raise
    except (OSError, ValueError) as exc:  # ValueError: a NUL in the path
        raise _cannot_read(source, f"cannot read file: {getattr(exc, 'strerror', None) or exc}") from None
    document = load_document(raw, source, skip=WANDB_KEYS, dotted=_top_level)
    data, _wrapped = unwrap(document.data)
    entries: list[tuple[str, Any, Origin]] = []
    for name, value in data.items():
        origin = document.origin((name,))
        leaves = flatten({"_": value}) if is_dict(value) and value else {"_": value}
        entries.extend((name + sub[1:], leaf, origin) for sub, leaf in leaves.items())
    return keyed_layer(f"sweep parameters {source}", entries, Origin(path=source))


def _top_level(path: Path) -> bool:
    return not path


def _toml_error(exc: Exception, source: str) -> ConfigError:
    found = _TOML_POSITION.search(str(exc))
    line, column = (int(found.group(1)), int(found.group(2))) if found else (None, None)
    message = _TOML_POSITION.sub("", str(exc)).strip()
    return single(f"TOML syntax error: {message}", Origin(source, line, column))


def _tomllib() -> Any:
    """The TOML reader: the standard library's, or tomli on Python 3.10 (None when missing)."""
    if sys.version_info >= (3, 11):
        import tomllib

        return tomllib
    try:
        import tomli  # type: ignore[import-not-found]  # pyright: ignore[reportMissingImports]
    except ModuleNotFoundError:
        return None
    return tomli


class _Refused(str):
    """A TOML float our rules refuse (``1e400``, which tomllib reads as inf): the message says why."""

    __slots__ = ()


def _toml_float(text: str) -> float | _Refused:
    try:
        return checked_float(text)
    except ValueError as exc:
        return _Refused(str(exc))  # reported with its key by _key_problems


def _key_problems(value: Any, path: Path, source: str) -> list[Problem]:
    """Keys and values a format other than YAML let through that our rules refuse.

    A dot in a quoted key; an integer or float past the bounds YAML's scalars keep.
    """
    if type(value) is int or type(value) is _Refused:
        reason = int_problem(value) if type(value) is int else str(value)
        return [] if reason is None else [Problem(format_path(path) or None, reason, Origin(path=source))]
    problems: list[Problem] = []
    if len(path) > MAX_DEPTH:
        return [
            Problem(
                format_path(path[:MAX_DEPTH]), f"nesting deeper than {MAX_DEPTH} levels", Origin(path=source)
            )
        ]
    if is_dict(value):
        for key, item in value.items():
            reason = segment_problem(key)
            if reason is not None:
                problems.append(Problem(format_path(path) or None, reason, Origin(path=source)))
            else:
                problems.extend(_key_problems(item, (*path, key), source))
    elif is_list(value):
        for index, item in enumerate(value):
            problems.extend(_key_problems(item, (*path, index), source))
    return problems


def file_layer(path: str | os.PathLike[str]) -> tuple[Layer, list[Problem]]:
    """Read a config file into a layer; ``.json`` and ``.toml`` by their format, the rest as YAML.

    The files a top-level ``_base_`` names apply first, each value still traced to its own file.
    Returns the layer and the problems (each with line and column): a file that cannot be read,
    or has problems, gives an empty layer and at least one problem.
    """
    source = os.fspath(path)
    return _returned(source, lambda: with_bases(_one_file_layer(source), _one_file_layer))


def _returned(source: str, read: Callable[[], Layer]) -> tuple[Layer, list[Problem]]:
    """The layer ``read`` gives, or an empty layer and the problems it raised (their count kept)."""
    try:
        return read(), []
    except ConfigError as exc:
        return Layer(source, {}), ProblemList.of(exc)


def _one_file_layer(source: str) -> Layer:
    try:
        # Unbuffered: a buffered file asks whether it is a terminal and where it is first, two
        # system calls that cost more than reading a small preset file.
        with open(source, "rb", buffering=0) as handle:
            size = os.fstat(handle.fileno()).st_size
            if size > MAX_BYTES:
                raise _cannot_read(source, f"file too large: {size} bytes (the limit is {MAX_BYTES})")
            # What fstat says is there: a read of the whole limit allocates 16 MiB for every file.
            raw = handle.read(size + 1) or b""
            if len(raw) != size:  # a short read, a pipe, a file that changed: read to the end, still bounded
                raw = _read_on(handle, raw)
    except ConfigError:
        raise
    except (OSError, ValueError) as exc:  # ValueError: a NUL in the path
        raise _cannot_read(source, f"cannot read file: {getattr(exc, 'strerror', None) or exc}") from None
    extension = os.path.splitext(source)[1].lower()
    if extension == ".json":
        return _json_layer(raw, source)
    if extension == ".toml":
        return _toml_layer(raw, source)
    return _text_layer(raw, source)


def _read_on(handle: io.RawIOBase, raw: bytes) -> bytes:
    """``raw`` and the rest of ``handle`` up to one byte past ``MAX_BYTES`` (so a larger file is found)."""
    chunks = [raw]
    total = len(raw)
    while total <= MAX_BYTES:
        chunk = handle.read(MAX_BYTES + 1 - total)
        if not chunk:
            break
        chunks.append(chunk)
        total += len(chunk)
    return b"".join(chunks)


def _cannot_read(source: str, message: str) -> ConfigError:
    return at_path(source, message)
