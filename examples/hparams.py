"""The hyperparameter schema the examples share: declared once, typed everywhere."""

from typing import Annotated, Literal

import typed_config as tc
from typed_config import search


class Optimizer(tc.HyperParams):
    """Which optimiser, and how fast it learns."""

    name: Annotated[Literal["adam", "sgd"], search.Choice("adam", "sgd")] = "adam"
    # The search space sits beside the type (Annotated): Field stays pydantic's own, fully typed.
    lr: Annotated[float, search.LogUniform(1e-4, 1e-1)] = tc.Field(
        default=1e-3, description="Learning rate", gt=0
    )
    momentum: float = tc.Field(default=0.9, description="Momentum (sgd only)", ge=0, lt=1)


class HParams(tc.HyperParams):
    """Everything a training run needs to know."""

    epochs: int = tc.Field(default=100, description="Number of epochs to train over", ge=1)
    batch_size: Annotated[int, search.Choice(16, 32, 64)] = tc.Field(
        default=32, description="Size of each mini-batch", ge=1
    )
    dropout: Annotated[float, search.Uniform(0.0, 0.5)] = tc.Field(
        default=0.5, description="Dropout probability", ge=0, le=1
    )
    optimizer: Optimizer = tc.Field(default_factory=Optimizer, description="The optimiser and its settings")
    dataset: str = tc.Field(default="ab131", description="Dataset identifier")
    tags: list[str] = tc.Field(default_factory=list[str], description="Labels for this run")
