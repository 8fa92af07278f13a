"""A schema with groups inside groups and inside list items, for the composition tests (importable by the CLI)."""

from __future__ import annotations

from typing import Annotated, Literal

import typed_config as tc


class Encoder(tc.HyperParams):
    width: int = 8
    depth: int = 2


class Head(tc.HyperParams):
    units: int = 4


class Model(tc.HyperParams):
    size: int = 1
    encoder: Encoder = tc.Field(default_factory=Encoder)
    head: Head = tc.Field(default_factory=Head)


class Monitor(tc.HyperParams):
    metric: str = "loss"
    mode: Literal["min", "max"] = "min"


class Callback(tc.HyperParams):
    name: str = "callback"
    patience: int = tc.Field(default=0, ge=0)
    monitor: Monitor = tc.Field(default_factory=Monitor)


class Adam(tc.HyperParams):
    kind: Literal["adam"] = "adam"
    beta1: float = 0.9


class Sgd(tc.HyperParams):
    kind: Literal["sgd"] = "sgd"
    momentum: float = 0.0


class Train(tc.HyperParams):
    epochs: int = 10
    note: str = "plain"
    model: Model = tc.Field(default_factory=Model)
    callbacks: list[Callback] = tc.Field(default_factory=list[Callback])
    opt: Annotated[Adam | Sgd, tc.Field(discriminator="kind")] = tc.Field(default_factory=Adam)


class EarlyStop(tc.HyperParams):
    kind: Literal["early"] = "early"
    patience: int = 1
    monitor: Monitor = tc.Field(default_factory=Monitor)


class Checkpoint(tc.HyperParams):
    kind: Literal["ckpt"] = "ckpt"
    every: int = 1


Hook = Annotated[EarlyStop | Checkpoint, tc.Field(discriminator="kind")]


class Loop(tc.HyperParams):
    """List items and a group whose type is a union of models (discriminated, and plain)."""

    hooks: list[Hook] = tc.Field(default_factory=list[Hook])
    plain: list[EarlyStop | Checkpoint] = tc.Field(default_factory=list[EarlyStop | Checkpoint])
    stop: Hook = tc.Field(default_factory=Checkpoint)


class Plain(tc.HyperParams):
    """A group typed as a plain union of models tagged by ``kind`` (no discriminator)."""

    epochs: int = 10
    opt: EarlyStop | Checkpoint = tc.Field(default_factory=EarlyStop)


class WithEarly(tc.HyperParams):
    kind: Literal["early"] = "early"
    hooks: list[EarlyStop] = tc.Field(default_factory=list[EarlyStop])


class WithCheckpoint(tc.HyperParams):
    kind: Literal["ckpt"] = "ckpt"
    hooks: list[Checkpoint] = tc.Field(default_factory=list[Checkpoint])


class Both(tc.HyperParams):
    """Two members of a union with a list of models at the same path, of different item types."""

    part: WithEarly | WithCheckpoint = tc.Field(default_factory=WithEarly)
