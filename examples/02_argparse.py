"""02 - argparse: keep your script's parser, and let typed_config add and check the config options.

``tc.add_arguments`` adds one option per key (help from the descriptions) to the parser you
already have; ``run.config.update(args)`` takes back what was given, as ``wandb.config.update(args)``
does, but validated. The script's own options (``--gpu``) stay out of the config with ``exclude``.
Values that ``config-defaults.yaml`` already set need ``allow_val_change=True`` to change: the
script says so on purpose.

Usage:
    python 02_argparse.py --batch-size 16 --gpu 1
    python 02_argparse.py --optimizer.lr 0.1 --tags fast small
    python 02_argparse.py --batch-size abc   # exit 1: batch_size is not an integer
"""

from __future__ import annotations

import argparse
import sys

from hparams import HParams

import typed_config as tc


def main(argv: list[str]) -> int:
    """Parse with argparse, then validate everything once through typed_config."""
    parser = argparse.ArgumentParser(description="Train a model.")
    parser.add_argument("--gpu", type=int, default=0, help="which GPU to use (not a hyperparameter)")
    tc.add_arguments(parser, HParams)
    args = parser.parse_args(argv)
    try:
        run = tc.init(HParams, argv=[], dir=None)
        run.config.update(args, exclude=["gpu"], allow_val_change=True)
    except tc.ConfigError as error:
        print(error, file=sys.stderr)
        return 1
    cfg = run.config
    print(f"gpu {args.gpu}: batch_size={cfg.batch_size} lr={cfg.optimizer.lr} tags={cfg.tags}")
    print(run.explain("batch_size"))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
