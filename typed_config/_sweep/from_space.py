"""A wandb sweep written from the search space a schema declares: its parameters, and the file's text."""

from __future__ import annotations

from typing import Any, Final

from pydantic import BaseModel

from typed_config._schema.space import Choice, IntUniform, LogUniform, Searched, Uniform
from typed_config._types import Path
from typed_config.search import spaced

_NO_CONDITIONALS: Final = (
    "wandb has no conditional parameters: {tag} chooses the variant, and the parameters of every "
    "variant are listed"
)


def space_parameters(schema: type[BaseModel]) -> dict[str, Any]:
    """The wandb ``parameters`` of a random sweep over the schema's declared space.

    Raises:
        TypeError: the schema declares no space, or one wandb cannot draw from.
    """
    items = spaced(schema)
    if not items:
        raise TypeError(f"{schema.__name__} declares no search space (see typed_config.search)")
    try:
        return wandb_parameters(items, grid=False, comments={})
    except ValueError as exc:
        raise TypeError(str(exc)) from None


def wandb_parameters(items: list[Searched], *, grid: bool, comments: dict[Path, str]) -> dict[str, Any]:
    """One wandb parameter per searched dot-key (the first variant's, when several declare it)."""
    parameters: dict[str, Any] = {}
    tags = {tag for s in items for tag, _ in s.when}
    for item in items:
        if item.key in parameters:  # a key several variants declare: wandb holds one space per name
            comments[("parameters", item.key)] = f"also declared for another variant: {item.name}"
            continue
        parameters[item.key] = _parameter(item, grid=grid)
        if item.key in tags:
            comments[("parameters", item.key)] = _NO_CONDITIONALS.format(tag=item.key)
    return parameters


def _parameter(item: Searched, *, grid: bool) -> dict[str, Any]:
    dist = item.distribution
    if isinstance(dist, Choice):
        return {"values": list(dist.values)}
    if isinstance(dist, IntUniform) and dist.step == 1 and not dist.log:
        return {"distribution": "int_uniform", "min": dist.low, "max": dist.high}
    if isinstance(dist, IntUniform):  # wandb has no integer steps or log integers: list them
        return {"values": list(range(dist.low, dist.high + 1, dist.step))}
    if isinstance(dist, Uniform) and dist.q is not None:  # wandb's q rounds to multiples of q, not low + k q
        return {"values": dist.grid()}
    if grid:
        raise ValueError(
            f"--method grid: {item.name} is {dist!r}, which has no finite values; use random or bayes"
        )
    if isinstance(dist, LogUniform):
        return {"distribution": "log_uniform_values", "min": dist.low, "max": dist.high}
    if isinstance(dist, Uniform):
        return {"distribution": "uniform", "min": dist.low, "max": dist.high}
    raise ValueError(f"{item.name}: wandb cannot draw from {dist!r}")
