"""The schema the config-file corpus in ``tests/data/defaults/`` is validated against.

It has no required field, so a valid corpus file may set any subset of the keys; the expected
``to_flat()`` of each file therefore includes every default.
"""

from __future__ import annotations

import datetime
import enum
import pathlib
from typing import Annotated, Any, Literal, Optional, Union

import typed_config as tc


class Activation(str, enum.Enum):
    RELU = "relu"
    GELU = "gelu"


class Optimizer(tc.HyperParams):
    name: Literal["adam", "sgd"] = "adam"
    lr: float = tc.Field(default=1e-3, description="Learning rate", gt=0)
    momentum: float = 0.9


class Stage(tc.HyperParams):
    epochs: int = 1
    lr: float = tc.Field(default=0.1, gt=0)


class Cosine(tc.HyperParams):
    name: Literal["cosine"] = "cosine"
    warmup: int = 0


class Step(tc.HyperParams):
    name: Literal["step"] = "step"
    step_size: int = 10
    gamma: float = 0.1


class HParams(tc.HyperParams):
    epochs: int = tc.Field(default=100, description="Number of epochs to train over")
    batch_size: int = tc.Field(default=32, description="Size of each mini-batch")
    dropout: float = 0.5
    use_amp: bool = False
    dataset: str = tc.Field(default="ab131", description="Dataset identifier")
    notes: str = ""
    tags: list[str] = tc.Field(default_factory=list)
    sizes: tuple[int, ...] = (64, 32)
    weights: dict[str, float] = tc.Field(default_factory=dict)
    extra: dict[str, Any] = tc.Field(default_factory=dict)  # shows exactly how scalars resolve
    seed: Optional[int] = None  # noqa: UP045 - typing.Union spellings are introspected apart from X | None
    activation: Activation = Activation.RELU
    data_dir: pathlib.Path = pathlib.Path("data")
    start_date: datetime.date = datetime.date(2024, 1, 1)
    optimizer: Optimizer = tc.Field(default_factory=Optimizer)
    schedule: list[Stage] = tc.Field(default_factory=list)
    scheduler: Annotated[Union[Cosine, Step], tc.Field(discriminator="name")] = tc.Field(  # noqa: UP007 - as above
        default_factory=Cosine
    )
