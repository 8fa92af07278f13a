"""A schema with a search space, shared by the search tests, their worker processes and Ray's workers."""

from __future__ import annotations

import enum
from typing import Annotated, Literal

import typed_config as tc
from typed_config import search


class Activation(enum.Enum):
    RELU = "relu"
    GELU = "gelu"
    TANH = "tanh"


class Adam(tc.HyperParams):
    name: Literal["adam"] = "adam"
    lr: Annotated[float, search.LogUniform(1e-5, 1e-1)] = tc.Field(default=1e-3, gt=0)
    beta: float = 0.9


class SGD(tc.HyperParams):
    name: Literal["sgd"] = "sgd"
    lr: Annotated[float, search.Uniform(0.01, 0.5)] = tc.Field(default=0.1, gt=0)
    momentum: Annotated[float, search.Uniform(0.0, 0.9, q=0.1)] = tc.Field(default=0.95, ge=0, lt=1)


class Model(tc.HyperParams):
    width: Annotated[int, search.IntUniform(16, 256, log=True)] = 64
    depth: Annotated[int, search.IntUniform(2, 8, step=2)] = 3  # a default outside the space: the baseline
    activation: Annotated[Activation, search.Choice(Activation.RELU, Activation.GELU)] = Activation.TANH


class SearchParams(tc.HyperParams):
    epochs: int = tc.Field(default=10, ge=1)
    dropout: Annotated[float, search.Uniform(0.0, 0.5)] = tc.Field(default=0.25, ge=0, le=1)
    batch_size: Annotated[int, search.Choice(16, 32, 64)] = 128
    model: Model = tc.Field(default_factory=Model)
    optimizer: Adam | SGD = tc.Field(default_factory=Adam, discriminator="name")


def objective(cfg: SearchParams) -> float:
    """A cheap objective whose best config is known: small dropout, Adam near lr 0.01."""
    lr_term = abs(cfg.optimizer.lr - 0.01) if cfg.optimizer.name == "adam" else 1.0
    return cfg.dropout + lr_term + cfg.model.depth / 100


def scored(cfg: SearchParams) -> dict[str, float | str]:
    """A Ray Tune function trainable's body: the objective as the trial's final result."""
    return {"score": objective(cfg), "optimizer": cfg.optimizer.name, "dropout": cfg.dropout}


class AdamParams(tc.HyperParams):
    """A space without a union: every wandb sweep file of it is checked as it will run."""

    dropout: Annotated[float, search.Uniform(0.0, 0.5)] = tc.Field(default=0.25, ge=0, le=1)
    model: Model = tc.Field(default_factory=Model)
    optimizer: Adam = tc.Field(default_factory=Adam)
