"""A folder of secret files to a layer: one file per key, as Docker and Kubernetes mount secrets.

A file named ``optimizer__api_key`` or ``optimizer.api_key`` holds the value of that key (its
text, surrounding whitespace removed, as pydantic-settings reads it). Only ``SecretStr`` and
``SecretBytes`` fields may be set this way; a file that names another field is a problem, and a
file that names no key is left alone (a mounted folder often holds other programs' secrets).
Hidden entries (Kubernetes' ``..data``) and folders are skipped. No message ever holds a value.
"""

from __future__ import annotations

import os
from typing import Any, Final

from pydantic import BaseModel

from typed_config._errors import Origin, Problem
from typed_config._layers.layers import KeyedLayer, keyed_layer
from typed_config._schema.names import resolve_key
from typed_config._schema.secrets import is_secret_type

MAX_SECRET_BYTES: Final = 1024 * 1024
"""The largest secret file read, in bytes."""


def secret_files_layer(
    schema: type[BaseModel], folder: str | os.PathLike[str]
) -> tuple[KeyedLayer, list[Problem]]:
    """Read the files of ``folder`` that name secret fields of ``schema``."""
    top = os.fspath(folder)
    entries: list[tuple[str, Any, Origin]] = []
    problems: list[Problem] = []
    try:
        names = sorted(
            entry.name for entry in os.scandir(top) if not entry.name.startswith(".") and entry.is_file()
        )
    except OSError as exc:
        message = f"cannot read the secrets folder: {exc.strerror or exc}"
        return keyed_layer("secret files", [], Origin(path=top))[0], [
            Problem(None, message, Origin(path=top))
        ]
    for name in names:
        target = resolve_key(schema, name.lower().replace("__", "."))
        if target is None:
            continue
        key = ".".join(str(part) for part in target[0])
        origin = Origin(path=os.path.join(top, name))
        if not is_secret_type(target[1]):
            message = "a secret file may only set a SecretStr or SecretBytes field, and this one is not"
            problems.append(Problem(key, message, origin))
            continue
        value, problem = _read(origin, key)
        if problem is not None:
            problems.append(problem)
        else:
            entries.append((key, value, origin))
    layer, more = keyed_layer("secret files", entries, Origin(path=top))
    return layer, problems + more


def _read(origin: Origin, key: str) -> tuple[str, Problem | None]:
    assert origin.path is not None  # noqa: S101 - built from a path just above
    try:
        with open(origin.path, "rb") as handle:
            raw = handle.read(MAX_SECRET_BYTES + 1)
    except OSError as exc:
        return "", Problem(key, f"cannot read file: {exc.strerror or exc}", origin)
    if len(raw) > MAX_SECRET_BYTES:
        return "", Problem(key, f"secret file larger than {MAX_SECRET_BYTES} bytes", origin)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:  # its message would quote the secret's bytes
        return "", Problem(key, "secret file is not UTF-8 text", origin)
    if "\x00" in text:
        return "", Problem(key, "NUL character is not allowed", origin)
    return text.strip(), None
