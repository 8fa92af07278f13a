"""What every ``typed-config`` command shares: exit codes, usage errors, schema references, output."""

from __future__ import annotations

import sys
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, Final

from pydantic import BaseModel

from typed_config._errors import ConfigError, Problem, escaped, more_problems
from typed_config._fs import atomic_write
from typed_config._schema.ref import SchemaReferenceError, resolve_schema

if TYPE_CHECKING:
    import argparse

PROG: Final = "typed-config"

EXIT_OK: Final = 0
EXIT_PROBLEMS: Final = 1
EXIT_USAGE: Final = 2

SCHEMA_HELP: Final = (
    "the schema, as MODULE:CLASS (a dotted module importable from the current folder) "
    "or path/to/file.py:CLASS"
)


class UsageError(Exception):
    """A bad command line: reported as one line on stderr with exit status 2."""


def schema_of(reference: str) -> type[BaseModel]:
    """The model class behind ``--schema``; a bad reference is a usage error."""
    try:
        return resolve_schema(reference)
    except SchemaReferenceError as exc:
        raise UsageError(str(exc)) from None


def check_readable(path: str) -> None:
    """A path that cannot be opened is a usage error (status 2), not a config problem."""
    # Checked before anything is validated, so a typo in a file name is a usage error (status 2)
    # and not a config problem (status 1).
    try:
        with open(path, "rb"):
            pass
    except (OSError, ValueError) as exc:  # ValueError: a NUL in the path
        raise UsageError(f"cannot read {escaped(path)}: {getattr(exc, 'strerror', None) or exc}") from None


def problem_record(problem: Problem) -> dict[str, Any]:
    """A problem as a JSON record."""
    origin = problem.origin
    return {
        "path": origin.path,
        "line": origin.line,
        "column": origin.column,
        "key": problem.key,
        "message": problem.message,
        "source": str(origin),
    }


def report(problems: Iterable[Problem] | ConfigError) -> None:
    """One line per problem on stderr (for an error, and one saying how many more it left out)."""
    if isinstance(problems, ConfigError):
        sys.stderr.write(f"{problems}\n")
        return
    sys.stderr.write("".join(f"{problem}\n" for problem in problems))


def omitted_record(error: ConfigError) -> dict[str, Any]:
    """The JSON record that ends an error's problems when it left some out (``omitted``)."""
    origin = error.problems[-1].origin
    return {
        "path": origin.path,
        "line": None,
        "column": None,
        "key": None,
        "message": more_problems(error.omitted),
        "source": origin.path if origin.path is not None else str(origin),
    }


def write_output(path: str, text: str) -> None:
    """Write a command's output file atomically; a path that cannot be written is a usage error."""
    try:
        atomic_write(path, text)
    except OSError as exc:
        raise UsageError(f"cannot write {path}: {exc.strerror or exc}") from None
    except ConfigError as exc:  # the path is a symbolic link
        raise UsageError(f"cannot write {exc.problems[0]}") from None


def out(text: str) -> None:
    """Write to stdout (looked up at call time, so tests can capture it)."""
    sys.stdout.write(text)


def error(message: str) -> None:
    """A one-line usage error on stderr (control characters escaped: it may quote any input)."""
    sys.stderr.write(f"{PROG}: error: {escaped(message)}\n")


def warn(message: str) -> None:
    """A one-line warning on stderr, for input skipped while the command goes on."""
    sys.stderr.write(f"{PROG}: warning: {escaped(message)}\n")


def add_schema(parser: argparse.ArgumentParser, *, required: bool, help: str = SCHEMA_HELP) -> None:
    """The ``--schema MODULE:CLASS`` option."""
    parser.add_argument("--schema", required=required, metavar="MODULE:CLASS", help=help)


def add_problem_format(parser: argparse.ArgumentParser) -> None:
    """The ``--format text|json`` option of the commands that report problems."""
    parser.add_argument(
        "--format", choices=("text", "json"), default="text", help="how to report problems (default: text)"
    )
