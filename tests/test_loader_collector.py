"""The YAML loader pauses the garbage collector while it builds, and restores it after; a loaded config keeps no node tree."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from pathlib import Path
from types import FunctionType, ModuleType

import pytest
import yaml

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


def _reachable_nodes(root: object) -> int:
    """How many YAML nodes can be reached from ``root`` (classes, modules and globals left out)."""
    seen: set[int] = set()
    stack, found = [root], 0
    while stack:
        obj = stack.pop()
        if id(obj) in seen or isinstance(obj, (type, ModuleType)):
            continue
        seen.add(id(obj))
        found += isinstance(obj, yaml.nodes.Node)
        if isinstance(obj, FunctionType):
            stack.extend(cell.cell_contents for cell in obj.__closure__ or ())
        else:
            stack.extend(gc.get_referents(obj))
    return found


class _Sub(tc.HyperParams):
    x: int = 0


class _Data(tc.HyperParams):
    root: str = "/data"
    cache_size: int = tc.Field(default=1, le=50)
    sub: _Sub = _Sub()


class _Follows(tc.HyperParams):
    epochs: int = 10
    warmup: int = tc.Field(default=1, le=100)
    data: _Data = _Data()
    opt: dict[str, float] = tc.Field(default_factory=dict[str, float])


def test_a_config_that_follows_references_keeps_no_node_tree_and_still_places_its_keys(
    tmp_path: Path,
) -> None:
    # Files with nested blocks are read the full way, into a node tree, which the loaded config lets go of.
    (tmp_path / "refs.yaml").write_text("data: scratch\nopt:\n  lr: 0.5\nwarmup: ${epochs}\n")
    preset = tmp_path / "presets" / "data" / "scratch.yaml"
    preset.parent.mkdir(parents=True)
    preset.write_text("root: /scratch\nsub:\n  x: 3\ncache_size: ${epochs}\n")
    cfg = tc.load(_Follows, tmp_path / "refs.yaml", overrides=["--epochs=20"], presets=tmp_path / "presets")
    assert (cfg.warmup, cfg.data.cache_size, cfg.data.sub.x, cfg.opt) == (20, 20, 3, {"lr": 0.5})
    assert _reachable_nodes(cfg) == 0
    with pytest.raises(tc.ConfigError, match=r"refs.yaml:4:9: warmup: .*less than or equal to 100"):
        cfg.epochs = 101  # the reference's position, worked out again from the file's text
    with pytest.raises(
        tc.ConfigError, match=r"scratch.yaml:4:13: data.cache_size: .*less than or equal to 50"
    ):
        cfg.epochs = 60
    assert (cfg.epochs, cfg.warmup, cfg.data.cache_size) == (20, 20, 20)
