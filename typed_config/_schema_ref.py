"""Schema references, ``module:Class`` or ``path/to/file.py:Class``: importing them, and naming a schema."""

from __future__ import annotations

import importlib
import importlib.util
import itertools
import os
import re
import sys
from typing import Final

from pydantic import BaseModel

from typed_config._layers import check_schema

# Each module loaded from a file gets its own name, so two schema files never replace each other.
_FILE_MODULES: Final = itertools.count()


class SchemaReferenceError(Exception):
    """A schema reference that cannot be resolved; the message is one line naming what failed."""


def reference_of(schema: type[BaseModel]) -> str:
    """How to import ``schema`` again: ``module:Class``, or ``path/to/file.py:Class`` for a script."""
    module = sys.modules.get(schema.__module__)
    path = getattr(module, "__file__", None)
    if schema.__module__ == "__main__" and path:
        return f"{os.path.abspath(path)}:{schema.__qualname__}"
    return f"{schema.__module__}:{schema.__qualname__}"


def resolve_schema(reference: str) -> type[BaseModel]:
    """Import the model class named by ``MODULE:CLASS`` or ``path/to/file.py:CLASS``.

    A dotted module is imported with the current folder first on ``sys.path``; a file is loaded
    under a module name of its own. ``CLASS`` may be dotted to reach a nested class.

    Args:
        reference: the ``--schema`` argument.

    Returns:
        The model class.

    Raises:
        SchemaReferenceError: the reference is malformed, or its module or class cannot be loaded or is
            not a pydantic model; the message is one line naming what failed.
    """
    where, colon, class_path = reference.rpartition(":")
    if not colon or not where or not class_path:
        raise SchemaReferenceError(f"--schema {reference!r}: expected MODULE:CLASS or path/to/file.py:CLASS")
    is_file = where.endswith(".py") or "/" in where or os.sep in where
    module = _import_file(reference, where) if is_file else _import_module(reference, where)
    target: object = module
    for part in class_path.split("."):
        try:
            target = getattr(target, part)
        except AttributeError:
            raise SchemaReferenceError(
                f"--schema {reference!r}: {where} has no attribute {class_path!r}"
            ) from None
    if not (isinstance(target, type) and issubclass(target, BaseModel)):
        raise SchemaReferenceError(
            f"--schema {reference!r}: {class_path} is not a pydantic BaseModel subclass"
        )
    try:
        check_schema(target)
    except TypeError as exc:
        raise SchemaReferenceError(f"--schema {reference!r}: {first_line(exc)}") from None
    return target


def _import_module(reference: str, name: str) -> object:
    # A schema module lives in the user's project, the folder the command runs in, as with `python -m`.
    cwd = os.getcwd()
    if cwd not in sys.path:
        sys.path.insert(0, cwd)
    importlib.invalidate_caches()  # the module may have been written after the folder was listed
    try:
        return importlib.import_module(name)
    except ModuleNotFoundError as exc:
        if exc.name is not None and (name == exc.name or name.startswith(f"{exc.name}.")):
            raise SchemaReferenceError(f"--schema {reference!r}: no module named {name!r}") from None
        raise SchemaReferenceError(
            f"--schema {reference!r}: importing {name} failed: {_describe(exc)}"
        ) from None
    except (Exception, SystemExit) as exc:  # noqa: BLE001 - any failure of user code is a one-line message
        raise SchemaReferenceError(
            f"--schema {reference!r}: importing {name} failed: {_describe(exc)}"
        ) from None


def _import_file(reference: str, path: str) -> object:
    if not os.path.isfile(path):
        raise SchemaReferenceError(f"--schema {reference!r}: no such file: {path}")
    stem = re.sub(r"\W", "_", os.path.splitext(os.path.basename(path))[0])
    name = f"_typed_config_schema_{next(_FILE_MODULES)}_{stem}"
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise SchemaReferenceError(f"--schema {reference!r}: cannot load {path} as a Python module")
    module = importlib.util.module_from_spec(spec)
    # pydantic resolves the module's annotations through sys.modules while the classes are built.
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    except (Exception, SystemExit) as exc:  # noqa: BLE001 - any failure of user code is a one-line message
        del sys.modules[name]
        raise SchemaReferenceError(
            f"--schema {reference!r}: importing {path} failed: {_describe(exc)}"
        ) from None
    return module


def _describe(exc: BaseException) -> str:
    text = first_line(exc)
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def first_line(exc: BaseException) -> str:
    """The first line of an exception's message (empty when it has none)."""
    lines = str(exc).strip().splitlines()
    return lines[0] if lines else ""
