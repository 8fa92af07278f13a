"""Which fields may hold a model: a run's state (and a loaded config's) is shared through them only."""

from __future__ import annotations

from typing import Any, Literal, Optional, TypeVar, Union

from pydantic import BaseModel

import typed_config as tc
from typed_config._schema.types import model_holders

T = TypeVar("T")


class Inner(tc.HyperParams):
    x: int = 0


class Holder(tc.HyperParams):
    number: int = 0
    model: Inner = Inner()
    optional: Optional[Inner] = None  # noqa: UP045 - the spelling under test
    free: Any = None
    anything: object = None
    either: Union[int, Inner] = 0  # noqa: UP007 - the spelling under test
    base: BaseModel | None = None
    listed: list[Inner] = tc.Field(default_factory=list[Inner])
    keyed: dict[str, Inner] = tc.Field(default_factory=dict[str, Inner])
    literal: Literal["a", "b"] = "a"
    text: str | None = None
    aliased: Inner = tc.Field(default_factory=Inner, alias="the-inner")


def test_fields_that_may_hold_a_model_are_those_typed_by_a_model_any_or_object() -> None:
    assert model_holders(Holder) == [
        ("model", "model"),
        ("optional", "optional"),
        ("free", "free"),
        ("anything", "anything"),
        ("either", "either"),
        ("base", "base"),
        ("aliased", "the-inner"),
    ]
