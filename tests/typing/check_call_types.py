"""Static types of ``tc.call``: it returns what the function returns; never executed."""

from __future__ import annotations

from typing_extensions import assert_type

import typed_config as tc


def train(epochs: int = 10, lr: float = 0.1) -> float:
    """Train.

    Args:
        epochs: passes over the data.
        lr: the learning rate.
    """
    return epochs * lr


def evaluate(checkpoint: str) -> dict[str, float]:
    return {checkpoint: 1.0}


assert_type(tc.call(train), float)
assert_type(tc.call(train, ["--epochs", "3"], dir=None, env_prefix="TRAIN_"), float)
assert_type(tc.call(evaluate, argv=["--checkpoint", "x"]), dict[str, float])
assert_type(tc.call(lambda: "done"), str)
tc.call(train, 3)  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]
