"""Type aliases and type variables shared by every layer: one definition each; the per-class cache."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from pydantic import BaseModel

Path = tuple[str | int, ...]
"""A path into nested data: mapping keys and list indices."""

M = TypeVar("M", bound=BaseModel)
"""A schema: any pydantic model class's instances."""

T = TypeVar("T")
"""Any value."""

R = TypeVar("R")
"""What a called function returns."""

S = TypeVar("S")
"""A subcommand's schema."""


C = TypeVar("C", bound=type)
"""A class."""


def per_class(cls: C, name: str, compute: Callable[[C], T]) -> T:
    """``compute(cls)``, worked out once per class and kept on the class itself as ``name``.

    A class does not change once built. The value is read from the class's own ``__dict__`` (a
    subclass works out its own) and set with ``type.__setattr__`` (pydantic's metaclass refuses
    unknown attributes). A mutable value (a dict) may serve as the class's own cache of answers.
    """
    try:
        found: T = cls.__dict__[name]
    except KeyError:
        found = compute(cls)
        type.__setattr__(cls, name, found)
    return found


def empty_cache(_cls: type) -> dict[Any, Any]:
    """A new, empty dict: for ``per_class``, a class's own cache of answers."""
    return {}
