"""``Api``: reopen stored runs, edit their config by dot-key, list and filter them; no server needed.

``Api().run("project/run_id").config["optimizer.lr"] = 0.1; run.update()`` validates against the
schema and writes atomically under the run's lock. Only the dot-keys this handle changed are
applied, onto the config as stored now, so writers of different keys never lose each other's
work; a key another writer changed since this handle read it is a conflict.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any, Generic, TypeVar, overload

from pydantic import BaseModel

from typed_config._defaults import render_defaults
from typed_config._errors import ConfigError, Origin, Problem, code_location, show
from typed_config._fingerprint import fingerprint
from typed_config._flatten import flatten
from typed_config._fs import atomic_write
from typed_config._keys import is_mapping, to_plain, unflatten
from typed_config._layers import KeyedLayer, Layer, validate
from typed_config._schema_ref import SchemaReferenceError, resolve_schema
from typed_config._state import diff
from typed_config._store import (
    CONFIG,
    META,
    PROVENANCE,
    check_name,
    locked,
    read_config,
    read_json,
    run_folders,
    write_json,
)

M = TypeVar("M", bound=BaseModel)


class StoredConfig(Mapping[str, Any]):
    """A stored run's config, read and written by dot-key; changes wait for ``run.update()``."""

    def __init__(self, flat: dict[str, Any]) -> None:
        self._flat = flat
        self._changes: dict[str, Any] = {}
        self._origins: dict[str, Origin] = {}

    def __getitem__(self, key: str) -> Any:
        current = self.to_flat()
        if key in current:
            return current[key]
        below = {k[len(key) + 1 :]: v for k, v in current.items() if k.startswith(key + ".")}
        if below:
            return unflatten(below)
        raise KeyError(key)

    def __setitem__(self, key: str, value: Any) -> None:
        origin = Origin(text=f"run.config[{key!r}] at {code_location()}")
        plain = to_plain(value, reveal=True)
        items = (
            {f"{key}.{k}": v for k, v in flatten(plain).items()}
            if is_mapping(plain) and plain
            else {key: plain}
        )
        for sub, item in items.items():
            self._changes[sub] = item
            self._origins[sub] = origin

    def __iter__(self) -> Iterator[str]:
        return iter(self.to_flat())

    def __len__(self) -> int:
        return len(self.to_flat())

    def to_flat(self) -> dict[str, Any]:
        """The flat config with this handle's pending changes."""
        return {**self._flat, **self._changes}

    def as_read(self) -> dict[str, Any]:
        """The flat config as it was read, without pending changes."""
        return dict(self._flat)

    def pending(self) -> tuple[dict[str, Any], dict[str, Origin]]:
        """The changes not written yet, and where in the code each was made."""
        return dict(self._changes), dict(self._origins)


class StoredRun(Generic[M]):
    """A run folder reopened: its config by dot-key, its metadata, and, with a schema, its typed config."""

    def __init__(self, run_dir: Path, schema: type[M] | None, schema_problem: str | None) -> None:
        self.dir = run_dir
        self.id = run_dir.name
        self.project = run_dir.parent.name
        self.meta = read_json(run_dir / META)
        self.schema = schema
        self._schema_problem = schema_problem
        layer, self._descs = read_config(run_dir)
        self._typed: M | None = validate(schema, [layer]) if schema is not None else None
        if self._typed is not None and self.meta.get("config_fingerprint") != fingerprint(self._typed):
            self._repair_meta()
        self.config = StoredConfig(flatten(self._typed) if self._typed is not None else flatten(layer.data))

    @property
    def typed(self) -> M:
        """The stored config as an instance of the schema.

        Raises:
            ConfigError: the run was opened without a schema that imports.
        """
        if self._typed is None:
            raise self._read_only()
        return self._typed

    def update(self, overwrite: bool = False) -> None:
        """Validate this handle's changes and write them atomically, under the run's lock.

        Args:
            overwrite: replace values another writer changed since this handle read them.

        Raises:
            ConfigError: the run is read-only (no schema), a change is invalid, or another writer
                changed the same key (a conflict); nothing is written then.
        """
        if self.schema is None:
            raise self._read_only()
        changes, origins = self.config.pending()
        if not changes:
            return
        with locked(self.dir):
            layer, self._descs = read_config(self.dir)
            now = validate(self.schema, [layer])
            now_flat = flatten(now)
            read = self.config.as_read()
            clashes = [k for k in changes if k in diff(read, now_flat) or _under_changed(k, read, now_flat)]
            if clashes and not overwrite:
                raise ConfigError(
                    Problem(
                        k,
                        f"another writer changed it since this run was read (now {show(now_flat.get(k))}); "
                        "update(overwrite=True) replaces it",
                        origins[k],
                    )
                    for k in clashes
                )
            change_layer = KeyedLayer("api update", unflatten(changes), origins, next(iter(origins.values())))
            updated = validate(self.schema, [Layer("stored", to_plain(now, reveal=True)), change_layer])
            new_flat = flatten(updated)
            self._write(updated, new_flat, diff(now_flat, new_flat), origins)
        self._typed = updated
        self.config = StoredConfig(new_flat)

    def _write(
        self, updated: M, new_flat: dict[str, Any], changed: Mapping[str, Any], origins: Mapping[str, Origin]
    ) -> None:
        provenance = read_json(self.dir / PROVENANCE) if (self.dir / PROVENANCE).is_file() else {}
        for key in changed:
            entry = {
                "source": "api update",
                "origin": str(origins.get(key, Origin(text="api update"))),
                "value": new_flat.get(key),
            }
            chain = provenance.get(key)
            provenance[key] = [*chain, entry] if isinstance(chain, list) else [entry]
        atomic_write(self.dir / CONFIG, render_defaults(updated, self._descs))
        write_json(self.dir / PROVENANCE, provenance)
        write_json(self.dir / META, {**self.meta, "config_fingerprint": fingerprint(updated)})

    def _repair_meta(self) -> None:
        """A writer killed between its files leaves meta.json behind config.yaml: bring it level."""
        with locked(self.dir):
            layer, _descs = read_config(self.dir)
            assert self.schema is not None  # noqa: S101 - only called with a schema
            current = validate(self.schema, [layer])
            self.meta = {**read_json(self.dir / META), "config_fingerprint": fingerprint(current)}
            write_json(self.dir / META, self.meta)

    def _read_only(self) -> ConfigError:
        message = (
            f"this run is read-only: its schema {self.meta.get('schema')!r} could not be imported "
            f"({self._schema_problem}); pass schema= to Api().run(...) to validate and write"
        )
        return ConfigError([Problem(None, message, Origin(path=str(self.dir)))])

    def __repr__(self) -> str:
        return f"StoredRun({self.project}/{self.id})"


def _under_changed(key: str, before: Mapping[str, Any], now: Mapping[str, Any]) -> bool:
    """Whether a value that holds ``key`` (a list or a whole mapping) changed meanwhile."""
    parts = key.split(".")
    return any(
        before.get(p) != now.get(p)
        for p in (".".join(parts[:e]) for e in range(1, len(parts)))
        if p in before or p in now
    )


def _unreadable(path: Path, exc: OSError) -> ConfigError:
    return ConfigError([Problem(None, f"cannot read: {exc.strerror or exc}", Origin(path=str(path)))])


class RunList(list[StoredRun[Any]]):
    """The runs ``Api.runs`` found, and in ``problems`` the first problem of each run it could not read."""

    problems: tuple[Problem, ...] = ()


class Api:
    """Stored runs under a root folder: ``Api(root="runs").run("project/run_id")``."""

    def __init__(self, root: str | os.PathLike[str] = "runs") -> None:
        self.root = Path(root)

    @overload
    def run(self, path: str | os.PathLike[str], schema: type[M]) -> StoredRun[M]: ...
    @overload
    def run(self, path: str | os.PathLike[str], schema: None = None) -> StoredRun[Any]: ...

    def run(
        self, path: str | os.PathLike[str], schema: type[M] | None = None
    ) -> StoredRun[M] | StoredRun[Any]:
        """Reopen a run: ``"project/run_id"``, ``"entity/project/run_id"`` or a run folder's path.

        Without ``schema``, the schema recorded in ``meta.json`` is imported when it is a module
        (``package.module:Class``) found outside the runs root and the run folder; a schema defined
        in a script (``train.py:Class``) is never imported, since that would run the script, nor is
        code kept with the runs, which are data. When there is none, the run opens read-only.

        Raises:
            ConfigError: no such run, or its files are missing or invalid (naming the file).
        """
        run_dir = self._find(path)
        if schema is not None:
            return StoredRun(run_dir, schema, None)
        reference = str(read_json(run_dir / META).get("schema"))
        module = reference.rpartition(":")[0]
        if module.endswith(".py") or "/" in module or os.sep in module:
            # A schema defined in a script: importing it would run the script (its training).
            why = f"{reference} is a script, which opening a run does not run"
            return StoredRun(run_dir, None, why)
        try:
            found = resolve_schema(reference, data_folders=(self.root, run_dir))
        except SchemaReferenceError as exc:
            return StoredRun(run_dir, None, str(exc))
        return StoredRun(run_dir, found, None)

    def runs(
        self,
        project: str,
        filter: Mapping[str, Any] | None = None,  # wandb's name
        schema: type[BaseModel] | None = None,
    ) -> RunList:
        """The project's runs, oldest first, whose flat config has every ``filter`` value.

        A run that cannot be read (a writer killed between its files, a damaged file) is left out
        of the list and reported in its ``problems``, one per broken run, naming the file.

        Args:
            project: the project's folder name.
            filter: dot-keys and the values a run must have.
            schema: validate every run with this schema instead of importing the one each
                ``meta.json`` names.

        Raises:
            ConfigError: ``project`` cannot name a folder, or its folder cannot be read.
        """
        project_dir = self.root / check_name(project, Origin(path=str(self.root)), "project")
        found = RunList()
        try:
            folders = run_folders(project_dir)
        except OSError as exc:
            raise _unreadable(project_dir, exc) from None
        for run_dir in folders:
            try:
                run = self.run(run_dir) if schema is None else self.run(run_dir, schema=schema)
            except ConfigError as exc:
                found.problems += exc.problems[:1]
                continue
            except OSError as exc:  # a folder that cannot be read (or written, to repair it)
                found.problems += _unreadable(run_dir, exc).problems
                continue
            flat = run.config.to_flat()
            if all(k in flat and flat[k] == v for k, v in (filter or {}).items()):
                found.append(run)
        return found

    def _find(self, path: str | os.PathLike[str]) -> Path:
        candidate = Path(path)
        if (candidate / CONFIG).is_file() or (candidate / META).is_file():
            return candidate if candidate.name not in ("", ".", "..") else candidate.resolve()
        parts = str(path).strip("/").split("/")
        if len(parts) in (2, 3):
            origin = Origin(text=f"Api().run({show(str(path))})")
            run_dir = self.root / check_name(parts[-2], origin, "project") / check_name(parts[-1], origin)
            if run_dir.is_dir():
                return run_dir
        message = f"no stored run {str(path)!r} (looked in {self.root}/PROJECT/RUN_ID and for a run folder)"
        raise ConfigError([Problem(None, message, Origin(path=str(self.root)))])
