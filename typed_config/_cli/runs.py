"""The ``typed-config`` commands about runs: ``runs``, ``diff``, ``explain`` and ``hash``."""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
from pathlib import Path
from typing import Any

from typed_config._cli.common import EXIT_OK, EXIT_PROBLEMS, UsageError, add_schema, out, schema_of, warn
from typed_config._errors import ConfigError, checked, escaped
from typed_config._flat.fingerprint import fingerprint
from typed_config._flat.flatten import flatten
from typed_config._keys.values import is_dict
from typed_config._model.load import load
from typed_config._run.api import Api
from typed_config._run.folder import CONFIG, RunFolder
from typed_config._schema.suggest import suggest
from typed_config._sources.files import file_layer
from typed_config._yaml.read import parse_value

_TARGET = "a run (PROJECT/RUN_ID or a run folder) or, with --schema, a config file"
_SCHEMA_HELP = (
    "open runs with this schema (MODULE:CLASS or path/to/file.py:CLASS) instead of importing the "
    "module each run's meta.json names"
)


def add_run_commands(commands: Any) -> None:
    """Register the run commands on the ``typed-config`` subparsers."""
    runs = commands.add_parser(
        "runs",
        help="list runs with their config as columns",
        description=(
            "List runs as a table: each run's id, name, status and created time (UTC), then one column per config "
            "key, columns where runs differ first. A --columns or --filter key no run has is an error."
        ),
    )
    _add_root(runs)
    runs.add_argument("--project", help="only this project's runs (default: every project)")
    runs.add_argument(
        "--filter", action="append", default=[], metavar="KEY=VALUE", help="keep runs whose KEY has VALUE"
    )
    runs.add_argument(
        "--status",
        choices=("running", "finished", "crashed", "killed"),
        help="keep runs with this status (a run whose process died without finishing is crashed)",
    )
    runs.add_argument("--name", help="keep runs with this display name")
    runs.add_argument("--columns", metavar="A,B", help="show only these keys, in this order")
    runs.add_argument("--format", choices=("table", "json", "csv"), default="table")
    add_schema(runs, required=False, help=_SCHEMA_HELP)
    runs.set_defaults(run=_run_runs)

    diff = commands.add_parser(
        "diff",
        help="show the keys two runs or config files differ in",
        description=(
            "Show changed (~), added (+) and removed (-) dot-keys between two runs or config files. "
            "Exit status 0 when equal, 1 when different, 2 when an input cannot be read."
        ),
    )
    diff.add_argument("first", metavar="RUN_A", help=_TARGET)
    diff.add_argument("second", metavar="RUN_B", help=_TARGET)
    _add_root(diff)
    add_schema(diff, required=False, help=f"validate config files with this schema; {_SCHEMA_HELP}")
    diff.set_defaults(run=_run_diff)

    explain = commands.add_parser(
        "explain",
        help="print where a run's key got its value",
        description=("Print the chain of sources that set KEY in a stored run, lowest first."),
    )
    explain.add_argument("target", metavar="RUN", help="PROJECT/RUN_ID or a run folder")
    explain.add_argument("key", metavar="KEY", help="a dot-key, such as optimizer.lr")
    _add_root(explain)
    add_schema(explain, required=False, help=_SCHEMA_HELP)
    explain.set_defaults(run=_run_explain)

    hashed = commands.add_parser(
        "hash",
        help="print a run's or a config file's fingerprint",
        description=("Print the sha256 fingerprint of a config, the same as typed_config.fingerprint(cfg)."),
    )
    hashed.add_argument("target", metavar="RUN_OR_FILE", help=_TARGET)
    _add_root(hashed)
    add_schema(hashed, required=False, help=f"validate a config file with this schema; {_SCHEMA_HELP}")
    hashed.set_defaults(run=_run_hash)


def _add_root(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--root", default="runs", help="the folder of run folders (default: runs)")


def _flat_of(target: str, root: str, schema_ref: str | None) -> dict[str, Any]:
    """The flat config of a run or a config file; unreadable input is a usage error (status 2)."""
    schema = schema_of(schema_ref) if schema_ref else None
    try:
        if os.path.isfile(target):
            return flatten(load(schema, target)) if schema is not None else _file_flat(target)
        run = Api(root).run(target, schema=schema) if schema is not None else Api(root).run(target)
        return run.config.to_flat()
    except ConfigError as exc:
        raise UsageError(f"cannot read {target}: {exc.problems[0]}") from None


def _file_flat(path: str) -> dict[str, Any]:
    r"""A file's values as written; a run folder's ``config.yaml`` as the run holds them (``\${`` is ``${``)."""
    folder = RunFolder(Path(path).parent)
    if os.path.basename(path) == CONFIG and folder.has_meta():
        return flatten(folder.read_config()[0].data)
    return flatten(checked(file_layer(path)).data)


def _shown(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def _lines(lines: list[str]) -> str:
    """Lines for a terminal: a stored value or key may hold control characters, shown escaped."""
    return "".join(f"{escaped(line)}\n" for line in lines)


def _run_diff(args: argparse.Namespace) -> int:
    first = _flat_of(args.first, args.root, args.schema)
    second = _flat_of(args.second, args.root, args.schema)
    lines: list[str] = []
    for key in sorted({*first, *second}):
        if key not in second:
            lines.append(f"- {key}: {_shown(first[key])}")
        elif key not in first:
            lines.append(f"+ {key}: {_shown(second[key])}")
        elif _shown(first[key]) != _shown(second[key]):
            lines.append(f"~ {key}: {_shown(first[key])} -> {_shown(second[key])}")
    out(_lines(lines or [f"{args.first} and {args.second} are equal"]))
    return EXIT_PROBLEMS if lines else EXIT_OK


def _run_explain(args: argparse.Namespace) -> int:
    schema = schema_of(args.schema) if args.schema else None
    try:
        run = Api(args.root).run(args.target, schema=schema) if schema else Api(args.root).run(args.target)
        chains = RunFolder(run.dir).read_provenance()
    except ConfigError as exc:
        raise UsageError(f"cannot read {args.target}: {exc.problems[0]}") from None
    chain = chains.get(args.key)
    if not isinstance(chain, list) or args.key not in run.config:
        raise UsageError(
            f"{args.target} has no key {args.key!r}{suggest(args.key, list(run.config.to_flat()))}"
        )
    lines = [f"{args.key} = {_shown(run.config[args.key])}"]
    entries: list[Any] = chain
    lines += [f"  {e.get('origin')}: {_shown(e.get('value'))}" for e in entries if is_dict(e)]
    out(_lines(lines))
    return EXIT_OK


def _run_hash(args: argparse.Namespace) -> int:
    out(fingerprint(_flat_of(args.target, args.root, args.schema)) + "\n")
    return EXIT_OK


def _run_runs(args: argparse.Namespace) -> int:
    root = Path(args.root)
    try:
        projects = (
            [args.project]
            if args.project
            else sorted(p.name for p in root.iterdir() if p.is_dir())
            if root.is_dir()
            else []
        )
    except OSError as exc:
        raise UsageError(f"cannot read {root}: {exc.strerror or exc}") from None
    wanted = [_filter(text) for text in args.filter]
    schema = schema_of(args.schema) if args.schema else None
    rows: list[tuple[list[str], dict[str, Any]]] = []
    known: set[str] = set()
    for project in projects:
        try:
            found = Api(root).runs(project, schema=schema, status=args.status, name=args.name)
        except ConfigError as exc:
            if args.project:
                raise UsageError(f"cannot list {project}: {exc.problems[0]}") from None
            warn(f"skipped a project that cannot be read: {exc.problems[0]}")
            continue
        for problem in found.problems:  # the others are listed: one broken run hides nothing else
            warn(f"skipped a run that cannot be read: {problem}")
        for run in found:
            flat = run.config.to_flat()
            known.update(flat)
            if all(
                key in flat and (flat[key] == value or str(flat[key]) == text) for key, value, text in wanted
            ):
                rows.append(
                    (
                        [
                            f"{run.project}/{run.id}",
                            str(run.meta.get("name") or ""),
                            run.status or "",
                            str(run.meta.get("created") or ""),
                        ],
                        flat,
                    )
                )
    _check_keys(args, known)
    columns = _columns([flat for _, flat in rows], args.columns)
    if args.format == "json":
        records = [
            {
                "run": ids[0],
                "name": ids[1] or None,
                "status": ids[2] or None,
                "created": ids[3] or None,
                "config": {c: flat.get(c) for c in columns},
            }
            for ids, flat in rows
        ]
        out(json.dumps(records, indent=2) + "\n")
        return EXIT_OK
    header = [*_RUN_COLUMNS, *map(escaped, columns)]
    table = [[*map(escaped, ids), *(_cell(flat, c) for c in columns)] for ids, flat in rows]
    if args.format == "csv":
        buffer = io.StringIO()
        csv.writer(buffer, lineterminator="\n").writerows([header, *table])
        out(buffer.getvalue())
    else:
        out(_table(header, table))
    return EXIT_OK


_RUN_COLUMNS = ("run", "name", "status", "created")


def _check_keys(args: argparse.Namespace, known: set[str]) -> None:
    """A --columns or --filter key that no listed run has is a usage error, with a suggestion."""
    if not known:
        return  # no run to know the keys from
    asked = [("--columns", c) for c in (args.columns or "").split(",") if c]
    asked += [("--filter", text.partition("=")[0]) for text in args.filter]
    for option, key in asked:
        if key not in known:
            raise UsageError(f"{option} {key!r}: no run has this key{suggest(key, sorted(known))}")


def _filter(text: str) -> tuple[str, Any, str]:
    key, equals, value = text.partition("=")
    if not equals or not key:
        raise UsageError(f"--filter {text!r}: expected KEY=VALUE")
    try:
        return key, parse_value(value), value
    except ValueError:
        return key, value, value


def _columns(flats: list[dict[str, Any]], chosen: str | None) -> list[str]:
    if chosen:
        return [c for c in chosen.split(",") if c]
    keys = list(dict.fromkeys(k for flat in flats for k in flat))
    differ = [k for k in keys if len({_shown(flat.get(k)) for flat in flats}) > 1]
    return differ + [k for k in keys if k not in differ]


def _cell(flat: dict[str, Any], column: str) -> str:
    if column not in flat:
        return ""
    value = flat[column]
    return escaped(value if isinstance(value, str) else _shown(value))


def _table(header: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    lines = [
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
        for row in [header, *rows]
    ]
    return "\n".join(lines) + "\n"
