"""04 - Config files: --configs on the command line, and YAML metadata nested beside parameters.

``--configs special-configs.yaml`` loads further files over ``config-defaults.yaml`` (later files
win, key by key; the command line wins over all of them), as the wandb page describes. The second
half is the page's nested example: a YAML file of run metadata and a dict of hyperparameters saved
together, ``config=dict(yaml=..., params=...)``, each part typed.

Usage:
    python 04_config_files.py
    python 04_config_files.py --configs special-configs.yaml
    python 04_config_files.py --configs special-configs.yaml --batch-size 64 --print-config
    python 04_config_files.py --configs missing.yaml   # exit 1: the file cannot be read
"""

from __future__ import annotations

import sys

from hparams import HParams

import typed_config as tc


class RunMeta(tc.HyperParams):
    """Metadata about a run."""

    owner: str = tc.Field(default="", description="Who runs it")
    dataset: str = tc.Field(default="", description="Dataset identifier")
    notes: str = ""


class Params(tc.HyperParams):
    """The page's hyperparameter_defaults, typed."""

    dropout: float = tc.Field(default=0.5, ge=0, le=1)
    batch_size: int = tc.Field(default=100, ge=1)
    learning_rate: float = tc.Field(default=0.001, gt=0)


class Nested(tc.HyperParams):
    """Metadata and parameters in one config: ``yaml.owner``, ``params.dropout``, ..."""

    yaml: RunMeta = tc.Field(default_factory=RunMeta)
    params: Params = tc.Field(default_factory=Params)


def main(argv: list[str]) -> int:
    """Layer config files, then nest a YAML file and a dict in one typed config."""
    try:
        run = tc.init(HParams, argv=argv, dir=None)
        print(
            f"optimizer={run.config.optimizer.name} lr={run.config.optimizer.lr} batch={run.config.batch_size}"
        )
        print(run.explain("batch_size"))

        hyperparameter_defaults = {"dropout": 0.5, "batch_size": 100, "learning_rate": 0.001}
        my_yaml_file = tc.load(RunMeta, "run-meta.yaml")
        config_dictionary = {"yaml": my_yaml_file, "params": hyperparameter_defaults}
        nested = tc.init(Nested, config=config_dictionary, argv=[], dir=None, defaults=None)
    except tc.ConfigError as error:
        print(error, file=sys.stderr)
        return 1
    print(nested.config.to_flat())
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
