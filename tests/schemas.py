"""Schemas shared by the tests."""

from __future__ import annotations

import datetime
import enum
import pathlib
from typing import Annotated, Literal

from pydantic import BaseModel

import typed_config as tc


class Color(str, enum.Enum):
    RED = "red"
    GREEN = "green"


class Optimizer(tc.HyperParams):
    name: Literal["adam", "sgd"] = "adam"
    lr: float = tc.Field(default=1e-3, description="Learning rate", gt=0)


class Step(tc.HyperParams):
    epoch: int = 0
    lr_scale: float = 1.0


class Adam(tc.HyperParams):
    kind: Literal["adam"] = "adam"
    beta1: float = 0.9


class Sgd(tc.HyperParams):
    kind: Literal["sgd"] = "sgd"
    momentum: float = 0.0


class HParams(tc.HyperParams):
    epochs: int = tc.Field(default=100, description="Number of epochs to train over")
    batch_size: int = tc.Field(default=32, description="Size of each mini-batch")
    dropout: float = 0.5
    use_amp: bool = False
    optimizer: Optimizer = tc.Field(default_factory=Optimizer)
    dataset: str = tc.Field(default="ab131", description="Dataset identifier")
    tags: list[str] = tc.Field(default_factory=list[str])
    sizes: tuple[int, ...] = (1, 2)
    weights: dict[str, float] = tc.Field(default_factory=dict[str, float])
    extra: dict[str, object] = tc.Field(default_factory=dict[str, object])
    seed: int | None = None
    color: Color = Color.RED
    out: pathlib.Path = pathlib.Path("runs")
    start: datetime.date = datetime.date(2024, 1, 1)
    schedule: list[Step] = tc.Field(default_factory=list[Step])
    opt: Annotated[Adam | Sgd, tc.Field(discriminator="kind")] = tc.Field(default_factory=Adam)


class Plain(BaseModel):
    """A plain pydantic model whose own config would allow extras and lax types."""

    model_config = {"extra": "allow"}
    count: int = 1
    ratio: float = 0.5
    inner: Plain | None = None
