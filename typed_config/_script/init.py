"""``init``: every source in wandb's order, validated once, into a run with provenance, kept on disk.

Precedence, lowest first: the schema's defaults < ``config-defaults.yaml`` < ``init(config=...)``
< each ``--configs`` file in order < secret files (opt-in) < environment variables and a ``.env``
file (opt-in) < command-line overrides.
This is wandb's own order (its config files beat ``init(config=)``). Command-line values are
locked: they are a sweep's choices, and code cannot replace them. A resumed run starts from its
stored config instead of the defaults file.
"""

from __future__ import annotations

import functools
import json
import os
import sys
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Final, NoReturn

from typed_config._compose.catalog import DEFAULT_FOLDER
from typed_config._compose.follow import run_follows
from typed_config._compose.stored import resumed_layer
from typed_config._errors import ConfigError, Origin, ProblemList
from typed_config._flat.flatten import flatten, flatten_fields
from typed_config._keys.values import field_keys, to_plain
from typed_config._layers.layers import Layer, gather
from typed_config._layers.merge import merge
from typed_config._model.load import Presets, catalog, resolve, source_layer
from typed_config._model.model import H, HyperParams, attach_state
from typed_config._model.state import ConfigState
from typed_config._run.folder import RunFolder, process_fields
from typed_config._run.ids import check_name, new_run_id
from typed_config._run.launcher import launch_of, launcher, note_launched_run
from typed_config._run.resume import Stored, as_stored, check_resumed, missing_secrets, resumed, secrets_only
from typed_config._run.run import Run
from typed_config._schema.check import check_schema
from typed_config._schema.derived import computed_from, is_computed
from typed_config._schema.ref import reference_of
from typed_config._schema.secrets import secret_at_key
from typed_config._schema.types import is_model, members, nested_models
from typed_config._script.argparse_flags import split_configs
from typed_config._script.commands import choose_command
from typed_config._script.settings import check_settings_arguments, settings_layers
from typed_config._script.usage import config_text, print_help
from typed_config._sources.argv import argv_layer, default_argv, split_run_arguments
from typed_config._sources.files import file_layer, sweep_param_layer
from typed_config._types import per_class

VERSION: Final = "0.1.0"


class _DefaultFile(str):
    """The default ``defaults=``: read when it exists (an explicitly passed path must exist)."""

    __slots__ = ()


DEFAULTS_FILE: Final = _DefaultFile("config-defaults.yaml")


def init(
    schema: type[H] | Mapping[str, type[H]],
    *,
    config: object = None,
    argv: Sequence[str] | None = None,
    defaults: str | os.PathLike[str] | None = DEFAULTS_FILE,
    dir: str | os.PathLike[str] | None = "runs",  # wandb's name for it
    project: str = "default",
    name: str | None = None,
    env_prefix: str | None = None,
    env_file: str | os.PathLike[str] | None = None,
    env_strict: bool = False,
    secrets_dir: str | os.PathLike[str] | None = None,
    allow_unknown_args: bool = False,
    resume: str | bool | None = None,
    allow_val_change: bool = False,
    presets: Presets = DEFAULT_FOLDER,
) -> Run[H]:
    """Start a run: read every source, validate once, and return the typed config with provenance.

    Args:
        schema: a ``HyperParams`` class (nested models must be ``HyperParams`` too), or a mapping
            of command names to such classes: the first argument names the command
            (``train.py fit --epochs 3``), ``run.command`` is its name and ``run.config`` an
            instance of its class.
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
        env_file: a ``.env`` file of such variables, read when it exists (the real environment
            wins); needs ``env_prefix``.
        env_strict: a variable with the prefix that names no key is an error, not a warning.
        secrets_dir: a folder of secret files, one per ``SecretStr``/``SecretBytes`` key
            (``optimizer__api_key``), below the environment in precedence.
        allow_unknown_args: leave unknown options in ``run.unknown_args`` instead of failing.
        resume: continue a stored run: its id, or True for the project's latest run.
        allow_val_change: on resume, let the sources change values the stored run has.
        presets: the presets folder (``presets/`` by default; read when it exists), presets
            written in Python (``{"optimizer": {"fast": Adam(lr=1e-2)}}``, beside those of
            ``presets/``), or None for none.

    Returns:
        The run; ``run.config`` is an instance of ``schema``.

    Raises:
        ConfigError: every problem in every source, each with its origin.
        TypeError: ``schema`` is not ``HyperParams`` all the way down, or ``argv`` is a string.
        SystemExit: after printing ``--help`` or ``--print-config`` (status 0), as argparse does.
    """
    if isinstance(argv, str):
        raise TypeError("argv must be a list of arguments, not a single string")
    args = list(default_argv() if argv is None else argv)
    command = None
    if not isinstance(schema, type):
        command, schema, args = choose_command(schema, args)
    check_run_schema(schema)
    check_settings_arguments(env_prefix, env_file, env_strict)
    configs, rest, flags, problems, rest_at = split_run_arguments(args)
    where = launcher()
    project_dir = None if dir is None else Path(dir) / check_name(project, Origin(text="project="), "project")
    stored = resumed(schema, project_dir, resume, where.run_id)
    layers: list[Layer] = []
    unread = ProblemList()
    _read_base(stored, defaults, layers, unread)
    _read_code_and_files(schema, config, configs, layers, unread)
    settings, problems_reading = settings_layers(
        schema,
        env_prefix=env_prefix,
        env_file=env_file,
        env_strict=env_strict,
        secrets_dir=secrets_dir,
        environ=os.environ,
    )
    layers.extend(settings)
    unread.extend(problems_reading)
    sweep = _sweep_parameters(layers, unread)
    if "--help" in flags:
        print_help(
            schema,
            layers,
            command=command,
            env_prefix=env_prefix,
            env_file=env_file,
            secrets_dir=secrets_dir,
            presets=_preset_names(schema, presets),
        )
    parsed = argv_layer(schema, rest, allow_unknown=allow_unknown_args)
    layers.append(parsed.layer)
    if stored is not None:
        unread += missing_secrets(stored, layers[1:])
    validated = resolve(schema, layers, unread, problems + parsed.problems, presets)
    if stored is not None and not allow_val_change:
        check_resumed(schema, stored, layers, validated)
    state = _state(layers, [parsed.layer] if sweep is None else [sweep, parsed.layer], stored)
    attach_state(validated, state)
    state.follows = run_follows(validated, layers, state, functools.partial(attach_state, validated, state))
    state.started = True
    if "--print-config" in flags:
        _print_config(schema, validated, state)
    for at, shown in zip(rest_at, parsed.shown, strict=True):
        args[at] = shown  # meta.json keeps argv: an argument that gives a secret, redacted whole
    if command is not None:
        args = [command, *args]
    run = _start(
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
        command,
    )
    run.command = command
    return run


def _read_code_and_files(
    schema: type[H], config: object, configs: Sequence[str], layers: list[Layer], unread: ProblemList
) -> None:
    """The layers above the defaults: ``config=`` (a Namespace's files first), then ``--configs`` files."""
    config, namespace_files = split_configs(config, schema)
    for path in namespace_files:  # below the Namespace's own values, as on a command line
        gather(file_layer(path), layers, unread)
    if config is not None:
        gather(source_layer(schema, config, role="config={...}"), layers, unread)
    for path in configs:
        gather(file_layer(path), layers, unread)


def _state(layers: list[Layer], locking: list[Layer], stored: Stored | None) -> ConfigState:
    """The run's state: the keys the command line (and a sweep's parameters) lock, and which are set."""
    locked = [(key, layer.origin(tuple(key.split(".")))) for layer in locking for key in flatten(layer.data)]
    state = ConfigState(layers, locked)
    if stored is not None:  # the stored file holds every key; only those its sources set are set
        given = merge([layer.data for layer in layers[1:]])
        state.set_keys = set(flatten(given)) | stored.explicit_keys()
    return state


def _print_config(schema: type[H], validated: H, state: ConfigState) -> NoReturn:
    """``--print-config``: the resolved config as YAML with each value's origin, then exit 0."""
    flat = validated.to_flat()
    hidden = [key for key in flat if secret_at_key(schema, key)]

    def origin(key: str) -> Origin | None:
        return _computed_origin(schema, key) or state.setter_of(key)

    sys.stdout.write(config_text(to_plain(validated), flat, origin, hidden))
    raise SystemExit(0)


def _start(  # noqa: PLR0917 - one private call site, each argument named there
    config: H,
    state: ConfigState,
    stored: Stored | None,
    project_dir: Path | None,
    writes: bool,
    job_id: str | None,
    project: str,
    name: str | None,
    unknown: list[str],
    argv: list[str],
    command: str | None,
) -> Run[H]:
    meta: dict[str, Any] = {}
    history: dict[str, list[dict[str, Any]]] = {}
    if stored is not None:
        run_id, meta, history = stored.run_id, stored.meta, stored.history
        run_dir = None if project_dir is None else project_dir / run_id
    elif project_dir is not None and writes:
        run_dir = RunFolder.create(project_dir, job_id).path
        run_id = run_dir.name
    else:
        run_id = job_id or new_run_id()
        run_dir = None if project_dir is None else project_dir / run_id
    schema = type(config)
    meta = {
        **meta,
        "schema": reference_of(schema),
        "schema_fingerprint": _schema_fingerprint(schema) if run_dir is not None and writes else None,
        "created": meta.get("created") or time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "created_ns": meta.get("created_ns") or time.time_ns(),
        "argv": argv,
        "project": project,
        "name": name,
        **({"command": command} if command is not None else {}),
        "typed_config_version": VERSION,
    }
    if run_dir is not None and writes:  # the process this run lives in, and the launch it is a job of
        launched = launch_of()
        meta.update(process_fields(), **({"launch": launched} if launched else {}))
        note_launched_run(run_dir)
    descs = stored.descs if stored is not None and run_dir is not None else {}
    written = flatten_fields(as_stored(schema, stored, config)) if stored is not None else None
    run = Run(
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
        written=written,
    )
    run._start()  # noqa: SLF001  # pyright: ignore[reportPrivateUsage] - making a Run does no I/O; init starts it
    return run


def _schema_fingerprint(schema: type[HyperParams]) -> str:
    """The sha256 of the schema's JSON Schema: a changed schema shows in ``meta.json`` (once per class)."""
    return per_class(schema, "__typed_config_schema_fingerprint__", _json_schema_sha256)


def _json_schema_sha256(schema: type[HyperParams]) -> str:
    import hashlib  # kept out of import time

    try:
        text = json.dumps(schema.model_json_schema(), sort_keys=True, default=str)
    except Exception:  # noqa: BLE001 - a schema with types JSON Schema cannot express still runs
        text = repr(sorted(schema.model_fields))
    return hashlib.sha256(text.encode()).hexdigest()


def _read_base(
    stored: Stored | None, defaults: str | os.PathLike[str] | None, layers: list[Layer], unread: ProblemList
) -> None:
    """The lowest layers: the defaults file, or a resumed run's stored config instead.

    A resumed run reads the defaults file only for the secrets it must be given again.
    """
    if stored is None:
        _read_defaults(defaults, layers, unread)
        return
    # Its references followed again (a redacted secret's too: the stored layer dropped its marker).
    layers.append(resumed_layer(stored.layer, stored.history, stored.redacted))
    if stored.needed():
        found: list[Layer] = []
        _read_defaults(defaults, found, unread)
        layers += [secrets_only(layer, stored.needed()) for layer in found]


def _read_defaults(defaults: str | os.PathLike[str] | None, layers: list[Layer], unread: ProblemList) -> None:
    if defaults is None:
        return
    if isinstance(defaults, _DefaultFile) and not os.path.exists(defaults):
        return  # the conventional file is optional; an explicitly named one must exist
    gather(file_layer(defaults), layers, unread)


def _sweep_parameters(layers: list[Layer], unread: ProblemList) -> Layer | None:
    """Under ``wandb agent``, the run's parameters from the file it names: a sweep's choices, locked."""
    path = os.environ.get("WANDB_SWEEP_PARAM_PATH")
    if not path or not os.path.isfile(path):
        return None
    return gather(sweep_param_layer(path), layers, unread)


def check_run_schema(schema: object) -> None:
    """Refuse a schema that is not HyperParams all the way down (``init`` needs every change checked)."""
    check_schema(schema)
    if not (isinstance(schema, type) and issubclass(schema, HyperParams)):
        raise TypeError(f"init needs a HyperParams schema, not {schema!r}")
    per_class(schema, "__typed_config_run_checked__", _check_all_hyperparams)


def _check_all_hyperparams(schema: type[HyperParams]) -> bool:
    for model in nested_models(schema):
        for name, _key in field_keys(model):
            for member in members(model.model_fields[name].annotation):
                if is_model(member) and not issubclass(member, HyperParams):
                    raise TypeError(
                        f"{model.__name__}.{name}: {member.__name__} is a plain BaseModel; init needs "
                        "HyperParams all the way down, so every change is validated, locked and recorded"
                    )
    return True


def _preset_names(schema: type[HyperParams], presets: Presets) -> dict[str, list[str]]:
    try:
        found = catalog(presets)
        return {} if found is None else found.listing(schema)
    except ConfigError:
        return {}  # a name in two formats: the run itself reports it


def _computed_origin(schema: type[H], key: str) -> Origin | None:
    """For ``--print-config``: a computed key's origin is the fields it is computed from."""
    parts = key.split(".")
    owner = is_computed(schema, parts)
    return Origin(text=f"computed{computed_from(owner, parts[-1])}") if owner is not None else None
