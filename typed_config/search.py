"""Search spaces declared on a schema's fields, read back as one flat space for any search engine.

A field carries its space as ``Annotated`` metadata, beside its type, so ``Field`` stays
pydantic's own and type checkers keep seeing required fields and defaults::

    lr: Annotated[float, search.LogUniform(1e-5, 1e-1)] = tc.Field(default=1e-3, gt=0)

A space is checked when the class is defined (a ``TypeError`` naming class and field).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pydantic import BaseModel

from typed_config._schema.space import (
    Choice,
    Distribution,
    IntUniform,
    LogUniform,
    Searched,
    Uniform,
    applies,
    searched,
)

__all__ = [
    "Choice",
    "Distribution",
    "IntUniform",
    "LogUniform",
    "Searched",
    "Uniform",
    "draw",
    "space",
    "spaced",
]

for _public in (Choice, Distribution, IntUniform, LogUniform, Searched, Uniform):
    _public.__module__ = __name__


def space(schema: type[BaseModel]) -> dict[str, Distribution]:
    """The flat search space of ``schema``: each searched key's name to its distribution.

    Nested models' fields are named by dot-keys (``optimizer.lr``). A discriminated union's tag
    is a ``Choice`` over the variants that declare a space (``optimizer.name``), and a field of a
    variant is named with the variant's tag in brackets (``optimizer[sgd].momentum``): it is
    searched only when that variant is chosen.

    Raises:
        TypeError: a distribution its field cannot take, naming class and field.
    """
    return {item.name: item.distribution for item in searched(schema)}


def spaced(schema: type[BaseModel]) -> list[Searched]:
    """Every searched key with its dot-key and the variant choices it depends on, in field order.

    Raises:
        TypeError: a distribution its field cannot take, naming class and field.
    """
    return searched(schema)


def draw(schema: type[BaseModel], pick: Callable[[Searched], Any]) -> dict[str, Any]:
    """The dot-keys and values ``pick`` gives for every searched key in play.

    Keys of a union variant are asked for only when the variant was picked for its tag.

    Raises:
        TypeError: a distribution its field cannot take, naming class and field.
    """
    values: dict[str, Any] = {}
    for item in searched(schema):
        if applies(item, values):
            values[item.key] = pick(item)
    return values
