"""07 - A real training loop: logistic regression on synthetic data, driven entirely by typed_config.

Pure Python, no downloads. The schema below is the whole configuration; ``logreg-defaults.yaml``
holds its defaults; the command line overrides them (``--optimizer.lr=0.5``); ``--sweep`` runs a
grid sweep locally with ``typed_config.sweep.expand`` and reports the best run, the way a wandb
agent would run each configuration on a cluster.

Usage:
    python 07_logistic_regression.py
    python 07_logistic_regression.py --optimizer.name=sgd --optimizer.lr=0.5 --training.epochs 5
    python 07_logistic_regression.py --sweep
    python 07_logistic_regression.py --data.n_samples=0   # exit 1: a data set needs samples
"""

from __future__ import annotations

import math
import random
import sys
from typing import Any, Literal

import typed_config as tc
import typed_config.sweep as tcs

DEFAULTS = "logreg-defaults.yaml"


class Data(tc.HyperParams):
    """The synthetic data set: points around a random hyperplane, labels flipped by noise."""

    n_samples: int = tc.Field(default=200, ge=1, description="How many points")
    n_features: int = tc.Field(default=3, ge=1, description="Dimensions of each point")
    noise: float = tc.Field(default=0.1, ge=0, description="Standard deviation of the label noise")
    seed: int = tc.Field(default=0, description="Seed of the data generator")


class Model(tc.HyperParams):
    """The model's regularisation."""

    l2: float = tc.Field(default=0.0, ge=0, description="L2 penalty on the weights")


class Optimizer(tc.HyperParams):
    """Mini-batch gradient descent."""

    name: Literal["sgd", "momentum"] = "sgd"
    lr: float = tc.Field(default=0.1, gt=0, description="Learning rate")
    momentum: float = tc.Field(default=0.9, ge=0, lt=1, description="Momentum (name: momentum)")


class Training(tc.HyperParams):
    """How long, in what steps."""

    epochs: int = tc.Field(default=10, ge=1, description="Passes over the data")
    batch_size: int = tc.Field(default=16, ge=1, description="Points per gradient step")


class LogReg(tc.HyperParams):
    """Everything one run needs."""

    data: Data = tc.Field(default_factory=Data)
    model: Model = tc.Field(default_factory=Model)
    optimizer: Optimizer = tc.Field(default_factory=Optimizer)
    training: Training = tc.Field(default_factory=Training)


def make_data(cfg: Data) -> list[tuple[list[float], int]]:
    """Points around a random hyperplane; each label flipped with noise."""
    rng = random.Random(cfg.seed)  # noqa: S311 - synthetic data, not cryptography
    truth = [rng.gauss(0, 1) for _ in range(cfg.n_features)]
    points: list[tuple[list[float], int]] = []
    for _ in range(cfg.n_samples):
        x = [rng.gauss(0, 1) for _ in range(cfg.n_features)]
        margin = sum(w * v for w, v in zip(truth, x, strict=True)) + rng.gauss(0, cfg.noise)
        points.append((x, int(margin > 0)))
    return points


def train(cfg: LogReg) -> float:
    """Train and return the final log loss."""
    data = make_data(cfg.data)
    weights = [0.0] * cfg.data.n_features
    velocity = [0.0] * cfg.data.n_features
    rng = random.Random(cfg.data.seed + 1)  # noqa: S311 - shuffling, not cryptography
    for _epoch in range(cfg.training.epochs):
        rng.shuffle(data)
        for start in range(0, len(data), cfg.training.batch_size):
            batch = data[start : start + cfg.training.batch_size]
            gradient = [cfg.model.l2 * w for w in weights]
            for x, y in batch:
                p = 1 / (1 + math.exp(-sum(w * v for w, v in zip(weights, x, strict=True))))
                for i, v in enumerate(x):
                    gradient[i] += (p - y) * v / len(batch)
            for i, g in enumerate(gradient):
                step = g if cfg.optimizer.name == "sgd" else cfg.optimizer.momentum * velocity[i] + g
                velocity[i] = step
                weights[i] -= cfg.optimizer.lr * step
    return log_loss(weights, data)


def log_loss(weights: list[float], data: list[tuple[list[float], int]]) -> float:
    """The mean negative log likelihood."""
    total = 0.0
    for x, y in data:
        p = 1 / (1 + math.exp(-sum(w * v for w, v in zip(weights, x, strict=True))))
        p = min(max(p, 1e-12), 1 - 1e-12)
        total -= y * math.log(p) + (1 - y) * math.log(1 - p)
    return total / len(data)


SWEEP: dict[str, Any] = {
    "method": "grid",
    "program": "07_logistic_regression.py",
    "metric": {"name": "loss", "goal": "minimize"},
    "parameters": {
        "optimizer.name": {"values": ["sgd", "momentum"]},
        "optimizer.lr": {"values": [0.05, 0.3]},
    },
}


def main(argv: list[str]) -> int:
    """Train once with the command line's config, or run the whole sweep with ``--sweep``."""
    try:
        if argv == ["--sweep"]:
            # each run: its choices over the defaults file, as init would read them
            results = [
                (train(cfg), cfg.optimizer.name, cfg.optimizer.lr)
                for cfg in tcs.expand(LogReg, SWEEP, defaults=DEFAULTS)
            ]
            for loss, name, lr in sorted(results):
                print(f"{name:<8} lr={lr:<5} loss {loss:.4f}")
            return 0
        run = tc.init(LogReg, argv=argv, defaults=DEFAULTS, dir=None)
    except tc.ConfigError as error:
        print(error, file=sys.stderr)
        return 1
    print(
        f"final log loss {train(run.config):.4f} with {run.config.optimizer.name} at lr={run.config.optimizer.lr}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
