"""03 - absl flags (and TensorFlow's, which are absl's): every flag into a typed config.

``run.config.update(FLAGS)`` takes every flag's value, defaults included, as
``wandb.config.update(flags.FLAGS)`` does, skipping absl's own flags (verbosity and the like).
Each value is checked against the schema; an error names the flag.

Usage:
    python 03_absl_flags.py
    python 03_absl_flags.py --batch_size=16 --data_dir=/data/imagenet
    python 03_absl_flags.py --batch_size=0   # exit 1: batch_size must be at least 1
"""

from __future__ import annotations

import sys

from absl import app, flags

import typed_config as tc

flags.DEFINE_string("data_dir", "data", "Where the data lives.")
flags.DEFINE_integer("batch_size", 128, "Batch size.")
FLAGS = flags.FLAGS


class HParams(tc.HyperParams):
    """What the flags configure, typed and constrained."""

    data_dir: str = tc.Field(default="", description="Where the data lives")
    batch_size: int = tc.Field(default=32, description="Batch size", ge=1)
    epochs: int = tc.Field(default=4, description="Number of epochs to train over")


def main(argv: list[str]) -> None:
    """Run by absl after it parsed the flags."""
    del argv  # absl's leftover arguments
    try:
        run = tc.init(HParams, argv=[], dir=None, defaults=None)
        run.config.epochs = 4
        run.config.update(FLAGS)  # adds all of the flags as config, checked
    except tc.ConfigError as error:
        print(error, file=sys.stderr)
        sys.exit(1)
    cfg = run.config
    print(f"data_dir={cfg.data_dir} batch_size={cfg.batch_size} epochs={cfg.epochs}")


if __name__ == "__main__":
    app.run(main)
