"""``Run``: a training run's typed config, its provenance, and its folder kept up to date.

Every change to ``run.config`` is validated and written at once; a live run writes only the keys
it changed, onto the file as stored now, so edits made meanwhile through ``Api`` survive. In-place
changes (``cfg.tags.append(...)``) are found and checked at ``run.update()``, ``run.finish()``
and interpreter exit.
"""

from __future__ import annotations

import atexit
import sys
from pathlib import Path
from typing import Any, Generic, TypeVar

from typed_config._defaults import render_defaults
from typed_config._errors import ConfigError, Origin, Problem, code_location
from typed_config._explain import Explanation, explain
from typed_config._fingerprint import fingerprint
from typed_config._flatten import flatten
from typed_config._fs import atomic_write
from typed_config._keys import is_list, to_plain, unflatten
from typed_config._layers import Layer, validate
from typed_config._model import HyperParams
from typed_config._state import ConfigState, diff
from typed_config._store import CONFIG, META, PROVENANCE, locked, read_config, read_json, write_json

H = TypeVar("H", bound=HyperParams)


class Run(Generic[H]):
    """A training run: its validated, typed config, where each value came from, and its folder.

    ``run.config`` is the config; every change to it is validated and, for a run kept on disk,
    written at once. In-place changes to lists and nested items are found and checked at
    ``run.update()``, ``run.finish()`` and interpreter exit.
    """

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
        self._snapshot = config.to_flat()
        # The flat config as the file holds it to this process's knowledge: a resumed run starts
        # from what it read, so its first write carries only its own changes.
        self._written: dict[str, Any] | None = written
        self._finished = False
        state.listener = self._persist
        if self._writes:
            self._persist()
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
            ConfigError: an in-place change is invalid or touches a locked key; it is named.
        """
        self._save(f"run.update() at {code_location()}")

    def finish(self) -> None:
        """End the run: check in-place changes and write the config a last time.

        Raises:
            ConfigError: an in-place change is invalid or touches a locked key; it is named.
        """
        if not self._finished:
            self._save(f"run.finish() at {code_location()}")
            self._finished = True

    def _save(self, where: str) -> None:
        self._catch_in_place(where)
        self._persist()

    def _catch_in_place(self, where: str) -> None:
        current = self.config.to_flat()
        changed = diff(self._snapshot, current)
        if not changed:
            return
        origin = Origin(text=f"in-place change found by {where}")
        schema = type(self.config)
        try:
            validate(schema, [Layer("in-place", to_plain(self.config, reveal=True))])
        except ConfigError as exc:
            raise ConfigError([Problem(p.key, p.message, origin) for p in exc.problems]) from None
        problems = self._state.check(changed, lambda _: origin, allow_val_change=True, deliberate=True)
        if problems:
            raise ConfigError(problems)
        self._state.record("in-place change", {k: current.get(k) for k in changed}, lambda _: origin)

    def _persist(self) -> None:
        current = self.config.to_flat()
        self._snapshot = current
        if not self._writes or self.dir is None:
            return
        changed = None if self._written is None else diff(self._written, current)
        if changed == {}:
            return  # nothing new: the file stays as it is (and so do other writers' edits)
        try:
            with locked(self.dir):
                if changed is None:
                    self._write_all(current)
                else:
                    self._write_changes(changed)
        except OSError as exc:
            # Each file is replaced whole or not at all; what is not written yet is written at the
            # next change or persist point, since this run still knows it.
            message = (
                f"run {self.id}: the config is kept in memory but could not be written to {self.dir}: {exc}"
            )
            raise OSError(exc.errno, message) from exc
        self._written = current

    def _write_all(self, current: dict[str, Any]) -> None:
        assert self.dir is not None  # noqa: S101 - _persist checked
        atomic_write(self.dir / CONFIG, render_defaults(self.config, self._descs))
        chains: dict[str, list[dict[str, Any]]] = {}
        for key in current:
            chain = [s.to_json() for s in self.explain(key).chain]
            earlier = self._history.get(key)
            # A resumed run's stored chain already holds the default and the stored value.
            chains[key] = [*earlier, *chain[2:]] if earlier else chain
        write_json(self.dir / PROVENANCE, chains)
        write_json(self.dir / META, {**self._meta, "config_fingerprint": self.config.fingerprint()})

    def _write_changes(self, changed: dict[str, tuple[Any, Any]]) -> None:
        """Write only the keys this process changed, onto the config as stored now.

        Another process may have edited other keys through ``Api`` meanwhile; their work stays.
        """
        assert self.dir is not None  # noqa: S101 - _persist checked
        if not changed:
            return
        schema = type(self.config)
        try:
            stored = flatten(validate(schema, [read_config(self.dir)[0]]))
        except ConfigError:
            stored = dict(self._written or {})  # a damaged file is replaced by what this run knows
        merged = {k: v for k, v in stored.items() if k not in changed}
        merged.update({k: self._snapshot[k] for k in changed if k in self._snapshot})
        written = validate(schema, [Layer("merged", unflatten(merged))])
        atomic_write(self.dir / CONFIG, render_defaults(written, self._descs))
        chains = read_json(self.dir / PROVENANCE) if (self.dir / PROVENANCE).is_file() else {}
        for key in changed:
            last = self.explain(key).chain[-1].to_json() if key in self._snapshot else None
            earlier = chains.get(key)
            chains[key] = [*(earlier if is_list(earlier) else []), *([last] if last else [])]
        write_json(self.dir / PROVENANCE, chains)
        write_json(self.dir / META, {**self._meta, "config_fingerprint": fingerprint(written)})

    def _at_exit(self) -> None:
        if self._finished:
            return
        try:
            self._save("interpreter exit")
            self._finished = True
        except ConfigError as exc:  # nothing can be raised to anyone at exit: say it, keep the file
            sys.stderr.write(f"typed_config: run {self.id} not saved at exit:\n{exc}\n")
        except OSError as exc:  # the folder went away or cannot be written
            sys.stderr.write(f"typed_config: run {self.id} not saved at exit: {exc}\n")

    def __repr__(self) -> str:
        return f"Run(id={self.id!r}, project={self.project!r}, config={self.config!r})"
