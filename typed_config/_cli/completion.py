"""The ``typed-config completion`` command: print a static completion script for a training script or for itself."""

from __future__ import annotations

import argparse
import functools
from typing import Any

from typed_config._cli.common import EXIT_OK, PROG, UsageError, add_schema, out, schema_of
from typed_config._cli.shells import SHELLS, CommandSpec, Spec, render, schema_spec

_HELP = """\
Print a completion script for SHELL. With --schema (or --command for each subcommand of a script
that has them), for the training script named by --prog: every option's dot-key spelling, the
values of Literal, enum and bool fields (and the --no- forms), files for Path fields and
--configs. Without either, for the typed-config command itself. The script is static: nothing
runs at TAB time. bash: source it; zsh: source it (it loads bashcompinit); fish: save it as
~/.config/fish/completions/PROG.fish. It completes PROG as typed first on the line (./train.py
or an installed command), not `python train.py`.
"""


def add_completion_command(commands: Any, parser: argparse.ArgumentParser) -> None:
    """Register ``completion``; ``parser`` is the whole ``typed-config`` parser (its own script's source)."""
    completion = commands.add_parser(
        "completion",
        help="print a shell completion script",
        description=_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    completion.add_argument("shell", choices=SHELLS, help="the shell")
    add_schema(completion, required=False)
    completion.add_argument(
        "--command",
        action="append",
        default=[],
        metavar="NAME=MODULE:CLASS",
        help="a subcommand of the script and its schema (repeat for each)",
    )
    completion.add_argument("--prog", default=None, help="the program to complete (default: train.py)")
    completion.set_defaults(run=functools.partial(_run_completion, parser=parser))


def _run_completion(args: argparse.Namespace, *, parser: argparse.ArgumentParser) -> int:
    if args.schema and args.command:
        raise UsageError("give --schema or --command, not both")
    spec: Spec
    if args.schema:
        spec = {"": schema_spec(schema_of(args.schema))}
    elif args.command:
        spec = {}
        for text in args.command:
            name, equals, reference = str(text).partition("=")
            if not equals or not name or name.startswith("-") or not reference:
                raise UsageError(f"--command {text!r}: expected NAME=MODULE:CLASS")
            spec[name] = schema_spec(schema_of(reference))
    else:
        spec = own_spec(parser)
    prog = args.prog or ("train.py" if args.schema or args.command else PROG)
    out(render(args.shell, prog, spec))
    return EXIT_OK


def own_spec(parser: argparse.ArgumentParser) -> Spec:
    """The ``typed-config`` command's own subcommands and options, read from its parser."""
    spec: Spec = {}
    for action in _actions(parser):
        for name, sub in _subparsers(action).items():
            spec[name] = _parser_spec(sub)
    return spec


def _actions(parser: argparse.ArgumentParser) -> list[argparse.Action]:
    return list(parser._actions)  # noqa: SLF001 - argparse has no public way to list them


def _subparsers(action: argparse.Action) -> dict[str, argparse.ArgumentParser]:
    """The parsers of a subcommand action (``{}`` for any other action)."""
    choices: Any = action.choices
    if not isinstance(choices, dict):
        return {}
    found: dict[str, Any] = choices  # pyright: ignore[reportUnknownVariableType] - argparse's own types
    return {str(k): v for k, v in found.items() if isinstance(v, argparse.ArgumentParser)}


def _parser_spec(parser: argparse.ArgumentParser) -> CommandSpec:
    spec = CommandSpec()
    for action in _actions(parser):
        nested = _subparsers(action)
        if nested:  # `sweep check` and the like: the words after the command
            spec.options.extend(nested)
            continue
        choices: Any = action.choices
        listed: list[Any] = list(choices) if isinstance(choices, (list, tuple)) else []  # pyright: ignore[reportUnknownArgumentType] - argparse's own types
        values = [str(c) for c in listed] or None
        for option in action.option_strings:
            if option.startswith("--"):
                takes_files = str(action.metavar or "") in ("PATH", "FILE", "DIR")
                spec.add(option, values, files=takes_files, free=action.nargs != 0)
    return spec
