"""01 - Quickstart: a training script whose hyperparameters are typed, validated and traceable.

The schema lives in ``hparams.py``; values come from ``config-defaults.yaml`` beside this file,
then from the command line (exactly what a wandb sweep agent passes). A typo or a bad value
anywhere stops the run before it starts, with one line per problem naming the file, line and
column, or the argument.

Usage:
    python 01_quickstart.py
    python 01_quickstart.py --optimizer.lr=0.01 --epochs 4
    python 01_quickstart.py --print-config --batch-size 16
    python 01_quickstart.py --help
    python 01_quickstart.py --batch-size=abc --optimzer.lr=1   # exit 1: one line per problem
"""

from __future__ import annotations

import json
import sys

from hparams import HParams

import typed_config as tc


def main(argv: list[str]) -> int:
    """Start a run, 'train' with its typed config, and show where values came from."""
    try:
        run = tc.init(HParams, argv=argv, dir=None)  # dir="runs" would keep the run on disk
    except tc.ConfigError as error:
        print(error, file=sys.stderr)
        return 1
    cfg = run.config
    print(f"Training for {cfg.epochs} epochs with {cfg.optimizer.name} at lr={cfg.optimizer.lr}")
    print("Flat, as trackers take it:")
    print(json.dumps(cfg.to_flat(), indent=2))
    loss = 1.0
    for _epoch in range(cfg.epochs):  # cfg.epochs is an int to mypy and pyright
        loss *= 1 - cfg.optimizer.lr
    print(f"final loss {loss:.4f}")
    print(run.explain("optimizer.lr"))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
