"""Subcommands: ``init({"fit": FitParams, "test": TestParams})`` picks a schema by the first argument."""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping, Sequence

from typed_config._errors import Origin, single
from typed_config._schema.suggest import closest
from typed_config._script.usage import row
from typed_config._types import S


def choose_command(commands: Mapping[str, type[S]], argv: Sequence[str]) -> tuple[str, type[S], list[str]]:
    """The command the first argument names, its schema, and the arguments after it.

    ``--help`` before any command prints the commands and exits with status 0.

    Raises:
        ConfigError: the first argument is missing or names no command (with a suggestion).
        TypeError: ``commands`` is empty or a name is not a plain word.
        SystemExit: after printing the commands' help.
    """
    _check(commands)
    names = list(commands)
    if not argv or argv[0].startswith("-"):
        if any(arg in ("-h", "--help") for arg in argv):
            sys.stdout.write(commands_help(commands, os.path.basename(sys.argv[0]) or "train.py"))
            raise SystemExit(0)
        given = f"; the first argument is {argv[0]!r}" if argv else ""
        message = f"expected a command first: {_either(names)}{given}"
        raise single(message, Origin(text="the command line"))
    name = argv[0]
    if name not in commands:
        match = closest(name, names)
        hint = f"did you mean {match!r}?" if match else f"the commands are {_either(names)}"
        raise single(f"unknown command; {hint}", Origin(text=name))
    return name, commands[name], list(argv[1:])


def commands_help(commands: Mapping[str, type[object]], prog: str) -> str:
    """The ``--help`` text before a command: each command with its schema's docstring."""
    lines = [
        f"usage: {prog} COMMAND [--configs FILE [FILE ...]] [--print-config] [--KEY=VALUE ...]",
        "",
        "commands:",
    ]
    for name, schema in commands.items():
        summary = (schema.__doc__ or "").strip().split("\n", 1)[0]
        lines.append(row(name, f"{summary} ({schema.__name__})".strip()))
    lines += ["", f"'{prog} COMMAND --help' shows a command's options."]
    return "\n".join(lines) + "\n"


def _check(commands: Mapping[str, object]) -> None:
    if not commands:
        raise TypeError("init needs at least one command in a mapping of commands to schemas")
    given: list[object] = list(commands)  # from code that may not be typed
    for name in given:
        if not isinstance(name, str) or not name or name.startswith("-") or any(c.isspace() for c in name):
            raise TypeError(f"a command name must be a word that does not start with '-', not {name!r}")


def _either(names: list[str]) -> str:
    return ", ".join(names[:-1]) + f" or {names[-1]}" if len(names) > 1 else names[0]
