"""The YAML loader pauses the garbage collector while it builds, and restores it after."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

import typed_config as tc


@pytest.fixture
def collector_on() -> Iterator[None]:
    was = gc.isenabled()
    gc.enable()
    yield
    if not was:
        gc.disable()


@pytest.mark.usefixtures("collector_on")
def test_the_collector_is_on_again_after_a_load() -> None:
    tc.loads(tc.HyperParams, "{}")
    assert gc.isenabled()


@pytest.mark.usefixtures("collector_on")
@pytest.mark.parametrize("text", ["a: [1", "[1, 2]"], ids=["bad YAML", "not a mapping"])
def test_the_collector_is_on_again_after_a_failed_load(text: str) -> None:
    with pytest.raises(tc.ConfigError):
        tc.loads(tc.HyperParams, text)
    assert gc.isenabled()


def test_a_collector_switched_off_by_the_caller_stays_off() -> None:
    was = gc.isenabled()
    gc.disable()
    try:
        tc.loads(tc.HyperParams, "")
        assert not gc.isenabled()
    finally:
        if was:
            gc.enable()
