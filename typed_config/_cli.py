"""The ``typed-config`` command: validate config files, write defaults and JSON Schemas, flatten configs."""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import itertools
import json
import os
import re
import sys
from collections.abc import Iterable, Sequence
from typing import Any, Final, NoReturn

from pydantic import BaseModel

from typed_config._defaults import defaults_json_schema, dump_defaults
from typed_config._errors import ConfigError, Problem
from typed_config._keys import flatten
from typed_config._layers import check_schema
from typed_config._load import load
from typed_config._model import HyperParams
from typed_config._sources.files import file_layer

PROG: Final = "typed-config"

EXIT_OK: Final = 0
EXIT_PROBLEMS: Final = 1
EXIT_USAGE: Final = 2

_SCHEMA_HELP: Final = (
    "the schema, as MODULE:CLASS (a dotted module importable from the current folder) "
    "or path/to/file.py:CLASS"
)
_DESCRIPTION: Final = """\
Check and convert typed_config configuration files against a schema.

exit status:
  0  success
  1  the input is a config with problems (validate; flatten --schema)
  2  usage error, or unreadable or invalid input to any other command
"""
_VALIDATE_HELP: Final = """\
Validate each FILE against the schema on its own (with --merge: all of them layered in order,
later files winning key by key). With the text format, each valid file gets a "FILE: ok" line on
stdout and each problem a "FILE:LINE:COL: KEY: MESSAGE" line on stderr. With --format json, stdout
holds one JSON array of problems, each {path, line, column, key, message, source}, [] when all are
valid; "source" is the whole position as text, and "path" is null when a problem has no file.
Exit status 0 when every file is valid, 1 when any has problems, 2 when a file cannot be read.
"""

# Each module loaded from a file gets its own name, so two schema files never replace each other.
_FILE_MODULES: Final = itertools.count()


class UsageError(Exception):
    """A bad command line: reported as one line on stderr with exit status 2."""


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``typed-config`` command.

    Args:
        argv: the arguments after the program name; ``sys.argv[1:]`` when None.

    Returns:
        The exit status: 0 success, 1 a config with problems, 2 a usage error or unreadable input.
    """
    parser = _parser()
    try:
        args = parser.parse_args(sys.argv[1:] if argv is None else list(argv))
    except SystemExit as exc:
        # argparse exits on --help (0) and on its own usage errors (2); main() only returns.
        return exc.code if isinstance(exc.code, int) else EXIT_USAGE
    try:
        return int(args.run(args))
    except UsageError as exc:
        _error(str(exc))
        return EXIT_USAGE


def main_exit() -> NoReturn:
    """Run the ``typed-config`` command with ``sys.argv`` and exit with its status."""
    sys.exit(main())


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=PROG, description=_DESCRIPTION, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    commands = parser.add_subparsers(title="commands", metavar="COMMAND", required=True)

    validate = commands.add_parser(
        "validate",
        help="check config files against a schema",
        description=_VALIDATE_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    validate.add_argument("files", nargs="+", metavar="FILE", help="config files to check")
    _add_schema(validate, required=True)
    validate.add_argument(
        "--merge", action="store_true", help="layer the files in order and check the result"
    )
    validate.add_argument(
        "--format", choices=("text", "json"), default="text", help="how to report problems (default: text)"
    )
    validate.set_defaults(run=_run_validate)

    defaults = commands.add_parser(
        "defaults",
        help="print a config-defaults.yaml of the schema's defaults",
        description="Print a config-defaults.yaml holding the schema's defaults, with descriptions as desc.",
    )
    _add_schema(defaults, required=True)
    defaults.add_argument(
        "--output", metavar="PATH", help="write the file (atomically) instead of printing it"
    )
    defaults.set_defaults(run=_run_defaults)

    schema = commands.add_parser(
        "schema",
        help="print a JSON Schema for config-defaults.yaml files",
        description="Print a JSON Schema for config-defaults.yaml files of the schema, for editors.",
    )
    _add_schema(schema, required=True)
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
    _add_schema(flat, required=False)
    flat.set_defaults(run=_run_flatten)
    return parser


def _add_schema(parser: argparse.ArgumentParser, *, required: bool) -> None:
    parser.add_argument("--schema", required=required, metavar="MODULE:CLASS", help=_SCHEMA_HELP)


# Commands -------------------------------------------------------------------------------------


def _run_validate(args: argparse.Namespace) -> int:
    schema = resolve_schema(args.schema)
    files: list[str] = args.files
    for path in files:
        _check_readable(path)
    groups = [files] if args.merge else [[path] for path in files]
    problems: list[Problem] = []
    valid: list[list[str]] = []
    for group in groups:
        try:
            load(schema, *group)
        except ConfigError as exc:
            problems.extend(exc.problems)
        else:
            valid.append(group)
    if args.format == "json":
        _out(json.dumps([_problem_record(p) for p in problems], indent=2) + "\n")
    else:
        _out("".join(f"{' + '.join(group)}: ok\n" for group in valid))
        _report(problems)
    return EXIT_PROBLEMS if problems else EXIT_OK


def _run_defaults(args: argparse.Namespace) -> int:
    schema = resolve_schema(args.schema)
    try:
        text = dump_defaults(schema, args.output)
    except OSError as exc:
        raise UsageError(f"cannot write {args.output}: {exc.strerror or exc}") from None
    except TypeError as exc:
        # A default that YAML cannot hold (such as a dict with int keys): the schema is bad input.
        raise UsageError(f"cannot write the defaults of {schema.__name__}: {_first_line(exc)}") from None
    if args.output is None:
        _out(text)
    return EXIT_OK


def _run_schema(args: argparse.Namespace) -> int:
    schema = resolve_schema(args.schema)
    _out(json.dumps(defaults_json_schema(schema), indent=2) + "\n")
    return EXIT_OK


def _run_flatten(args: argparse.Namespace) -> int:
    path: str = args.file
    schema = None if args.schema is None else resolve_schema(args.schema)
    _check_readable(path)
    if schema is None:
        try:
            flat = flatten(file_layer(path).data)
        except ConfigError as exc:
            # Not a validation: a file that cannot be read as a config is invalid input (status 2).
            _report(exc.problems)
            return EXIT_USAGE
    else:
        try:
            config = load(schema, path)
        except ConfigError as exc:
            _report(exc.problems)
            return EXIT_PROBLEMS
        try:
            flat = config.to_flat() if isinstance(config, HyperParams) else flatten(config)
        except ConfigError as exc:
            # Valid, yet not expressible as dot-keys (a dict with int keys): not a config problem.
            _report(exc.problems)
            return EXIT_USAGE
    _out(json.dumps(flat, indent=2) + "\n")
    return EXIT_OK


# Schema references ----------------------------------------------------------------------------


def resolve_schema(reference: str) -> type[BaseModel]:
    """Import the model class named by ``MODULE:CLASS`` or ``path/to/file.py:CLASS``.

    A dotted module is imported with the current folder first on ``sys.path``; a file is loaded
    under a module name of its own. ``CLASS`` may be dotted to reach a nested class.

    Args:
        reference: the ``--schema`` argument.

    Returns:
        The model class.

    Raises:
        UsageError: the reference is malformed, or its module or class cannot be loaded or is
            not a pydantic model; the message is one line naming what failed.
    """
    where, colon, class_path = reference.rpartition(":")
    if not colon or not where or not class_path:
        raise UsageError(f"--schema {reference!r}: expected MODULE:CLASS or path/to/file.py:CLASS")
    is_file = where.endswith(".py") or "/" in where or os.sep in where
    module = _import_file(reference, where) if is_file else _import_module(reference, where)
    target: object = module
    for part in class_path.split("."):
        try:
            target = getattr(target, part)
        except AttributeError:
            raise UsageError(f"--schema {reference!r}: {where} has no attribute {class_path!r}") from None
    if not (isinstance(target, type) and issubclass(target, BaseModel)):
        raise UsageError(f"--schema {reference!r}: {class_path} is not a pydantic BaseModel subclass")
    try:
        check_schema(target)
    except TypeError as exc:
        raise UsageError(f"--schema {reference!r}: {_first_line(exc)}") from None
    return target


def _import_module(reference: str, name: str) -> object:
    # A schema module lives in the user's project, the folder the command runs in, as with `python -m`.
    cwd = os.getcwd()
    if cwd not in sys.path:
        sys.path.insert(0, cwd)
    importlib.invalidate_caches()  # the module may have been written after the folder was listed
    try:
        return importlib.import_module(name)
    except ModuleNotFoundError as exc:
        if exc.name is not None and (name == exc.name or name.startswith(f"{exc.name}.")):
            raise UsageError(f"--schema {reference!r}: no module named {name!r}") from None
        raise UsageError(f"--schema {reference!r}: importing {name} failed: {_describe(exc)}") from None
    except (Exception, SystemExit) as exc:  # noqa: BLE001 - any failure of user code is a one-line message
        raise UsageError(f"--schema {reference!r}: importing {name} failed: {_describe(exc)}") from None


def _import_file(reference: str, path: str) -> object:
    if not os.path.isfile(path):
        raise UsageError(f"--schema {reference!r}: no such file: {path}")
    stem = re.sub(r"\W", "_", os.path.splitext(os.path.basename(path))[0])
    name = f"_typed_config_schema_{next(_FILE_MODULES)}_{stem}"
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise UsageError(f"--schema {reference!r}: cannot load {path} as a Python module")
    module = importlib.util.module_from_spec(spec)
    # pydantic resolves the module's annotations through sys.modules while the classes are built.
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    except (Exception, SystemExit) as exc:  # noqa: BLE001 - any failure of user code is a one-line message
        del sys.modules[name]
        raise UsageError(f"--schema {reference!r}: importing {path} failed: {_describe(exc)}") from None
    return module


def _describe(exc: BaseException) -> str:
    text = _first_line(exc)
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def _first_line(exc: BaseException) -> str:
    lines = str(exc).strip().splitlines()
    return lines[0] if lines else ""


# Output ---------------------------------------------------------------------------------------


def _check_readable(path: str) -> None:
    # Checked before anything is validated, so a typo in a file name is a usage error (status 2)
    # and not a config problem (status 1).
    try:
        with open(path, "rb"):
            pass
    except OSError as exc:
        raise UsageError(f"cannot read {path}: {exc.strerror or exc}") from None


def _problem_record(problem: Problem) -> dict[str, Any]:
    origin = problem.origin
    return {
        "path": origin.path,
        "line": origin.line,
        "column": origin.column,
        "key": problem.key,
        "message": problem.message,
        "source": str(origin),
    }


def _report(problems: Iterable[Problem]) -> None:
    sys.stderr.write("".join(f"{problem}\n" for problem in problems))


def _out(text: str) -> None:
    sys.stdout.write(text)


def _error(message: str) -> None:
    sys.stderr.write(f"{PROG}: error: {message}\n")
