"""The ``typed-config`` command: validate config files, write defaults and JSON Schemas, flatten configs."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from typing import Final, NoReturn

from typed_config._cli.codegen import add_codegen_command
from typed_config._cli.common import (
    EXIT_OK,
    EXIT_PROBLEMS,
    EXIT_USAGE,
    PROG,
    UsageError,
    add_problem_format,
    add_schema,
    check_readable,
    error,
    omitted_record,
    out,
    problem_record,
    report,
    schema_of,
    write_output,
)
from typed_config._cli.completion import add_completion_command
from typed_config._cli.launch import add_launch_command, launch_arguments
from typed_config._cli.runs import add_run_commands
from typed_config._cli.sweep import add_sweep_commands
from typed_config._errors import ConfigError, checked, escaped
from typed_config._flat.flatten import flatten
from typed_config._model.defaults_file import defaults_json_schema, dump_defaults
from typed_config._model.load import catalog, load
from typed_config._model.model import HyperParams
from typed_config._schema.ref import first_line
from typed_config._script.init import VERSION
from typed_config._sources.files import FileLayer, file_layer

_DESCRIPTION: Final = """\
Check and convert typed_config configuration files against a schema.

exit status:
  0  success
  1  the input is a config with problems (validate; flatten --schema; sweep check/expand;
     launch, which also exits 1 when a run failed)
  2  usage error, or unreadable or invalid input to any other command
"""
WANDB_DEFAULTS: Final = "config-defaults.yaml"
_SHOWN_KEYS: Final = 5
_VALIDATE_HELP: Final = """\
Validate each FILE against the schema on its own (with --merge: all of them layered in order,
later files winning key by key). With the text format, each valid file gets a "FILE: ok" line on
stdout and each problem a "FILE:LINE:COL: KEY: MESSAGE" line on stderr. With --format json, stdout
holds one JSON array of problems, each {path, line, column, key, message, source}, [] when all are
valid; "source" is the whole position as text, and "path" is null when a problem has no file.
A file named config-defaults.yaml with a top-level key not written as {desc: ..., value: ...}
gets a warning on stderr (wandb.init reads that file itself and fails on such keys).
Exit status 0 when every file is valid, 1 when any has problems, 2 when a file cannot be read.
"""


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``typed-config`` command.

    Args:
        argv: the arguments after the program name; ``sys.argv[1:]`` when None.

    Returns:
        The exit status: 0 success, 1 a config with problems, 2 a usage error or unreadable input.
    """
    parser = _parser()
    arguments, carried = launch_arguments(sys.argv[1:] if argv is None else list(argv))
    if not arguments:  # nothing asked: the help, on stderr, as a usage error
        sys.stderr.write(parser.format_help())
        return EXIT_USAGE
    try:
        args = parser.parse_args(arguments)
    except SystemExit as exc:
        # argparse exits on --help (0) and on its own usage errors (2); main() only returns.
        return exc.code if isinstance(exc.code, int) else EXIT_USAGE
    for name, value in carried.items():
        setattr(args, name, value)
    try:
        return int(args.run(args))
    except UsageError as exc:
        error(str(exc))
        return EXIT_USAGE


def main_exit() -> NoReturn:
    """Run the ``typed-config`` command with ``sys.argv`` and exit with its status."""
    sys.exit(main())


class _Parser(argparse.ArgumentParser):
    """argparse, with its error line made safe to print (it quotes unrecognized arguments as given)."""

    def error(self, message: str) -> NoReturn:
        super().error(escaped(message))


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog=PROG, description=_DESCRIPTION, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--version", action="version", version=f"{PROG} {VERSION}")
    commands = parser.add_subparsers(title="commands", metavar="COMMAND", required=True)

    validate = commands.add_parser(
        "validate",
        help="check config files against a schema",
        description=_VALIDATE_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    validate.add_argument("files", nargs="+", metavar="FILE", help="config files to check")
    add_schema(validate, required=True)
    validate.add_argument(
        "--merge", action="store_true", help="layer the files in order and check the result"
    )
    add_problem_format(validate)
    _add_presets(validate)
    validate.set_defaults(run=_run_validate)

    defaults = commands.add_parser(
        "defaults",
        help="print a config-defaults.yaml of the schema's defaults",
        description="Print a config-defaults.yaml holding the schema's defaults, with descriptions as desc.",
    )
    add_schema(defaults, required=True)
    defaults.add_argument(
        "--output", metavar="PATH", help="write the file (atomically) instead of printing it"
    )
    defaults.set_defaults(run=_run_defaults)

    schema = commands.add_parser(
        "schema",
        help="print a JSON Schema for config-defaults.yaml files",
        description="Print a JSON Schema for config-defaults.yaml files of the schema, for editors.",
    )
    add_schema(schema, required=True)
    schema.add_argument("--output", metavar="PATH", help="write the file (atomically) instead of printing it")
    _add_presets(schema)
    schema.set_defaults(run=_run_schema)

    flat = commands.add_parser(
        "flatten",
        help="print a config file as one flat JSON object of dot-keys",
        description=(
            "Print FILE as one flat JSON object of dot-keys. With --schema, of the validated config, "
            "defaults included (exit status 1 when it has problems); without, of the file's values, "
            "desc/value wrappers unwrapped."
        ),
    )
    flat.add_argument("file", metavar="FILE", help="the config file")
    add_schema(flat, required=False)
    _add_presets(flat)
    flat.set_defaults(run=_run_flatten)
    add_run_commands(commands)
    add_sweep_commands(commands)
    add_launch_command(commands)
    add_codegen_command(commands)
    add_completion_command(commands, parser)
    return parser


def _add_presets(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "--presets",
        metavar="DIR",
        default="presets",
        help="the folder of presets a name chooses (presets/<dot.key>/<name>.yaml; default: presets)",
    )


# Commands -------------------------------------------------------------------------------------


def _run_validate(args: argparse.Namespace) -> int:
    schema = schema_of(args.schema)
    files: list[str] = args.files
    for path in files:
        check_readable(path)
    groups = [files] if args.merge else [[path] for path in files]
    errors: list[ConfigError] = []
    valid: list[list[str]] = []
    for path in files:
        _warn_wandb_unreadable(path)
    for group in groups:
        try:
            load(schema, *group, presets=args.presets)
        except ConfigError as exc:
            errors.append(exc)
        else:
            valid.append(group)
    if args.format == "json":
        records = [
            record
            for failed in errors
            for record in [
                *(problem_record(p) for p in failed.problems),
                *([omitted_record(failed)] if failed.omitted else []),
            ]
        ]
        out(json.dumps(records, indent=2) + "\n")
    else:
        out("".join(f"{escaped(' + '.join(group))}: ok\n" for group in valid))  # names as found on disk
        for failed in errors:
            report(failed)
    return EXIT_PROBLEMS if errors else EXIT_OK


def _warn_wandb_unreadable(path: str) -> None:
    """Warn when wandb's own loader, which ``wandb.init`` runs on this file, would fail on it."""
    if os.path.basename(path) != WANDB_DEFAULTS:
        return
    try:
        layer = checked(file_layer(path))
    except ConfigError:
        return  # validation reports it
    if not isinstance(layer, FileLayer):
        return
    # wandb reads `value` out of every top-level key: a plain value or a {desc} alone breaks it.
    keys = [key for key in layer.document.data if key not in layer.wrapped or key not in layer.data]
    if not keys:
        return
    shown = ", ".join(escaped(key) for key in keys[:_SHOWN_KEYS])
    shown += f" and {len(keys) - _SHOWN_KEYS} more" if len(keys) > _SHOWN_KEYS else ""
    origin = layer.origin((keys[0],), at_key=True)
    sys.stderr.write(
        f"{origin}: warning: {shown}: wandb.init reads {WANDB_DEFAULTS} itself and fails on a "
        "top-level key not written as {desc: ..., value: ...}\n"
    )


def _run_defaults(args: argparse.Namespace) -> int:
    schema = schema_of(args.schema)
    try:
        text = dump_defaults(schema)
    except TypeError as exc:
        # A default that YAML cannot hold (such as a dict with int keys): the schema is bad input.
        raise UsageError(f"cannot write the defaults of {schema.__name__}: {first_line(exc)}") from None
    if args.output is None:
        out(text)
    else:
        write_output(args.output, text)
    return EXIT_OK


def _run_schema(args: argparse.Namespace) -> int:
    schema = schema_of(args.schema)
    try:
        found = catalog(args.presets)
        listed = found.listing(schema) if found is not None else {}
    except ConfigError as exc:  # a preset name in two formats
        report(exc.problems)
        return EXIT_PROBLEMS
    text = json.dumps(defaults_json_schema(schema, listed), indent=2) + "\n"
    if args.output is None:
        out(text)
        return EXIT_OK
    write_output(args.output, text)
    return EXIT_OK


def _run_flatten(args: argparse.Namespace) -> int:
    path: str = args.file
    schema = None if args.schema is None else schema_of(args.schema)
    check_readable(path)
    if schema is None:
        try:
            flat = flatten(checked(file_layer(path)).data)
        except ConfigError as exc:
            # Not a validation: a file that cannot be read as a config is invalid input (status 2).
            report(exc)
            return EXIT_USAGE
    else:
        try:
            config = load(schema, path, presets=args.presets)
        except ConfigError as exc:
            report(exc)
            return EXIT_PROBLEMS
        try:
            flat = config.to_flat() if isinstance(config, HyperParams) else flatten(config)
        except ConfigError as exc:
            # Valid, yet not expressible as dot-keys (a dict with int keys): not a config problem.
            report(exc)
            return EXIT_USAGE
    out(json.dumps(flat, indent=2) + "\n")
    return EXIT_OK
