"""Config files to layers: the ``config-defaults.yaml`` format (desc/value wrappers) and plain YAML."""

from __future__ import annotations

import os
from typing import Any, Final

from typed_config._errors import ConfigError, Origin, Problem
from typed_config._keys import Path
from typed_config._layers import Layer
from typed_config._yaml_io import MAX_BYTES, Document, load_document

WANDB_KEYS: Final = frozenset({"wandb_version", "_wandb"})
"""Keys wandb writes into a run's config.yaml; they are not configuration."""
_WRAPPER_KEYS: Final = frozenset({"desc", "value"})


class FileLayer(Layer):
    """A config file's values; top-level ``{desc, value}`` wrappers are unwrapped."""

    __slots__ = ("document", "wrapped")

    def __init__(self, document: Document, data: dict[str, Any], wrapped: frozenset[str]) -> None:
        super().__init__(document.source, data)
        self.document = document
        self.wrapped = wrapped

    def origin(self, path: Path, *, at_key: bool = False) -> Origin:
        if path and path[0] in self.wrapped and not (at_key and len(path) == 1):
            path = (path[0], "value", *path[1:])
        return self.document.origin(path, at_key=at_key)


def unwrap(data: dict[str, Any]) -> tuple[dict[str, Any], frozenset[str]]:
    """Unwrap top-level wrappers and drop wandb's own keys; return the data and the wrapped keys.

    A wrapper is a mapping whose keys are a non-empty subset of ``{desc, value}``; ``{desc}``
    alone documents a key and leaves its value to the schema default. Deeper wrappers are data.
    """
    out: dict[str, Any] = {}
    wrapped: set[str] = set()
    for key, value in data.items():
        if key in WANDB_KEYS:
            continue
        if type(value) is dict and value and value.keys() <= _WRAPPER_KEYS:
            wrapped.add(key)
            if "value" in value:
                out[key] = value["value"]
            continue
        out[key] = value
    return out, frozenset(wrapped)


def text_layer(text: str | bytes, source: str) -> FileLayer:
    """Read config text (YAML, in the config-defaults format) into a layer."""
    document = load_document(text, source)
    data, wrapped = unwrap(document.data)
    return FileLayer(document, data, wrapped)


def file_layer(path: str | os.PathLike[str]) -> FileLayer:
    """Read a config file into a layer.

    Raises:
        ConfigError: the file cannot be read, or has problems (each with line and column).
    """
    source = os.fspath(path)
    try:
        with open(source, "rb") as handle:
            size = os.fstat(handle.fileno()).st_size
            if size > MAX_BYTES:
                raise _cannot_read(source, f"file too large: {size} bytes (the limit is {MAX_BYTES})")
            raw = handle.read(MAX_BYTES + 1)
    except OSError as exc:
        raise _cannot_read(source, f"cannot read file: {exc.strerror or exc}") from None
    return text_layer(raw, source)


def _cannot_read(source: str, message: str) -> ConfigError:
    return ConfigError([Problem(None, message, Origin(path=source))])
