"""Schema references, ``module:Class`` or ``path/to/file.py:Class``: importing them, and naming a schema."""

from __future__ import annotations

import importlib
import importlib.util
import itertools
import os
import re
import sys
from collections.abc import Sequence
from importlib.machinery import ModuleSpec
from typing import Final

from pydantic import BaseModel

from typed_config._schema.check import check_schema

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


def resolve_schema(reference: str, data_folders: Sequence[str | os.PathLike[str]] = ()) -> type[BaseModel]:
    """Import the model class named by ``MODULE:CLASS`` or ``path/to/file.py:CLASS``.

    A dotted module is imported with the current folder first on ``sys.path``; a file is loaded
    under a module name of its own. ``CLASS`` may be dotted to reach a nested class.

    Args:
        reference: the ``--schema`` argument.
        data_folders: folders that hold data, never code (a runs root): a module, or a package
            above it, found in or under one of them is refused before anything is imported.

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
    module = _import_file(reference, where) if is_file else _import_module(reference, where, data_folders)
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


def _import_module(reference: str, name: str, data_folders: Sequence[str | os.PathLike[str]]) -> object:
    # A schema module lives in the user's project, the folder the command runs in, as with `python -m`.
    cwd = os.getcwd()
    if cwd not in sys.path:
        sys.path.insert(0, cwd)
    importlib.invalidate_caches()  # the module may have been written after the folder was listed
    if data_folders:
        _refuse_data(reference, name, data_folders)
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


def _refuse_data(reference: str, name: str, data_folders: Sequence[str | os.PathLike[str]]) -> None:
    """Refuse a module that would be imported from a data folder, without running any of it.

    ``importlib.util.find_spec("a.b")`` would import (run) the package ``a``: each level is found
    here by asking the import system's finders directly, with the search path of the level above.
    """
    parts = name.split(".")
    # Importing a program's __main__ runs it (unittest's would import test files from the current
    # folder, the runs included), and the standard library holds no schema but some modules act
    # when imported: neither is a schema a run folder may name.
    if "__main__" in parts or parts[0] in sys.stdlib_module_names:
        kind = "a program's __main__" if "__main__" in parts else "a standard library module"
        raise SchemaReferenceError(
            f"--schema {reference!r}: {name} is {kind}, which a run folder's meta.json may not name; "
            "pass the schema yourself (schema= or --schema)"
        )
    folders = [_both(os.fspath(f)) for f in data_folders]
    search: list[str] | None = None
    for depth in range(1, len(parts) + 1):
        prefix = ".".join(parts[:depth])
        try:
            spec = _find_spec(prefix, search)
        except (ImportError, ValueError) as exc:  # a malformed name: refused before any import
            raise SchemaReferenceError(
                f"--schema {reference!r}: cannot look up {prefix}: {_describe(exc)}"
            ) from None
        if spec is None:
            return  # not found: importing it fails with its own message, and runs nothing
        places = [
            *([spec.origin] if spec.has_location and spec.origin else []),
            *(spec.submodule_search_locations or []),
        ]
        for place in places:
            if any(_inside(_both(place), folder) for folder in folders):
                raise SchemaReferenceError(
                    f"--schema {reference!r}: {prefix} would be imported from {place}, inside the runs "
                    "folder; a run folder is data, and typed_config never runs code from it: pass the "
                    "schema yourself (schema= or --schema)"
                )
        search = list(spec.submodule_search_locations or [])


def _find_spec(name: str, search: list[str] | None) -> ModuleSpec | None:
    module = sys.modules.get(name)
    if module is not None:
        return getattr(module, "__spec__", None)
    if search is None:
        return importlib.util.find_spec(name)  # a top-level name: nothing above it to import
    for finder in sys.meta_path:
        find = getattr(finder, "find_spec", None)
        if find is not None:
            spec: ModuleSpec | None = find(name, search)
            if spec is not None:
                return spec
    return None


def _both(path: str) -> tuple[str, str]:
    """A path as written (made absolute) and with every link resolved: a link may lead in or out."""
    return os.path.abspath(path), os.path.realpath(path)


def _inside(place: tuple[str, str], folder: tuple[str, str]) -> bool:
    return any(p == f or p.startswith(f.rstrip(os.sep) + os.sep) for p in place for f in folder)


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
