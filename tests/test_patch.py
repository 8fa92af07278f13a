"""Edits as patches of dot-keys: the patch between two configs, applying it, and what clashes."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from strategies import examples, json_values, nested_dicts, segments

from typed_config import flatten, unflatten
from typed_config._keys.patch import REMOVED, apply_patch, changes, clashes


def same_json(a: Any, b: Any) -> bool:
    """Equal as JSON (NaN equal to NaN)."""
    return json.dumps(a, sort_keys=True) == json.dumps(b, sort_keys=True)


@settings(max_examples=examples(100))
@given(nested_dicts, nested_dicts)
def test_the_patch_between_two_configs_turns_one_into_the_other(before: Any, after: Any) -> None:
    old, new = flatten(before), flatten(after)
    assert same_json(apply_patch(old, changes(old, new)), new)
    assert clashes(changes(old, new), old, old) == []


@settings(max_examples=examples(100))
@given(nested_dicts, segments, json_values, segments, json_values)
def test_writers_of_different_keys_merge_in_either_order(
    base: Any, first: str, first_value: Any, second: str, second_value: Any
) -> None:
    if first == second:
        second += "2"
    read = flatten(base)
    mine = changes(read, flatten({**base, first: first_value}))
    theirs = changes(read, flatten({**base, second: second_value}))
    expected = flatten({**base, first: first_value, second: second_value})
    now = apply_patch(read, theirs)
    assert clashes(mine, read, now) == []
    assert same_json(apply_patch(now, mine), expected)
    assert same_json(apply_patch(apply_patch(read, mine), theirs), expected)


@pytest.mark.parametrize(
    ("read", "now", "patch", "clashing", "merged"),
    [
        pytest.param({"a": 1}, {"a": 2}, {"a": 3}, ["a"], {"a": 3}, id="both changed a key"),
        pytest.param({"a": 1}, {"a": 3}, {"a": 3}, [], {"a": 3}, id="both set the same value"),
        pytest.param(
            {"d.x": 1},
            {"d.x": 1, "d.y": 2},
            {"d.z": 3},
            [],
            {"d.x": 1, "d.y": 2, "d.z": 3},
            id="keys of one dict",
        ),
        pytest.param({"d.x": 1}, {"d.x": 1, "d.y": 2}, {"d.x": REMOVED}, [], {"d.y": 2}, id="a removed key"),
        pytest.param({"d.x": 1}, {"d.x": 5}, {"d.x": REMOVED}, ["d.x"], {}, id="removed here, changed there"),
        pytest.param(
            {"d": {}}, {"d": {}}, {"d": REMOVED, "d.x": 1}, [], {"d.x": 1}, id="a key into an empty dict"
        ),
        pytest.param(
            {"d.x": 1},
            {"d.x": 1, "d.y": 2},
            {"d": {}, "d.x": REMOVED},
            [],
            {"d.y": 2},
            id="emptied here, added there",
        ),
        pytest.param({"d.x": 1}, {"d": None}, {"d.y": 2}, ["d.y"], {"d.y": 2}, id="a key below None"),
        pytest.param({"d": None}, {"d.y": 2}, {"d": 0}, ["d"], {"d": 0}, id="a value over new keys"),
    ],
)
def test_clashes_and_merges(
    read: dict[str, Any],
    now: dict[str, Any],
    patch: dict[str, Any],
    clashing: list[str],
    merged: dict[str, Any],
) -> None:
    assert clashes(patch, read, now) == clashing
    assert apply_patch(now, patch) == merged
    unflatten(merged)  # no key is both a value and a holder of keys


def test_a_flat_patch_is_applied_in_linear_time() -> None:
    read = {f"d.k{i}": i for i in range(20_000)}
    patch = {f"d.k{i}": REMOVED for i in range(0, 20_000, 2)} | {f"e.k{i}": i for i in range(10_000)}
    merged = apply_patch(read, patch)
    assert len(merged) == 20_000
    assert clashes(patch, read, read) == []
    # Plain values set over 10,000 dicts that another writer added keys to: each one clashes.
    read = {f"d{i}.x": 1 for i in range(10_000)}
    now = read | {f"d{i}.y": 2 for i in range(10_000)}
    assert len(clashes({f"d{i}": 0 for i in range(10_000)}, read, now)) == 10_000
