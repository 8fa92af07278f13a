"""``init`` and ``Run``: every source in wandb's order, validated once, with provenance, kept on disk.

Precedence, lowest first: the schema's defaults < ``config-defaults.yaml`` < ``init(config=...)``
< each ``--configs`` file in order < environment variables (opt-in) < command-line overrides.
This is wandb's own order (its config files beat ``init(config=)``). Command-line values are
locked: they are a sweep's choices, and code cannot replace them. A resumed run starts from its
stored config instead of the defaults file.
"""

from __future__ import annotations

import atexit
import functools
import json
import os
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final, Generic, TypeVar

from typed_config._defaults import render_defaults
from typed_config._errors import ConfigError, Origin, Problem, show
from typed_config._explain import REDACTED, Explanation, explain
from typed_config._fingerprint import fingerprint
from typed_config._fs import atomic_write
from typed_config._introspect import secret_keys
from typed_config._keys import flatten, is_list, to_plain, unflatten
from typed_config._layers import Layer, merge, validate
from typed_config._load import resolve, source_layer
from typed_config._model import HyperParams, attach_state, check_run_schema, code_location
from typed_config._schema_ref import reference_of
from typed_config._sources.argv import default_argv, parse_overrides, split_run_arguments
from typed_config._sources.env import env_layer
from typed_config._sources.files import file_layer
from typed_config._state import ConfigState, diff
from typed_config._store import (
    CONFIG,
    META,
    PROVENANCE,
    create_run_dir,
    latest_run,
    launcher,
    locked,
    new_run_id,
    read_config,
    read_json,
    write_json,
)
from typed_config._usage import config_text, help_text

H = TypeVar("H", bound=HyperParams)

VERSION: Final = "0.1.0"


class _DefaultFile(str):
    """The default ``defaults=``: read when it exists (an explicitly passed path must exist)."""

    __slots__ = ()


DEFAULTS_FILE: Final = _DefaultFile("config-defaults.yaml")


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
        self._written: dict[str, Any] | None = None  # the flat config as this process last wrote it
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
        with locked(self.dir):
            if changed is None:
                self._write_all(current)
            else:
                self._write_changes(changed)
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


def init(
    schema: type[H],
    *,
    config: object = None,
    argv: Sequence[str] | None = None,
    defaults: str | os.PathLike[str] | None = DEFAULTS_FILE,
    dir: str | os.PathLike[str] | None = "runs",  # wandb's name for it
    project: str = "default",
    name: str | None = None,
    env_prefix: str | None = None,
    allow_unknown_args: bool = False,
    resume: str | bool | None = None,
    allow_val_change: bool = False,
) -> Run[H]:
    """Start a run: read every source, validate once, and return the typed config with provenance.

    Args:
        schema: a ``HyperParams`` class (nested models must be ``HyperParams`` too).
        config: a dict (nested or dot-keys), a model instance, an argparse ``Namespace``, absl
            ``FlagValues``, any object with ``__dict__``, or a path to a config file.
        argv: the command line, without the program name; ``sys.argv[1:]`` when None (and
            nothing inside a Jupyter kernel, whose arguments are the kernel's own).
        defaults: the defaults file; read when it exists unless a path is passed explicitly
            (then it must exist); None turns it off.
        dir: the folder of run folders; None keeps the run in memory.
        project: the project's folder name.
        name: a display name for the run.
        env_prefix: read environment variables with this prefix (``TRAIN_OPTIMIZER__LR``).
        allow_unknown_args: leave unknown options in ``run.unknown_args`` instead of failing.
        resume: continue a stored run: its id, or True for the project's latest run.
        allow_val_change: on resume, let the sources change values the stored run has.

    Returns:
        The run; ``run.config`` is an instance of ``schema``.

    Raises:
        ConfigError: every problem in every source, each with its origin.
        TypeError: ``schema`` is not ``HyperParams`` all the way down.
        SystemExit: after printing ``--help`` or ``--print-config`` (status 0), as argparse does.
    """
    check_run_schema(schema)
    args = list(default_argv() if argv is None else argv)
    configs, rest, flags, problems = split_run_arguments(args)
    if "--help" in flags:
        sources = ["config-defaults.yaml", "config=...", "--configs files"]
        if env_prefix:
            sources.append(f"${env_prefix}* variables")
        sys.stdout.write(help_text(schema, os.path.basename(sys.argv[0]) or "train.py", sources))
        raise SystemExit(0)
    where = launcher()
    project_dir = None if dir is None else Path(dir) / project
    stored = _resumed(project_dir, resume, where.run_id)
    layers: list[Layer] = []
    unread: list[Problem] = []
    if stored is not None:
        layers.append(stored.layer)
    else:
        _read_defaults(defaults, layers, unread)
    if config is not None:
        _read(lambda: source_layer(schema, config, role="config={...}"), layers, unread)
    for path in configs:
        _read(functools.partial(_file, path), layers, unread)
    if env_prefix:
        _read(lambda: env_layer(schema, os.environ, env_prefix), layers, unread)
    parsed = parse_overrides(schema, rest, allow_unknown=allow_unknown_args)
    layers.append(parsed.layer)
    validated = resolve(schema, layers, unread, problems + parsed.problems)
    if stored is not None and not allow_val_change:
        _check_resumed(schema, stored.layer, layers, validated)
    locked = [(key, parsed.layer.origin(tuple(key.split(".")))) for key in flatten(parsed.layer.data)]
    state = ConfigState(layers, locked)
    if stored is not None:  # the stored file holds every key; only those its sources set are set
        given = merge([layer.data for layer in layers[1:]])
        state.set_keys = set(flatten(given)) | stored.explicit_keys()
    attach_state(validated, state)
    state.started = True
    if "--print-config" in flags:
        sys.stdout.write(config_text(validated.to_flat(), state.setter_of))
        raise SystemExit(0)
    secrets = [
        str(v)
        for k, v in flatten(parsed.layer.data).items()
        if k in secret_keys(schema) and v not in (None, "")
    ]
    args = [_hide(arg, secrets) for arg in args]  # meta.json keeps argv: never a secret in clear
    return _start(
        validated,
        state,
        stored,
        project_dir,
        where.rank == 0,
        where.run_id,
        project,
        name,
        parsed.unknown,
        args,
    )


def _start(  # noqa: PLR0917 - one private call site, each argument named there
    config: H,
    state: ConfigState,
    stored: _Stored | None,
    project_dir: Path | None,
    writes: bool,
    job_id: str | None,
    project: str,
    name: str | None,
    unknown: list[str],
    argv: list[str],
) -> Run[H]:
    meta: dict[str, Any] = {}
    history: dict[str, list[dict[str, Any]]] = {}
    if stored is not None:
        run_id, meta, history = stored.run_id, stored.meta, stored.history
        run_dir = None if project_dir is None else project_dir / run_id
    elif project_dir is not None and writes:
        run_id, run_dir = create_run_dir(project_dir, job_id)
    else:
        run_id = job_id or new_run_id()
        run_dir = None if project_dir is None else project_dir / run_id
    schema = type(config)
    meta = {
        **meta,
        "schema": reference_of(schema),
        "schema_fingerprint": _schema_fingerprint(schema),
        "created": meta.get("created") or time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "argv": argv,
        "project": project,
        "name": name,
        "typed_config_version": VERSION,
    }
    descs = read_config(run_dir)[1] if stored is not None and run_dir is not None else {}
    return Run(
        config,
        state,
        run_id=run_id,
        run_dir=run_dir,
        project=project,
        name=name,
        unknown_args=unknown,
        writes=writes,
        meta=meta,
        descs=descs,
        history=history,
    )


def _hide(arg: str, secrets: list[str]) -> str:
    for secret in secrets:
        arg = arg.replace(secret, REDACTED)
    return arg


def _schema_fingerprint(schema: type[HyperParams]) -> str:
    """The sha256 of the schema's JSON Schema: a changed schema shows in ``meta.json``."""
    import hashlib  # kept out of import time

    try:
        text = json.dumps(schema.model_json_schema(), sort_keys=True, default=str)
    except Exception:  # noqa: BLE001 - a schema with types JSON Schema cannot express still runs
        text = repr(sorted(schema.model_fields))
    return hashlib.sha256(text.encode()).hexdigest()


@dataclass(frozen=True)
class _Stored:
    """A stored run being resumed."""

    run_id: str
    layer: Layer  # its config.yaml, with positions
    meta: dict[str, Any]
    history: dict[str, list[Any]]  # its provenance.json

    def explicit_keys(self) -> set[str]:
        """The keys its sources set (a chain longer than the schema default alone)."""
        return {key for key, chain in self.history.items() if len(chain) > 1}


def _resumed(project_dir: Path | None, resume: str | bool | None, job_id: str | None) -> _Stored | None:
    """The stored run to continue, if ``resume`` asks for one."""
    if resume is None or resume is False:
        return None
    if project_dir is None:
        raise TypeError("resume needs a run folder: pass dir= (not None)")
    run_id = (latest_run(project_dir) if resume is True else str(resume)) or job_id
    if run_id is None or not (project_dir / run_id / CONFIG).is_file():
        wanted = "no stored run" if resume is True else f"no stored run {show(resume)}"
        raise ConfigError([Problem(None, f"{wanted} to resume", Origin(path=str(project_dir)))])
    layer, _descs = read_config(project_dir / run_id)
    meta = read_json(project_dir / run_id / META)
    provenance = project_dir / run_id / PROVENANCE
    history = {k: v for k, v in read_json(provenance).items() if is_list(v)} if provenance.is_file() else {}
    return _Stored(run_id, layer, meta, history)


def _check_resumed(schema: type[H], stored: Layer, layers: list[Layer], validated: H) -> None:
    """On resume, a source that gives a different value than the stored one is an error."""
    before = validate(schema, [stored]).to_flat()
    after = validated.to_flat()
    changed = diff(before, after)
    problems: list[Problem] = []
    for key in [k for k in {**before, **after} if k in changed]:  # in the schema's order
        old, new = changed[key]
        source = next((layer for layer in reversed(layers[1:]) if layer.has(tuple(key.split(".")))), None)
        origin = source.origin(tuple(key.split("."))) if source is not None else Origin(text="resume")
        problems.append(
            Problem(
                key,
                f"the resumed run has {show(old)}; changing it to {show(new)} needs allow_val_change=True",
                origin,
            )
        )
    if problems:
        raise ConfigError(problems)


def _read_defaults(
    defaults: str | os.PathLike[str] | None, layers: list[Layer], unread: list[Problem]
) -> None:
    if defaults is None:
        return
    if isinstance(defaults, _DefaultFile) and not os.path.exists(defaults):
        return  # the conventional file is optional; an explicitly named one must exist
    _read(lambda: _file(defaults), layers, unread)


def _file(path: str | os.PathLike[str]) -> tuple[Layer, list[Problem]]:
    return file_layer(path), []


def _read(
    make: Callable[[], tuple[Layer, list[Problem]]], layers: list[Layer], unread: list[Problem]
) -> None:
    try:
        layer, problems = make()
    except ConfigError as exc:
        unread.extend(exc.problems)
        return
    if problems:
        unread.extend(problems)
    else:
        layers.append(layer)
