"""``typed-config sweep init``: a wandb sweep file written from the search space a schema declares."""

from __future__ import annotations

import argparse
from typing import Any, Final

from pydantic import BaseModel

from typed_config._cli.common import EXIT_OK, UsageError, add_schema, out, schema_of, write_output
from typed_config._errors import escaped
from typed_config._sweep.from_space import wandb_parameters
from typed_config._types import Path
from typed_config._yaml.dump import dump_mapping
from typed_config.search import spaced

_INIT_HELP: Final = """\
Write a wandb sweep file from the search space the schema declares on its fields (Annotated with
typed_config.search distributions): every searched key becomes a parameter under its dot-key, so
`typed-config sweep check` accepts the file by construction. A discriminated union becomes its
tag's values plus every variant's parameters (wandb has no conditional parameters; a comment says
so). --method grid needs every searched key to have finitely many values. The file goes to stdout,
or to --out FILE. Exit status 0 on success, 2 when the schema cannot be read or has no space.
"""


def add_init_command(actions: Any) -> None:
    """Register ``sweep init`` on the ``typed-config sweep`` subparsers."""
    init = actions.add_parser(
        "init",
        help="write a wandb sweep file from the schema's search space",
        description=_INIT_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_schema(
        init, required=True, help="the schema declaring the space, as MODULE:CLASS or path/to/file.py:CLASS"
    )
    init.add_argument(
        "--method", choices=("random", "grid", "bayes"), required=True, help="the search method"
    )
    init.add_argument("--metric", required=True, metavar="NAME", help="the metric the sweep optimises")
    init.add_argument(
        "--goal", choices=("minimize", "maximize"), default="minimize", help="(default: minimize)"
    )
    init.add_argument(
        "--program", metavar="FILE", default="train.py", help="the script the agent runs (default: train.py)"
    )
    init.add_argument("--out", metavar="FILE", help="write the sweep file here instead of stdout")
    init.set_defaults(run=_run_init)


def _run_init(args: argparse.Namespace) -> int:
    schema = schema_of(args.schema)
    text = sweep_text(schema, method=args.method, metric=args.metric, goal=args.goal, program=args.program)
    if args.out is None:
        out(text)
        return EXIT_OK
    write_output(args.out, text)
    out(f"wrote {escaped(args.out)}\n")
    return EXIT_OK


def sweep_text(schema: type[BaseModel], *, method: str, metric: str, goal: str, program: str) -> str:
    """The wandb sweep file for the schema's space, as YAML text.

    Raises:
        UsageError: the schema declares no space, its space is not one wandb can hold, or a grid
            would need finitely many values where a key has a continuous distribution.
    """
    try:
        items = spaced(schema)
    except TypeError as exc:
        raise UsageError(str(exc)) from None
    if not items:
        raise UsageError(f"{schema.__name__} declares no search space (see typed_config.search)")
    comments: dict[Path, str] = {}
    try:
        parameters = wandb_parameters(items, grid=method == "grid", comments=comments)
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    sweep: dict[str, Any] = {"program": program, "method": method}
    sweep["metric"] = {"name": metric, "goal": goal}
    sweep["parameters"] = parameters
    comments[("program",)] = f"A wandb sweep over the search space of {schema.__name__}"
    return dump_mapping(sweep, comments)
