"""Static types of search spaces and the engines' entry points: type-checked, never executed.

The space is ``Annotated`` metadata, so ``tc.Field`` stays pydantic's own: a required field
stays required to both checkers, and a default stays a default.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

import optuna
from typing_extensions import assert_type

import typed_config as tc
from typed_config import search
from typed_config.optuna import optimize, suggest
from typed_config.ray import param_space, trainable, validated


class HParams(tc.HyperParams):
    lr: Annotated[float, search.LogUniform(1e-5, 1e-1)] = tc.Field(default=1e-3, gt=0)
    layers: Annotated[int, search.IntUniform(1, 8)] = tc.Field(default=2, description="Depth")
    seed: Annotated[int, search.Choice(1, 2, 3)] = tc.Field(description="Required: no default")


HParams(seed=1)
HParams()  # type: ignore[call-arg]  # pyright: ignore[reportCallIssue]
assert_type(HParams(seed=1).lr, float)

assert_type(search.space(HParams), dict[str, search.Distribution])


def objective(cfg: HParams) -> float:
    return cfg.lr


trial = optuna.create_study().ask()
assert_type(suggest(trial, HParams), HParams)
assert_type(suggest(trial, HParams, HParams(seed=2)), HParams)
assert_type(optimize(HParams, objective, n_trials=1), optuna.Study)


def on_ints(cfg: int) -> float:
    return float(cfg)


optimize(HParams, on_ints, n_trials=1)  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]

assert_type(param_space(HParams), dict[str, Any])
assert_type(trainable(objective, HParams), Callable[[dict[str, Any]], float])
assert_type(validated(HParams, {"lr": 0.1}), HParams)
