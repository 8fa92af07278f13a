"""Type aliases and type variables shared by every layer: one definition each."""

from __future__ import annotations

from typing import TypeVar

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
