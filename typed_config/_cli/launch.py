"""The ``typed-config launch`` command: every config validated, then run on a local pool, SLURM or Ray."""

from __future__ import annotations

import argparse
import sys
from typing import Any, Final

from pydantic import BaseModel, ValidationError

from typed_config._cli.common import (
    EXIT_OK,
    EXIT_PROBLEMS,
    UsageError,
    add_schema,
    check_readable,
    out,
    report,
    schema_of,
)
from typed_config._errors import ConfigError, escaped
from typed_config._launch import LaunchResult, Local, Ray, Slurm, launch
from typed_config._launch.options import Backend
from typed_config._layers.layers import validate
from typed_config._sources.argv import argv_layer

_PREFIXES: Final = ("--slurm.", "--ray.")
_LISTS: Final = ("--slurm.extra",)
_HELP: Final = """\
Run COMMAND once per config of a sweep file or of --grid lists, on a backend, every config validated
(over the defaults file, as init reads it) before anything starts. Each job runs
COMMAND ARGS --configs launches/ID/config-NNNN.yaml with TYPED_CONFIG_RUN_ID=ID-NNNN set; launch.json
in the launch folder records every config's run, status, exit code and log. The same command again
continues the launch: finished runs are skipped, failed ones run again with --retry-failed.

backend options (each set is a typed model; a misspelt one gets a did-you-mean):
  local:  --jobs N  --gpus 0,1,2,3  --gpus-per-run K
  slurm:  --slurm.partition P  --slurm.time 1:00:00  --slurm.gpus-per-node N  --slurm.cpus-per-task N
          --slurm.mem 16G  --slurm.max-parallel N  --slurm.extra KEY=VALUE ...
  ray:    --ray.address ADDRESS  --ray.num-cpus N  --ray.num-gpus N  --ray.local-cpus N

Exit status 0 when every run finished (slurm: when the array is submitted), 1 when a config has
problems (nothing started) or any run failed or was killed, 2 for a usage error.
"""


class _BackendArgs(BaseModel):
    slurm: Slurm = Slurm()
    ray: Ray = Ray()


def launch_arguments(argv: list[str]) -> tuple[list[str], dict[str, Any]]:
    """Take the command after ``--`` and the ``--slurm.*``/``--ray.*`` options out of a launch command line."""
    if argv[:1] != ["launch"]:
        return argv, {}
    command: list[str] = []
    if "--" in argv:
        cut = argv.index("--")
        argv, command = argv[:cut], argv[cut + 1 :]
    kept: list[str] = []
    backend: list[str] = []
    index = 0
    while index < len(argv):
        token = argv[index]
        index += 1
        if not token.startswith(_PREFIXES):
            kept.append(token)
            continue
        backend.append(token)
        many = token in _LISTS
        while "=" not in token and index < len(argv) and not argv[index].startswith("-"):
            backend.append(argv[index])
            index += 1
            if not many:
                break
    return kept, {"command_argv": command, "backend_tokens": backend}


def add_launch_command(commands: Any) -> None:
    """Register ``launch`` on the ``typed-config`` subparsers."""
    parser = commands.add_parser(
        "launch",
        help="run a command over a sweep or a grid on a local pool, SLURM or Ray",
        description=_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        usage="%(prog)s [SWEEP.yaml] --schema MODULE:CLASS [--grid KEY=V1,V2 ...] --backend local|slurm|ray "
        "[options] -- COMMAND ARGS...",
    )
    parser.add_argument("sweep", nargs="?", metavar="SWEEP.yaml", help="a wandb sweep file (grid or random)")
    add_schema(parser, required=True)
    parser.add_argument(
        "--grid",
        action="append",
        default=[],
        metavar="KEY=V1,V2",
        help="one axis of a grid (Hydra's a=1,2), values read by the field's type; several give their product",
    )
    parser.add_argument(
        "--count",
        type=int,
        metavar="N",
        help="a random sweep's number of configs; alone, configs drawn from the schema's search space",
    )
    parser.add_argument("--seed", type=int, default=0, metavar="S", help="a random sweep's seed")
    defaults = parser.add_mutually_exclusive_group()
    defaults.add_argument(
        "--defaults",
        metavar="FILE",
        help="the defaults file the command's init reads (default: config-defaults.yaml when it exists)",
    )
    defaults.add_argument(
        "--no-defaults", action="store_true", help="the command's init reads no defaults file"
    )
    parser.add_argument("--backend", choices=("local", "slurm", "ray"), default="local")
    parser.add_argument("--jobs", type=int, metavar="N", help="local: runs at a time (default 1)")
    parser.add_argument("--gpus", metavar="0,1,2,3", help="local: GPU ids to share out")
    parser.add_argument("--gpus-per-run", type=int, metavar="K", help="local: GPUs per run (default 1)")
    parser.add_argument("--retry-failed", action="store_true", help="run crashed configs again")
    parser.add_argument("--rerun-all", action="store_true", help="run every config again")
    parser.add_argument(
        "--dry-run",
        action="store_true",
        help="validate, lay out the launch folder and print the plan (slurm: the script); start nothing",
    )
    parser.set_defaults(run=_run_launch, command_argv=[], backend_tokens=[])


def _run_launch(args: argparse.Namespace) -> int:
    schema = schema_of(args.schema)
    if not args.command_argv:
        raise UsageError("launch needs the command to run after --, such as: -- python train.py")
    for path in [p for p in (args.sweep, args.defaults) if p]:
        check_readable(path)
    if args.sweep and args.grid:
        raise UsageError("give a sweep file or --grid lists, not both")
    if not args.sweep and not args.grid and args.count is None:
        raise UsageError(
            "launch needs a sweep file, --grid KEY=V1,V2, or --count N (the schema's search space)"
        )
    backend = _backend(args)
    defaults: Any = None if args.no_defaults else args.defaults or _default_file()
    try:
        result = launch(
            schema,
            args.sweep,
            args.command_argv,
            backend=backend,
            grid=args.grid,
            count=args.count,
            seed=args.seed,
            defaults=defaults,
            retry_failed=args.retry_failed,
            rerun_all=args.rerun_all,
            dry_run=args.dry_run,
        )
    except TypeError as exc:  # a random sweep without a count
        raise UsageError(str(exc)) from None
    except ConfigError as exc:
        report(exc.problems)
        return EXIT_PROBLEMS
    except KeyboardInterrupt:
        report_interrupted()
        return EXIT_PROBLEMS
    except OSError as exc:  # the launch folder cannot be made or written, or the command not started
        where = f" {exc.filename}" if exc.filename else ""
        raise UsageError(f"cannot launch:{escaped(where)} {exc.strerror or exc}") from None
    return _summary(result, args)


def _default_file() -> Any:
    from typed_config._script.init import DEFAULTS_FILE

    return DEFAULTS_FILE


def _backend(args: argparse.Namespace) -> Backend:
    local = {"jobs": args.jobs, "gpus_per_run": args.gpus_per_run}
    chosen = {k: v for k, v in local.items() if v is not None}
    if args.gpus:
        chosen["gpus"] = [g.strip() for g in args.gpus.split(",") if g.strip()]
    if chosen and args.backend != "local":
        raise UsageError(
            f"--jobs, --gpus and --gpus-per-run are options of the local backend, not {args.backend}"
        )
    stray = [t for t in args.backend_tokens if t.startswith("--") and not t.startswith(f"--{args.backend}.")]
    if stray:
        raise UsageError(f"{stray[0].split('=')[0]} is not an option of the {args.backend} backend")
    try:
        if args.backend == "local":
            return Local(**chosen)
        options = _parsed_backend(args.backend_tokens)
    except ConfigError as exc:
        raise UsageError(str(exc.problems[0])) from None
    except ValidationError as exc:  # from Local(...): the first problem, named by its option
        error = exc.errors()[0]
        where = (
            "--" + "-".join(str(part) for part in error["loc"]).replace("_", "-")
            if error["loc"]
            else "--gpus"
        )
        raise UsageError(f"{where}: {error['msg'].removeprefix('Value error, ')}") from None
    return options.slurm if args.backend == "slurm" else options.ray


def _parsed_backend(tokens: list[str]) -> _BackendArgs:
    parsed = argv_layer(_BackendArgs, tokens, name="backend options")
    if parsed.problems:
        raise ConfigError(parsed.problems)
    return validate(_BackendArgs, [parsed.layer])


def _summary(result: LaunchResult[Any], args: argparse.Namespace) -> int:
    if args.dry_run:
        return _dry_run(result)
    done = sum(r.status == "finished" for r in result.runs)
    out(
        f"launch {result.id}: {len(result.runs)} configs in {escaped(str(result.dir))}; "
        f"ran {len(result.started)}, {done} finished\n"
    )
    if result.job_id:
        out(f"submitted SLURM job {result.job_id}\n")
    if result.failed:
        rows = [
            f"  {r.index:04d}  {r.run_id}  {r.status}  exit {r.exit_code}  {escaped(str(r.log))}"
            for r in result.failed
        ]
        report_lines(["failed runs (config, run id, status, exit code, log):", *rows])
        return EXIT_PROBLEMS
    return EXIT_OK


def _dry_run(result: LaunchResult[Any]) -> int:
    if result.script is not None:
        out(result.script)
        return EXIT_OK
    started = set(result.started)
    for run in result.runs:
        action = "would run" if run.index in started else f"skip ({run.status})"
        out(f"{run.index:04d}  {run.run_id}  {action}\n")
    return EXIT_OK


def report_lines(lines: list[str]) -> None:
    """Lines on stderr."""
    sys.stderr.write("".join(f"{line}\n" for line in lines))


def report_interrupted() -> None:
    """Say that SIGINT stopped the launch, and how to go on."""
    report_lines(["interrupted: the running runs were stopped and marked killed; the same command continues"])
