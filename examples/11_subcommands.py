"""11 - Subcommands: one script, several commands, each with its own typed schema.

``tc.init({"fit": FitParams, "test": TestParams})`` reads the command name from the first
argument; every other source (``--configs`` files, overrides, the environment) works as for one
schema, and options may come anywhere after the command. ``run.command`` is the name and
``run.config`` an instance of that command's schema: a ``match`` on it narrows the type, and
mypy and pyright both check that every command is handled. A missing or unknown command is a
``ConfigError`` with a suggestion. Run folders record the command in ``meta.json``.

Usage:
    python 11_subcommands.py fit --epochs 3 --optimizer.lr 0.01
    python 11_subcommands.py test --checkpoint best.ckpt
    python 11_subcommands.py --help
    python 11_subcommands.py fit --help
    python 11_subcommands.py tset          # exit 1: unknown command; did you mean 'test'?
    python 11_subcommands.py --epochs 3    # exit 1: the command comes first
"""

from __future__ import annotations

import sys
from typing import Literal

from typing_extensions import assert_never

import typed_config as tc


class Optimizer(tc.HyperParams):
    name: Literal["adam", "sgd"] = "adam"
    lr: float = tc.Field(default=1e-3, gt=0)
    """Learning rate."""


class FitParams(tc.HyperParams):
    """Train the model."""

    epochs: int = tc.Field(default=10, ge=1)
    """Passes over the training data."""
    optimizer: Optimizer = tc.Field(default_factory=Optimizer)


class TestParams(tc.HyperParams):
    """Evaluate a checkpoint."""

    checkpoint: str = "last.ckpt"
    batch_size: int = tc.Field(default=256, ge=1)


def main(argv: list[str]) -> int:
    """Run the command the first argument names."""
    try:
        # The annotation gives mypy the union (pyright infers it from the mapping alone).
        run: tc.Run[FitParams | TestParams] = tc.init(
            {"fit": FitParams, "test": TestParams}, argv=argv, dir=None, defaults=None
        )
    except tc.ConfigError as error:
        print(error, file=sys.stderr)
        return 1
    match run.config:
        case FitParams():
            print(f"{run.command}: {run.config.epochs} epochs at lr={run.config.optimizer.lr}")
        case TestParams():
            print(f"{run.command}: {run.config.checkpoint} in batches of {run.config.batch_size}")
        case _:
            assert_never(run.config)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
