"""``Run``: a training run's typed config, its provenance, and its folder kept up to date.

Every change to ``run.config`` is validated and written at once; a live run writes only the keys
it changed, onto the file as stored now, so edits made meanwhile through ``Api`` survive, and a
change to a key another process changed since the run last wrote it is refused as a conflict.
In-place changes (``cfg.tags.append(...)``) are found and checked at ``run.update()``,
``run.finish()`` and interpreter exit; after ``finish()`` the config no longer changes.
"""

from __future__ import annotations

import atexit
import sys
from collections.abc import Collection
from pathlib import Path
from types import TracebackType
from typing import Any, Generic

from typing_extensions import Self

from typed_config._errors import ConfigError, Origin, Problem, code_location, show
from typed_config._flat.fingerprint import fingerprint
from typed_config._flat.flatten import flatten, flatten_fields
from typed_config._keys.dotted import unflatten
from typed_config._keys.patch import REMOVED, apply_patch, changes, clashes, involves
from typed_config._keys.values import to_plain
from typed_config._layers.layers import KeyedLayer, Layer, validate
from typed_config._model.defaults_file import Rendering, render_defaults
from typed_config._model.model import H, HyperParams, adopt
from typed_config._model.state import ConfigState, diff
from typed_config._run.explain import Explanation, explain, last_setting
from typed_config._run.folder import CONFIG, RunFolder, Stamp


class Run(Generic[H]):
    """A training run: its validated, typed config, where each value came from, and its folder.

    ``run.config`` is the config; every change to it is validated and, for a run kept on disk,
    written at once. In-place changes to lists and nested items are found and checked at
    ``run.update()``, ``run.finish()`` and interpreter exit. ``with tc.init(HParams) as run:``
    finishes the run when the block ends, as ``wandb.init`` does.
    """

    command: str | None = None
    """The command the first argument named, for ``init({"fit": FitParams, ...})``; else None."""

    def __init__(
        self,
        config: H,
        state: ConfigState,
        *,
        run_id: str,
        run_dir: Path | None,
        project: str,
        name: str | None,
        unknown_args: list[str],
        writes: bool,
        meta: dict[str, Any],
        descs: dict[str, str] | None = None,
        history: dict[str, list[dict[str, Any]]] | None = None,
        written: dict[str, Any] | None = None,
    ) -> None:
        self.config: H = config
        self.id = run_id
        self.dir = run_dir
        self.project = project
        self.name = name
        self.unknown_args = unknown_args
        self._state = state
        self._writes = writes and run_dir is not None
        self._meta = meta
        self._descs = descs or {}  # desc texts a stored config.yaml had: they survive
        self._history = history or {}  # a resumed run's provenance before this process
        self._snapshot = flatten_fields(config)
        # The flat config as the file holds it to this process's knowledge: a resumed run starts
        # from what it read, so its first write carries only its own changes.
        self._written: dict[str, Any] | None = written
        self._finished = False
        self._folder = RunFolder(run_dir) if run_dir is not None else None  # the only writer of its files
        self._stamp: Stamp | None = None  # config.yaml as this run last wrote it
        self._unsynced = False  # written since the last fsync
        self._meta_behind = False  # meta.json's fingerprint is of an older config.yaml
        self._rendering: Rendering | None = None  # config.yaml's text as this run last wrote it
        state.listener = self._changed

    def _start(self) -> None:
        """Begin the run: its folder's first write, durable, and its end recorded at exit.

        Making a ``Run`` does no I/O; ``init`` starts it. A resumed run's first write folds its
        provenance log in.
        """
        if self._writes:
            self._persist()
            self._sync()
            atexit.register(self._at_exit)

    def explain(self, key: str) -> Explanation:
        """The chain of sources that set ``key`` (a dot-key), lowest first, starting at the default.

        Raises:
            KeyError: no such key.
        """
        return explain(self.config, self._state.layers, key)

    def origin_of(self, key: str) -> Origin | None:
        """Where the current value of ``key`` came from (None for a schema default)."""
        return self._state.setter_of(key)

    def update(self) -> None:
        """Check in-place changes (``cfg.tags.append(...)``) and write the config now.

        Raises:
            ConfigError: an in-place change is invalid or touches a locked key (it is named), the
                run has finished, or another process changed a key this run changed (a conflict).
        """
        self._save(f"run.update() at {code_location()}")

    def finish(self) -> None:
        """End the run: check in-place changes and write the config a last time.

        After it, a change to ``run.config`` raises ``ConfigError``.

        Raises:
            ConfigError: an in-place change is invalid or touches a locked key; it is named.
        """
        self._end(f"run.finish() at {code_location()}", "finished", {})

    def _end(self, where: str, status: str, fields: dict[str, Any]) -> None:
        """Save a last time, then record how the run ended in ``meta.json``."""
        if self._finished:
            return
        self._save(where)
        self._finished = True
        self._state.closed = where
        self._mark(status, fields)

    def _mark(self, status: str, fields: dict[str, Any]) -> None:
        if not self._writes or self._folder is None or not self._folder.has_meta():
            return  # kept in memory, or its folder went away: nothing to record the end in
        try:
            self._meta = self._folder.mark_status(status, **fields)
        except (ConfigError, OSError) as exc:  # the folder went away: the config is what matters
            sys.stderr.write(f"typed_config: run {self.id}: status {status} not recorded: {exc}\n")

    def __enter__(self) -> Self:
        """``with tc.init(HParams) as run:`` finishes the run when the block ends."""
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        """Finish the run; when the block raised, a failure to save is told on stderr, not raised over it.

        The run's ``meta.json`` says ``finished``, or ``crashed`` with the exception's type, or
        ``killed`` after a ``KeyboardInterrupt`` (SIGINT).
        """
        if error is None:
            self.finish()
            return
        status, fields = _ended_by(error)
        try:
            self._end(f"the with block's end, after {type(error).__name__}", status, fields)
        except (ConfigError, OSError) as problem:
            sys.stderr.write(
                f"typed_config: run {self.id} not saved at the end of its with block:\n{problem}\n"
            )
            self._mark(status, fields)

    def _save(self, where: str, *, partial: bool = False) -> list[Problem]:
        """A sync point: check in-place changes, write, and make what was written durable."""
        try:
            skipped = self._catch_in_place(where, partial=partial)
            self._persist()
        except ConfigError:
            self._sync()
            raise
        self._sync()
        return skipped

    def _sync(self) -> None:
        """Fold the provenance log into ``provenance.json`` and fsync the run's files."""
        if not self._unsynced or self._folder is None:
            return
        if not self._folder.path.is_dir():  # the folder was removed: nothing left to make durable
            self._unsynced = False
            return
        try:
            with self._folder.lock():
                if self._meta_behind and self._stamp == self._folder.config_stamp():
                    self._write_meta(self.config)  # config.yaml holds this run's config
                self._folder.sync()
        except OSError as exc:
            raise OSError(exc.errno, f"run {self.id}: could not sync {self.dir}: {exc}") from exc
        self._unsynced = False

    def _changed(self, values: dict[str, Any], removed: Collection[str]) -> None:
        """A recorded change: write it (a run on disk), or keep the in-memory snapshot level."""
        if self._writes:
            self._persist(values.keys())
            return
        self._snapshot.update(values)
        for key in removed:
            self._snapshot.pop(key, None)

    def _catch_in_place(self, where: str, *, partial: bool) -> list[Problem]:
        """Check and record in-place changes; with ``partial``, keep the valid ones and return the others' problems."""
        current = flatten_fields(self.config)
        changed = diff(self._snapshot, current)
        if not changed:
            return []
        origin = Origin(text=f"in-place change found by {where}")
        schema = type(self.config)
        try:
            validate(schema, [Layer("in-place", to_plain(self.config, reveal=True))])
            problems = []
        except ConfigError as exc:
            problems = [Problem(p.key, p.message, origin) for p in exc.problems]
        problems += self._state.check(changed, lambda _: origin, allow_val_change=True, deliberate=True)
        if problems and not partial:
            raise ConfigError(problems)
        bad = {k for k in changed if any(involves(p.key, k) for p in problems)}
        if bad:
            self._undo({k: self._snapshot.get(k, REMOVED) for k in bad})
        kept = {k: current[k] for k in changed if k in current and k not in bad}  # a removed key is no value
        self._state.record("in-place change", kept, lambda _: origin)
        return problems

    def _undo(self, values: dict[str, Any]) -> None:
        """Put back the values of some keys in memory, without recording a change."""
        flat = apply_patch(flatten(to_plain(self.config, reveal=True)), values)
        adopt(self.config, validate(type(self.config), [Layer("restored", unflatten(flat))]))
        self._snapshot = flatten_fields(self.config)

    def _persist(self, recorded: Collection[str] = frozenset()) -> None:
        current = flatten_fields(self.config)
        self._snapshot = current
        if not self._writes or self._folder is None:
            return
        patch = None if self._written is None else changes(self._written, current)
        if patch == {}:
            return  # nothing new: the file stays as it is (and so do other writers' edits)
        try:
            with self._folder.lock():
                if patch is None:
                    theirs = self._write_all(current)
                else:
                    theirs = self._write_changes(patch, current, recorded)
        except OSError as exc:
            # Each file is replaced whole or not at all; what is not written yet is written at the
            # next change or persist point, since this run still knows it.
            message = (
                f"run {self.id}: the config is kept in memory but could not be written to {self.dir}: {exc}"
            )
            raise OSError(exc.errno, message) from exc
        if not theirs:
            self._written = current
            return
        error = self._take(theirs)
        self._written = flatten_fields(self.config)
        raise error

    def _write_all(self, current: dict[str, Any]) -> dict[str, Any]:
        assert self._folder is not None  # noqa: S101 - _persist checked
        self._folder.write_config(render_defaults(self.config, self._descs, literal=True))
        chains: dict[str, list[dict[str, Any]]] = {}
        for key in current:
            chain = [s.to_json() for s in self.explain(key).chain]
            earlier = self._history.get(key)
            # A resumed run's stored chain already holds the default and the stored value.
            chains[key] = [*earlier, *chain[2:]] if earlier else chain
        self._folder.write_provenance(chains)
        self._folder.write_meta({**self._meta, "config_fingerprint": self.config.fingerprint()})
        self._stamp = self._folder.config_stamp()
        return {}

    def _write_changes(
        self, patch: dict[str, Any], current: dict[str, Any], recorded: Collection[str]
    ) -> dict[str, Any]:
        """Write only the keys this process changed, onto the config as stored now.

        Another process may have changed other keys through ``Api`` meanwhile; their work stays.
        A key it changed since this run last wrote, which this run changes too, is not written:
        its stored value is returned, for the conflict to be told.
        """
        assert self._folder is not None  # noqa: S101 - _persist checked
        assert self._written is not None  # noqa: S101 - only called after a first write
        if (
            self._stamp is not None
            and self._stamp == self._folder.config_stamp()
            and patch.keys() <= set(recorded)
        ):
            # Nobody wrote since this run did, and the patch is the change just recorded (validated):
            # the file holds what this run last wrote, and the config now is what it will hold.
            self._write_files(self.config, patch, current, exact=True)
            return {}
        schema = type(self.config)
        try:
            stored = flatten_fields(validate(schema, [self._folder.read_config()[0]]))
        except ConfigError:
            stored = dict(self._written)  # a damaged file is replaced by what this run knows
        clashing = clashes(patch, self._written, stored)
        mine = {k: v for k, v in patch.items() if k not in clashing}
        if mine:
            written = validate(schema, [Layer("merged", unflatten(apply_patch(stored, mine)))])
            self._write_files(written, mine, current, exact=not changes(current, flatten(written)))
        return {k: stored.get(k, REMOVED) for k in clashing}

    def _write_files(
        self, written: HyperParams, mine: dict[str, Any], current: dict[str, Any], *, exact: bool
    ) -> None:
        """Replace config.yaml and meta.json, append the changes' provenance; no fsync (see ``_sync``).

        With ``exact`` (what is written is this run's config), the next write may skip reading
        config.yaml while nobody else replaced it.

        The provenance entries go to the log, each appended line whole: a retry after a write that
        failed half-way appends the same entries, which readers keep once.
        """
        assert self._folder is not None  # noqa: S101 - _persist checked
        self._unsynced = True
        if not (exact and self._rendering is not None and self._rendering.change(mine)):
            self._rendering = Rendering(written, self._descs, literal=True) if exact else None
        text = (
            self._rendering.text()
            if self._rendering is not None
            else render_defaults(written, self._descs, literal=True)
        )
        self._folder.write_config(text, durable=False)
        self._stamp = self._folder.config_stamp() if exact else None
        layers = self._state.layers
        self._folder.append_provenance(
            {k: last_setting(self.config, layers, k).to_json() for k in mine if k in current}
        )
        # meta.json's fingerprint of this run's own config is written at the sync point; readers
        # compute the fingerprint from config.yaml, the truth, meanwhile.
        self._meta_behind = exact
        if not exact:
            self._write_meta(written)

    def _write_meta(self, written: HyperParams) -> None:
        assert self._folder is not None  # noqa: S101 - only for a run with a folder
        self._folder.write_meta({**self._meta, "config_fingerprint": fingerprint(written)}, durable=False)
        self._meta_behind = False

    def _take(self, theirs: dict[str, Any]) -> ConfigError:
        """Another process changed keys this run changed too: take its values; the error that says so."""
        assert self.dir is not None  # noqa: S101 - only after a write
        setters = {key: self._state.setter_of(key) or Origin(text="run.config") for key in theirs}
        self._undo(theirs)
        origin = Origin(path=str(self.dir / CONFIG))
        values = {k: v for k, v in theirs.items() if v is not REMOVED}
        if values:
            self._state.layers.append(
                KeyedLayer("another writer", unflatten(values), dict.fromkeys(values, origin), origin)
            )
        return ConfigError(
            Problem(
                key,
                f"another process changed it to {show(value) if value is not REMOVED else 'nothing'} since "
                "this run last wrote it; the run now has that value too (assign again to replace it)",
                setters[key],
            )
            for key, value in theirs.items()
        )

    def _at_exit(self) -> None:
        if self._finished:
            return
        error = getattr(sys, "last_value", None)  # set when the script ended by an uncaught exception
        status, fields = _ended_by(error) if isinstance(error, BaseException) else ("finished", {})
        try:
            skipped = self._save("interpreter exit", partial=True)
        except ConfigError as exc:  # nothing can be raised to anyone at exit: say it, keep the file
            sys.stderr.write(f"typed_config: run {self.id} not saved at exit:\n{exc}\n")
            skipped = None
        except OSError as exc:  # the folder went away or cannot be written
            sys.stderr.write(f"typed_config: run {self.id} not saved at exit: {exc}\n")
            return
        self._finished = True
        self._mark(status, fields)
        if skipped is None:
            return
        if skipped:
            lines = "\n".join(str(p) for p in skipped)
            sys.stderr.write(f"typed_config: run {self.id}: in-place changes not saved at exit:\n{lines}\n")

    def __repr__(self) -> str:
        return f"Run(id={self.id!r}, project={self.project!r}, config={self.config!r})"


def _ended_by(error: BaseException) -> tuple[str, dict[str, Any]]:
    """The status of a run that an exception ended: killed by SIGINT, else crashed with its type."""
    if isinstance(error, KeyboardInterrupt):
        return "killed", {"exception": "KeyboardInterrupt"}
    return "crashed", {"exception": type(error).__name__}
