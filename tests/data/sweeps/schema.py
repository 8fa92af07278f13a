"""The schema the sweep files in this folder are checked against (``--schema schema.py:HParams``)."""

from __future__ import annotations

from typing import Annotated, Literal

import typed_config as tc


class Optimizer(tc.HyperParams):
    name: Literal["adam", "sgd"] = "adam"
    lr: float = tc.Field(default=1e-3, gt=0)
    momentum: float = tc.Field(default=0.9, ge=0, lt=1)


class Model(tc.HyperParams):
    layers: int = tc.Field(default=2, ge=1, le=8)
    width: int = 64
    activation: Literal["relu", "gelu"] = "relu"


class HParams(tc.HyperParams):
    epochs: int = tc.Field(default=10, ge=1)
    batch_size: int = tc.Field(default=32, ge=1)
    dropout: float = tc.Field(default=0.5, ge=0, le=1)
    temperature: float = 1.0
    seed: int | None = None
    dataset: str = "ab131"
    tags: list[str] = tc.Field(default_factory=list[str])
    optimizer: Optimizer = tc.Field(default_factory=Optimizer)
    model: Model = tc.Field(default_factory=Model)


class Strict(tc.HyperParams):
    """A schema with a key no sweep sets: expanding must report it."""

    name: str
    lr: float = 0.1


class Adam(tc.HyperParams):
    name: Literal["adam"] = "adam"
    lr: float = tc.Field(default=1e-3, gt=0)


class SGD(tc.HyperParams):
    name: Literal["sgd"] = "sgd"
    lr: float = tc.Field(default=1e-2, gt=0)
    momentum: float = tc.Field(default=0.9, ge=0, lt=1)


class Tagged(tc.HyperParams):
    """A discriminated union whose default variant (adam) lacks a field the other has (momentum)."""

    epochs: int = 10
    optimizer: Annotated[Adam | SGD, tc.Field(discriminator="name")] = tc.Field(default_factory=Adam)
