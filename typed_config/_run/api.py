"""``Api``: reopen stored runs, edit their config by dot-key, list and filter them; no server needed.

``Api().run("project/run_id").config["optimizer.lr"] = 0.1; run.update()`` validates against the
schema and writes atomically under the run's lock. Only the dot-keys this handle changed are
applied, onto the config as stored now, so writers of different keys never lose each other's
work (inside dict fields too); a key another writer changed since this handle read it, to another
value, is a conflict.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any, Generic, overload

from pydantic import BaseModel

from typed_config._compose.stored import follow_stored, followed_entries
from typed_config._errors import ConfigError, Origin, Problem, at_path, code_location, show
from typed_config._flat.fingerprint import fingerprint
from typed_config._flat.flatten import flatten, flatten_fields
from typed_config._keys.dotted import unflatten
from typed_config._keys.patch import REMOVED, ancestors, apply_patch, changes, clashes
from typed_config._keys.values import is_dict, is_list, to_plain
from typed_config._layers.layers import KeyedLayer, Layer, validate
from typed_config._model.defaults_file import render_defaults
from typed_config._run.folder import RunFolder, run_status
from typed_config._run.ids import check_name
from typed_config._schema.ref import SchemaReferenceError, resolve_schema
from typed_config._types import M


class StoredConfig(Mapping[str, Any]):
    """A stored run's config, read and written by dot-key; changes wait for ``run.update()``.

    ``config["optimizer"]`` is the stored mapping itself: changing it in place
    (``config["optimizer"]["lr"] = 0.05``) is a change too, found at ``run.update()``.
    """

    def __init__(self, flat: dict[str, Any]) -> None:
        self._read = flat
        self._data: dict[str, Any] = unflatten(to_plain(flat))  # copies: the read stays as read
        self._origins: dict[str, Origin] = {}

    def __getitem__(self, key: str) -> Any:
        node: Any = self._data
        for part in key.split("."):
            if not (is_dict(node) and part in node):
                raise KeyError(key)
            node = node[part]
        return node

    def __setitem__(self, key: str, value: Any) -> None:
        origin = Origin(text=f"run.config[{key!r}] at {code_location()}")
        *parents, last = key.split(".")
        node = self._data
        for part in parents:
            child = node.get(part)
            if not is_dict(child):
                child = node[part] = {}  # a key set below None or a plain value replaces it
            node = child
        node[last] = to_plain(value, reveal=True)
        self._origins[key] = origin

    def __iter__(self) -> Iterator[str]:
        return iter(self.to_flat())

    def __len__(self) -> int:
        return len(self.to_flat())

    def to_flat(self) -> dict[str, Any]:
        """The flat config with this handle's pending changes."""
        return flatten(self._data)

    def as_read(self) -> dict[str, Any]:
        """The flat config as it was read, without pending changes."""
        return dict(self._read)

    def pending(self) -> tuple[dict[str, Any], dict[str, Origin]]:
        """The patch not written yet (``REMOVED`` for a removed key), and where each change was made."""
        patch = changes(self._read, self.to_flat())
        found = Origin(text=f"run.config changed in place, found by run.update() at {code_location()}")
        return patch, {key: self._origin_of(key, found) for key in patch}

    def _origin_of(self, key: str, fallback: Origin) -> Origin:
        for holder in (key, *reversed(list(ancestors(key)))):
            if holder in self._origins:
                return self._origins[holder]
        return fallback


class StoredRun(Generic[M]):
    """A run folder reopened: its config by dot-key, its metadata, and, with a schema, its typed config."""

    def __init__(self, run_dir: Path, schema: type[M] | None, schema_problem: str | None) -> None:
        self.dir = run_dir
        self.id = run_dir.name
        self.project = run_dir.parent.name
        self._folder = RunFolder(run_dir)  # the only reader and writer of its files
        self.meta = self._folder.read_meta()
        self.schema = schema
        self._schema_problem = schema_problem
        layer, self._descs = self._folder.read_config()
        self._typed: M | None = validate(schema, [layer]) if schema is not None else None
        if self._typed is not None:
            # A writer killed between its files leaves meta.json behind config.yaml: the fingerprint
            # shown is the config's own. Reading never writes; the next update brings the file level.
            self.meta["config_fingerprint"] = fingerprint(self._typed)
        self.config = StoredConfig(
            flatten_fields(self._typed) if self._typed is not None else flatten(layer.data)
        )

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

        The keys this handle added, changed or removed (inside dict fields too) are applied to the
        config as stored now; other writers' changes to other keys stay.

        Args:
            overwrite: replace values another writer changed since this handle read them.

        Raises:
            ConfigError: the run is read-only (no schema), a change is invalid, or another writer
                changed the same key to another value (a conflict); nothing is written then.
        """
        if self.schema is None:
            raise self._read_only()
        patch, origins = self.config.pending()
        if not patch:
            return
        with self._folder.lock():
            layer, self._descs = self._folder.read_config()
            now = flatten_fields(validate(self.schema, [layer]))
            clashing = [] if overwrite else clashes(patch, self.config.as_read(), now)
            if clashing:
                raise ConfigError(
                    Problem(
                        k,
                        f"another writer changed it since this run was read (now {_shown(now, k)}); "
                        "update(overwrite=True) replaces it",
                        origins[k],
                    )
                    for k in clashing
                )
            merged = apply_patch(now, patch)
            mine = {k: v for k, v in merged.items() if k in patch}
            stored_layer = Layer("stored", unflatten({k: v for k, v in merged.items() if k not in patch}))
            change_layer = KeyedLayer("api update", unflatten(mine), origins, next(iter(origins.values())))
            history = self._folder.read_provenance()
            followed = follow_stored(self.schema, history, stored_layer, change_layer, patch)
            updated = (
                validate(self.schema, [stored_layer, change_layer]) if followed is None else followed.model
            )
            new_flat = flatten_fields(updated)
            self._write(
                updated, new_flat, patch, origins, (history, followed_entries(followed, now, new_flat))
            )
        self._typed = updated
        self.config = StoredConfig(new_flat)

    def _write(
        self,
        updated: M,
        new_flat: dict[str, Any],
        patch: Mapping[str, Any],
        origins: Mapping[str, Origin],
        known: tuple[dict[str, Any], dict[str, dict[str, Any]]],
    ) -> None:
        """Write the config, each changed key's provenance, and that of the keys that followed them."""
        provenance, followed = known
        filled = {holder for key, value in patch.items() if value is not REMOVED for holder in ancestors(key)}
        for key, value in patch.items():
            if value is REMOVED and key in filled:
                continue  # an empty mapping (or None) that now holds keys: those keys say it
            entry: dict[str, Any] = {"source": "api update", "origin": str(origins[key])}
            entry.update(
                {"value": None, "removed": True} if value is REMOVED else {"value": new_flat.get(key, value)}
            )
            _append(provenance, key, entry)
        for key, entry in followed.items():
            _append(provenance, key, entry)
        self._folder.write_config(render_defaults(updated, self._descs, literal=True))
        self._folder.write_provenance(provenance)
        # meta.json as it is now (a resume may have changed argv and name): only the fingerprint is ours.
        try:
            meta = self._folder.read_meta()
        except ConfigError:
            meta = dict(self.meta)
        self.meta = {**meta, "config_fingerprint": fingerprint(updated)}
        self._folder.write_meta(self.meta)

    def _read_only(self) -> ConfigError:
        message = (
            f"this run is read-only: its schema {self.meta.get('schema')!r} could not be imported "
            f"({self._schema_problem}); pass schema= to Api().run(...) to validate and write"
        )
        return at_path(self.dir, message)

    @property
    def status(self) -> str | None:
        """``running``, ``finished``, ``crashed`` or ``killed`` (None for a run stored before statuses).

        A run marked running whose process on this host is gone shows as ``crashed``.
        """
        return run_status(self.meta)

    @property
    def name(self) -> str | None:
        """The display name given to ``init(name=...)``."""
        name = self.meta.get("name")
        return name if isinstance(name, str) else None

    def __repr__(self) -> str:
        return f"StoredRun({self.project}/{self.id})"


def _append(provenance: dict[str, Any], key: str, entry: dict[str, Any]) -> None:
    chain = provenance.get(key)
    chain = chain if is_list(chain) else []
    if not (chain and chain[-1] == entry):  # a retry after a write that got this far keeps one entry
        provenance[key] = [*chain, entry]


def _chosen(run: StoredRun[Any], status: str | None, name: str | None) -> bool:
    return (status is None or run.status == status) and (name is None or run.name == name)


def _shown(flat: Mapping[str, Any], key: str) -> str:
    return show(flat[key]) if key in flat else "removed"


def _unreadable(path: Path, exc: OSError) -> ConfigError:
    return at_path(path, f"cannot read: {exc.strerror or exc}")


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
        reference = str(RunFolder(run_dir).read_meta().get("schema"))
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
        *,
        status: str | None = None,
        name: str | None = None,
    ) -> RunList:
        """The project's runs, oldest first, whose flat config has every ``filter`` value.

        A run that cannot be read (a writer killed between its files, a damaged file) is left out
        of the list and reported in its ``problems``, one per broken run, naming the file.

        Args:
            project: the project's folder name.
            filter: dot-keys and the values a run must have.
            schema: validate every run with this schema instead of importing the one each
                ``meta.json`` names.
            status: only runs with this status (``running``, ``finished``, ``crashed``, ``killed``).
            name: only runs with this display name.

        Raises:
            ConfigError: ``project`` cannot name a folder, or its folder cannot be read.
        """
        project_dir = self.root / check_name(project, Origin(path=str(self.root)), "project")
        found = RunList()
        try:
            folders = [folder.path for folder in RunFolder.in_project(project_dir)]
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
            if all(k in flat and flat[k] == v for k, v in (filter or {}).items()) and _chosen(
                run, status, name
            ):
                found.append(run)
        return found

    def _find(self, path: str | os.PathLike[str]) -> Path:
        candidate = Path(path)
        if RunFolder(candidate).holds_run() or RunFolder(candidate).has_meta():
            return candidate if candidate.name not in ("", ".", "..") else candidate.resolve()
        parts = str(path).strip("/").split("/")
        if len(parts) in (2, 3):
            origin = Origin(text=f"Api().run({show(str(path))})")
            run_dir = self.root / check_name(parts[-2], origin, "project") / check_name(parts[-1], origin)
            if run_dir.is_dir():
                return run_dir
        message = f"no stored run {str(path)!r} (looked in {self.root}/PROJECT/RUN_ID and for a run folder)"
        raise at_path(self.root, message)
