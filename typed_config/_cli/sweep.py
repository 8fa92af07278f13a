"""The ``typed-config sweep`` commands: check a wandb sweep file against a schema, and expand it locally."""

from __future__ import annotations

import argparse
import json
import os
from typing import Any, Final

from pydantic import BaseModel

from typed_config._cli.common import (
    EXIT_OK,
    EXIT_PROBLEMS,
    EXIT_USAGE,
    UsageError,
    add_problem_format,
    add_schema,
    check_readable,
    out,
    problem_record,
    report,
    schema_of,
)
from typed_config._cli.sweep_init import add_init_command
from typed_config._errors import ConfigError, escaped
from typed_config._flat.flatten import flatten
from typed_config._fs import atomic_write
from typed_config._keys.values import lookup, to_plain
from typed_config._schema.ref import first_line
from typed_config._script.init import DEFAULTS_FILE
from typed_config._sweep.expand import expand_runs
from typed_config._types import Path
from typed_config._yaml.dump import dump_mapping
from typed_config.sweep import check

_SCHEMA_HELP: Final = (
    "the schema of the swept program, as MODULE:CLASS (a dotted module importable from the current "
    "folder) or path/to/file.py:CLASS"
)
_CHECK_HELP: Final = """\
Check a wandb sweep file against the schema of the program it runs: every parameter must name a
key of the schema (nested parameters: blocks or dotted names), every value and values entry must
validate for its field, and a distribution must only draw values the field takes (log_uniform
bounds are exponents; normal is unbounded). The other keys are checked as wandb's sweep schema
takes them (only method is required); a grid may make at most 1,000,000 configs unless run_cap
limits it. With the text format, a valid file gets a "FILE: ok" line on stdout and each problem a
"FILE:LINE:COL: KEY: MESSAGE" line on stderr; with --format json, stdout holds one JSON array of
problems, each {path, line, column, key, message, source}. Exit status 0 when the sweep is valid,
1 when it has problems, 2 when it cannot be read.
"""
_EXPAND_HELP: Final = """\
Expand a grid or random sweep into the configs its runs would get, each validated against the
schema (bayes and custom sweeps need the wandb server). Each config is the sweep's values over
config-defaults.yaml in the current folder (when it exists, as init reads it; --defaults FILE or
--no-defaults to choose) and the schema's defaults. A grid gives every combination in wandb's
order (at most 1,000,000 unless --count or run_cap limits it); a random sweep draws --count
configs (default: the file's run_cap) with --seed. By default stdout holds one JSON object of
dot-keys per config, the full config, one per line; --out DIR writes DIR/config-0001.yaml, ...
holding the swept keys only, for `python train.py --configs DIR/config-0001.yaml` beside the same
defaults file. Exit status 0 on success, 1 when the sweep or a config it makes has problems
(nothing is written then), 2 when an input cannot be read.
"""


def add_sweep_commands(commands: Any) -> None:
    """Register ``sweep check`` and ``sweep expand`` on the ``typed-config`` subparsers."""
    sweep = commands.add_parser(
        "sweep",
        help="check a wandb sweep file against a schema, or expand it into configs",
        description="Check a wandb sweep file against a schema, or expand it locally into configs.",
    )
    actions = sweep.add_subparsers(title="sweep commands", metavar="COMMAND", required=True)
    checking = actions.add_parser(
        "check",
        help="check a sweep file against a schema",
        description=_CHECK_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    checking.add_argument("file", metavar="SWEEP.yaml", help="the sweep configuration file")
    add_schema(checking, required=True, help=_SCHEMA_HELP)
    add_problem_format(checking)
    checking.set_defaults(run=_run_check)

    expanding = actions.add_parser(
        "expand",
        help="expand a grid or random sweep into validated configs",
        description=_EXPAND_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    expanding.add_argument("file", metavar="SWEEP.yaml", help="the sweep configuration file")
    add_schema(expanding, required=True, help=_SCHEMA_HELP)
    expanding.add_argument(
        "--count", type=int, metavar="N", help="how many configs (random: required without run_cap)"
    )
    expanding.add_argument(
        "--seed", type=int, default=0, metavar="S", help="the seed of a random sweep (default: 0)"
    )
    under = expanding.add_mutually_exclusive_group()
    under.add_argument(
        "--defaults",
        metavar="FILE",
        help="the defaults file under the sweep's values (default: config-defaults.yaml when it exists)",
    )
    under.add_argument("--no-defaults", action="store_true", help="read no defaults file")
    where = expanding.add_mutually_exclusive_group()
    where.add_argument("--out", metavar="DIR", help="write one config-NNNN.yaml per config into DIR")
    where.add_argument(
        "--format", choices=("jsonl",), default="jsonl", help="print one JSON object per line (the default)"
    )
    expanding.set_defaults(run=_run_expand)
    add_init_command(actions)


def _run_check(args: argparse.Namespace) -> int:
    schema = schema_of(args.schema)
    path: str = args.file
    check_readable(path)
    problems = check(schema, path)
    if args.format == "json":
        out(json.dumps([problem_record(p) for p in problems], indent=2) + "\n")
    else:
        out("" if problems else f"{escaped(path)}: ok\n")
        report(problems)
    return EXIT_PROBLEMS if problems else EXIT_OK


def _run_expand(args: argparse.Namespace) -> int:
    schema = schema_of(args.schema)
    path: str = args.file
    check_readable(path)
    if args.defaults is not None:
        check_readable(args.defaults)
    if args.count is not None and args.count < 0:
        raise UsageError(f"--count must be 0 or more, not {args.count}")
    defaults = None if args.no_defaults else args.defaults or DEFAULTS_FILE
    try:
        # every config is valid before anything is written
        runs = list(expand_runs(schema, path, count=args.count, seed=args.seed, defaults=defaults))
    except TypeError as exc:  # a random sweep without a count: the command line lacks --count
        raise UsageError(str(exc)) from None
    except ConfigError as exc:
        report(exc.problems)
        return EXIT_PROBLEMS
    if args.out is None:
        return _print_lines([config for config, _ in runs])
    try:
        texts = [_swept_text(config, swept, path) for config, swept in runs]
    except TypeError as exc:  # a value YAML cannot hold: not a sweep problem
        raise UsageError(f"cannot write a config of {schema.__name__}: {first_line(exc)}") from None
    try:
        os.makedirs(args.out, exist_ok=True)
        for number, text in enumerate(texts, 1):
            atomic_write(os.path.join(args.out, f"config-{number:04d}.yaml"), text)
    except OSError as exc:
        raise UsageError(f"cannot write into {args.out}: {exc.strerror or exc}") from None
    except ConfigError as exc:  # a config file there is a symbolic link
        raise UsageError(f"cannot write {exc.problems[0]}") from None
    out(f"wrote {len(texts)} configs into {escaped(args.out)}\n")
    return EXIT_OK


def _swept_text(config: BaseModel, swept: list[Path], sweep: str) -> str:
    """A --configs file of the keys the sweep set, with the values the config has there."""
    plain = to_plain(config, reveal=True)
    values: dict[str, Any] = {}
    for path in swept:
        node: Any = values
        for part in path[:-1]:
            node = node.setdefault(part, {})
        node[path[-1]] = lookup(plain, path)
    document = {key: {"value": value} for key, value in values.items()}  # the wrapper form, as DESIGN says
    header = (
        f"# the keys {escaped(sweep)} sets in this run; config-defaults.yaml and the schema give the others\n"
    )
    return header + dump_mapping(document)


def _print_lines(configs: list[BaseModel]) -> int:
    try:
        lines = [json.dumps(flatten(config)) + "\n" for config in configs]
    except ConfigError as exc:  # valid, yet not expressible as dot-keys (a dict with int keys)
        report(exc.problems)
        return EXIT_USAGE
    out("".join(lines))
    return EXIT_OK
