"""01 - Quickstart: a training script whose hyperparameters are typed, validated and traceable.

The schema lives in ``hparams.py``; values come from ``config-defaults.yaml`` beside this file
and from command-line overrides. A typo or a bad value anywhere stops the run before it starts,
with one message per problem naming the file, line and column (or the argument).

Usage:
    python 01_quickstart.py
    python 01_quickstart.py --optimizer.lr=0.01 --epochs 4
    python 01_quickstart.py --batch-size=abc --optimzer.lr=1   # exit 1: one line per problem
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from hparams import HParams

import typed_config as tc

HERE = Path(__file__).parent


def main(argv: list[str]) -> int:
    """Load, validate and show the config, then 'train' with it."""
    try:
        cfg = tc.load(HParams, HERE / "config-defaults.yaml", overrides=argv)
    except tc.ConfigError as error:
        print(error, file=sys.stderr)
        return 1
    print(f"Training for {cfg.epochs} epochs with {cfg.optimizer.name} at lr={cfg.optimizer.lr}")
    print(cfg.model_dump_json(indent=2))
    print("Flat, as trackers take it:")
    print(json.dumps(cfg.to_flat(), indent=2))
    loss = 1.0
    for _epoch in range(cfg.epochs):  # cfg.epochs is an int to mypy and pyright
        loss *= 1 - cfg.optimizer.lr
    print(f"final loss {loss:.4f}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
