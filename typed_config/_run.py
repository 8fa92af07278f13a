"""``init`` and ``Run``: every source in wandb's order, validated once, with provenance; the run folder.

Precedence, lowest first: the schema's defaults < ``config-defaults.yaml`` < ``init(config=...)``
< each ``--configs`` file in order < environment variables (opt-in) < command-line overrides.
This is wandb's own order (its config files beat ``init(config=)``). Command-line values are
locked: they are a sweep's choices, and code cannot replace them.
"""

from __future__ import annotations

import functools
import json
import os
import secrets
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final, Generic, TypeVar, cast

from typed_config._defaults import dump_defaults
from typed_config._errors import ConfigError, Origin, Problem
from typed_config._fs import atomic_write
from typed_config._introspect import is_model, members, nested_models
from typed_config._keys import field_keys, flatten, to_plain
from typed_config._layers import MISSING, Layer, check_schema, lookup, provenance
from typed_config._load import resolve, source_layer
from typed_config._model import HyperParams, attach_state
from typed_config._sources.argv import parse_overrides
from typed_config._sources.env import env_layer
from typed_config._sources.files import file_layer
from typed_config._state import ConfigState
from typed_config._usage import config_text, help_text

H = TypeVar("H", bound=HyperParams)


class _DefaultFile(str):
    """The default ``defaults=``: read when it exists (an explicitly passed path must exist)."""

    __slots__ = ()


DEFAULTS_FILE: Final = _DefaultFile("config-defaults.yaml")


@dataclass(frozen=True)
class Setting:
    """One layer's value for a key: what it was, where it came from, and which source."""

    value: Any
    origin: Origin
    source: str


@dataclass(frozen=True)
class Explanation:
    """Where a key's value came from: the chain of settings, lowest first, the default included."""

    key: str
    value: Any
    chain: tuple[Setting, ...]

    def __str__(self) -> str:
        lines = [f"{self.key} = {_shown(self.value)}"]
        lines += [f"  {setting.origin}: {_shown(setting.value)}" for setting in self.chain]
        return "\n".join(lines)


def _shown(value: Any) -> str:
    return json.dumps(to_plain(value), ensure_ascii=False)


class Run(Generic[H]):
    """A training run: its validated, typed config, where each value came from, and its folder."""

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
    ) -> None:
        self.config: H = config
        self.id = run_id
        self.dir = run_dir
        self.project = project
        self.name = name
        self.unknown_args = unknown_args
        self._state = state

    def explain(self, key: str) -> Explanation:
        """The chain of sources that set ``key`` (a dot-key), lowest first, starting at the default.

        Raises:
            KeyError: no such key.
        """
        value = self.config[key]
        path = tuple(key.split("."))
        chain = [
            Setting(default, Origin(text="schema default"), "default")
            for default in _default_at(type(self.config), path)
        ]
        chain += [Setting(v, origin, layer.name) for layer, v, origin in provenance(self._state.layers, path)]
        return Explanation(key, value, tuple(chain))

    def origin_of(self, key: str) -> Origin | None:
        """Where the current value of ``key`` came from (None for a schema default)."""
        return self._state.setter_of(key)

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

    Returns:
        The run; ``run.config`` is an instance of ``schema``.

    Raises:
        ConfigError: every problem in every source, each with its origin.
        TypeError: ``schema`` is not ``HyperParams`` all the way down.
        SystemExit: after printing ``--help`` or ``--print-config`` (status 0), as argparse does.
    """
    _check_run_schema(schema)
    args = list(_default_argv() if argv is None else argv)
    configs, rest, flags, problems = _split(args)
    if "--help" in flags:
        sources = ["config-defaults.yaml", "config=...", "--configs files"]
        if env_prefix:
            sources.append(f"${env_prefix}* variables")
        sys.stdout.write(help_text(schema, os.path.basename(sys.argv[0]) or "train.py", sources))
        raise SystemExit(0)
    layers: list[Layer] = []
    unread: list[Problem] = []
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
    locked = [(key, parsed.layer.origin(tuple(key.split(".")))) for key in flatten(parsed.layer.data)]
    state = ConfigState(layers, locked)
    attach_state(validated, state)
    state.started = True
    if "--print-config" in flags:
        sys.stdout.write(config_text(validated.to_flat(), state.setter_of))
        raise SystemExit(0)
    run_id = _run_id()
    run = Run(
        validated,
        state,
        run_id=run_id,
        run_dir=None if dir is None else Path(dir) / project / run_id,
        project=project,
        name=name,
        unknown_args=parsed.unknown,
    )
    if run.dir is not None:
        _write_run(run, args)
    return run


def _check_run_schema(schema: object) -> None:
    check_schema(schema)
    if not (isinstance(schema, type) and issubclass(schema, HyperParams)):
        raise TypeError(f"init needs a HyperParams schema, not {schema!r}")
    for model in nested_models(schema):
        for name, _key in field_keys(model):
            for member in members(model.model_fields[name].annotation):
                if is_model(member) and not issubclass(member, HyperParams):
                    raise TypeError(
                        f"{model.__name__}.{name}: {member.__name__} is a plain BaseModel; init needs "
                        "HyperParams all the way down, so every change is validated, locked and recorded"
                    )


def _default_argv() -> list[str]:
    # A Jupyter kernel runs as `ipykernel_launcher.py -f kernel.json`: those are not overrides.
    if "ipykernel" in sys.modules or sys.argv[0].endswith("ipykernel_launcher.py"):
        return []
    return sys.argv[1:]


def _split(argv: list[str]) -> tuple[list[str], list[str], set[str], list[Problem]]:
    """Take ``--configs FILE...``, ``--help`` and ``--print-config`` out; the rest are overrides."""
    configs: list[str] = []
    rest: list[str] = []
    flags: set[str] = set()
    problems: list[Problem] = []
    index = 0
    while index < len(argv):
        arg = argv[index]
        index += 1
        if arg == "--":
            rest.extend(argv[index - 1 :])
            break
        if arg in ("-h", "--help"):
            flags.add("--help")
        elif arg in ("--print-config", "--print_config"):
            flags.add("--print-config")
        elif arg.startswith("--configs="):
            configs.extend(p for p in arg.split("=", 1)[1].split(",") if p)
        elif arg == "--configs":
            start = index
            while index < len(argv) and not argv[index].startswith("-"):
                index += 1
            if index == start:
                problems.append(Problem(None, "expected one or more config files", Origin(text=arg)))
            configs.extend(argv[start:index])
        else:
            rest.append(arg)
    return configs, rest, flags, problems


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


def _default_at(schema: type[HyperParams], path: tuple[str, ...]) -> list[Any]:
    """The schema default at ``path`` (one item), or nothing when the key has no default."""
    node: Any = schema
    for index, part in enumerate(path):
        if isinstance(node, type) and is_model(node):
            fields = dict(field_keys(node))
            names = {key: name for name, key in fields.items()}
            info = node.model_fields.get(names.get(part, ""))
            if info is None or info.is_required():
                return []
            value = info.get_default(call_default_factory=True, validated_data={})
            if index == len(path) - 1:
                return [value]
            node = value if isinstance(value, HyperParams) else info.annotation
        elif isinstance(node, HyperParams):
            try:
                node = node[".".join(path[index:])]
            except KeyError:
                return []
            return [node]
        else:
            here = cast("object", node)
            found: Any = lookup(to_plain(here), path[index:])
            return [] if found is MISSING else [found]
    return [node]


def _run_id() -> str:
    """Unique across processes and sorted by creation time: ``20261129-184512-3fa9c1``."""
    return time.strftime("%Y%m%d-%H%M%S", time.gmtime()) + "-" + secrets.token_hex(3)


def _write_run(run: Run[H], argv: list[str]) -> None:
    """Write ``config.yaml`` (the desc/value format), ``provenance.json`` and ``meta.json``, atomically."""
    assert run.dir is not None  # noqa: S101 - the caller checked
    run.dir.mkdir(parents=True, exist_ok=True)
    atomic_write(run.dir / "config.yaml", dump_defaults(run.config))
    chains = {
        key: [
            {"source": s.source, "origin": str(s.origin), "value": to_plain(s.value)}
            for s in run.explain(key).chain
        ]
        for key in run.config.to_flat()
    }
    atomic_write(run.dir / "provenance.json", json.dumps(chains, indent=2, ensure_ascii=False) + "\n")
    schema = type(run.config)
    meta = {
        "schema": f"{schema.__module__}:{schema.__qualname__}",
        "config_fingerprint": run.config.fingerprint(),
        "created": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "argv": argv,
        "project": run.project,
        "name": run.name,
        "typed_config_version": "0.1.0",
    }
    atomic_write(run.dir / "meta.json", json.dumps(meta, indent=2) + "\n")
