"""Merged layers keep a model's keys in its fields' order, which pydantic reads fastest; values are untouched."""

from __future__ import annotations

from pathlib import Path

import pytest

import typed_config as tc
from typed_config._layers.merge import merge


class Group(tc.HyperParams):
    first: int = 0
    second: int = 0
    third: int = 0


class Root(tc.HyperParams):
    group: Group = Group()
    table: dict[str, int] = tc.Field(default_factory=dict[str, int])
    last: int = 0


def test_keys_a_later_layer_adds_to_a_models_mapping_come_in_field_order() -> None:
    lower = {"last": 1, "group": {"third": 3}, "table": {"z": 1}}
    upper = {"group": {"first": 1, "second": 2}, "table": {"a": 2}}
    merged = merge([lower, upper], Root)
    assert merged == {"last": 1, "group": {"first": 1, "second": 2, "third": 3}, "table": {"z": 1, "a": 2}}
    assert list(merged["group"]) == ["first", "second", "third"]
    assert list(merged["table"]) == ["z", "a"]  # a mapping field's keys stay in the order they were given
    assert list(merged) == ["last", "group", "table"]  # a mapping no layer added keys to is left as it is
    assert lower == {"last": 1, "group": {"third": 3}, "table": {"z": 1}}  # layers are not changed


def test_unknown_keys_come_after_the_fields_and_are_still_reported(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text("group:\n  third: 3\n")
    (tmp_path / "b.yaml").write_text("group:\n  extra: 1\n  first: 1\n")
    merged = merge([{"group": {"third": 3}}, {"group": {"extra": 1, "first": 1}}], Root)
    assert list(merged["group"]) == ["first", "third", "extra"]
    with pytest.raises(tc.ConfigError) as caught:
        tc.load(Root, tmp_path / "a.yaml", tmp_path / "b.yaml", presets=None)
    assert [(p.key, str(p.origin)) for p in caught.value.problems] == [
        ("group.extra", f"{tmp_path / 'b.yaml'}:2:3")
    ]
