"""10 - Ray Tune over the schema's own search space: a param_space built from it, trials validated.

``typed_config.ray.param_space(HParams)`` turns the distributions ``hparams.py`` declares into
``ray.tune`` ones (a discriminated union's variants become ``tune.sample_from`` draws that follow
the chosen tag), and ``trainable(fn, HParams)`` validates each trial's config into ``HParams``
before ``fn`` sees it: a value the schema refuses fails its trial with the key and the reason.

``--space`` prints the space without starting Ray; without it, a local Ray instance (2 CPUs)
runs ``--samples`` trials and prints the best config.

Usage:
    python 10_ray_tune.py --space
    python 10_ray_tune.py --samples 2
"""

from __future__ import annotations

import argparse
import functools
import math
import os
import sys
import tempfile
from typing import Any

from hparams import HParams

from typed_config import search
from typed_config.ray import param_space, trainable, validated


def train(cfg: HParams) -> dict[str, float]:
    """A stand-in for training: the loss is best near lr=0.01 and dropout 0.1."""
    loss = (math.log10(cfg.optimizer.lr) + 2) ** 2 + (cfg.dropout - 0.1) ** 2 + abs(cfg.batch_size - 32) / 320
    return {"loss": loss}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--space", action="store_true", help="print the param_space and stop")
    parser.add_argument("--samples", type=int, default=8, help="how many trials Ray Tune runs")
    args = parser.parse_args()
    space = param_space(HParams)
    if args.space:
        for item in search.spaced(HParams):
            domain = functools.reduce(lambda node, part: node[part], item.key.split("."), space)
            print(f"{item.name}: {item.distribution!r} -> tune {type(domain).__name__}")
        return 0
    import ray
    from ray import tune

    ray_api: Any = ray  # Ray's own annotations are partial: strict checkers would flag every call

    here = os.path.dirname(os.path.abspath(__file__))  # Ray's workers import hparams from here
    ray_api.init(
        num_cpus=2,
        include_dashboard=False,
        log_to_driver=False,
        runtime_env={"env_vars": {"PYTHONPATH": here}},
    )
    try:
        with tempfile.TemporaryDirectory() as storage:
            tuner = tune.Tuner(
                trainable(train, HParams),
                param_space=space,
                tune_config=tune.TuneConfig(num_samples=args.samples, metric="loss", mode="min"),
                run_config=tune.RunConfig(storage_path=storage, verbose=0),
            )
            best = tuner.fit().get_best_result()
            assert best.config is not None
            assert best.metrics is not None
            print(f"best loss {best.metrics['loss']:.4f} with {validated(HParams, best.config).to_flat()}")
    finally:
        ray_api.shutdown()
    return 0


if __name__ == "__main__":
    sys.exit(main())
