"""08 - Presets: config groups chosen by name, files that extend files, and ``${...}`` references.

``presets/optimizer/sgd.yaml`` holds values for the ``optimizer`` field: ``--optimizer=sgd`` (or
Hydra's ``optimizer=sgd``) chooses it, and keys given beside it win (``optimizer.lr=0.05``).
``presets/data/imagenet.json`` extends ``presets/data/base.yaml`` through ``_base_``, whose
``cache: ${.root}/cache`` follows whatever ``data.root`` ends up being, the command line
included. Presets written in Python (``presets={...}``) are checked by mypy and pyright. Every
value is validated once and traced to its file, line and column (``--print-config``).

Usage:
    python 08_presets.py
    python 08_presets.py --optimizer=sgd --data=imagenet
    python 08_presets.py optimizer=sgd optimizer.lr=0.05 data=cifar
    python 08_presets.py --data=imagenet --data.root=/scratch/imagenet --print-config
    python 08_presets.py --optimizer=tiny
    python 08_presets.py --optimizer=sdg   # exit 1: no preset named 'sdg'; did you mean 'sgd'?
"""

from __future__ import annotations

import sys
from typing import Annotated, Literal

import typed_config as tc


class Adam(tc.HyperParams):
    name: Literal["adam"] = "adam"
    lr: float = tc.Field(default=1e-3, gt=0)


class SGD(tc.HyperParams):
    name: Literal["sgd"] = "sgd"
    lr: float = tc.Field(default=0.1, gt=0)
    momentum: float = tc.Field(default=0.0, ge=0, lt=1)


class Data(tc.HyperParams):
    root: str = "/datasets/mnist"
    cache: str = "cache"
    image_size: int = 28
    workers: int = 2


class HParams(tc.HyperParams):
    epochs: int = 10
    warmup_epochs: int = 0
    optimizer: Annotated[Adam | SGD, tc.Field(discriminator="name")] = tc.Field(default_factory=Adam)
    data: Data = tc.Field(default_factory=Data)


def main(argv: list[str] | None = None) -> int:
    # Presets written in Python, beside those of presets/ (and type-checked where written).
    python_presets = {"optimizer": {"tiny": Adam(lr=1e-5)}}
    try:
        run = tc.init(HParams, argv=argv, defaults=None, dir=None, presets=python_presets)
    except tc.ConfigError as error:
        print(error, file=sys.stderr)
        return 1
    cfg = run.config
    print(f"{cfg.optimizer!r}; data from {cfg.data.root}, cached in {cfg.data.cache}")
    print(run.explain("data.cache"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
