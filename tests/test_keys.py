"""Dot-keys: ``flatten`` and ``unflatten``, their examples from DESIGN.md, errors and round trips."""

from __future__ import annotations

import ast
import enum
import math
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import examples, json_values, nested_dicts, same, segments

import typed_config as tc


class Color(str, enum.Enum):
    RED = "red"


class Level(enum.Enum):
    LOW = 1


class Inner(tc.HyperParams):
    lr: float = 0.1
    sizes: tuple[int, ...] = (1, 2)


class Outer(tc.HyperParams):
    name: str = "x"
    inner: Inner = Inner()
    stages: list[Inner] = tc.Field(default_factory=lambda: [Inner(lr=0.5)])
    color: Color = Color.RED
    table: dict[str, int] = tc.Field(default_factory=dict)


def problems_of(exc: pytest.ExceptionInfo[tc.ConfigError]) -> list[tuple[str | None, str]]:
    return [(p.key, p.message) for p in exc.value.problems]


# --- flatten: examples ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        pytest.param({}, {}, id="empty"),
        pytest.param({"a": 1}, {"a": 1}, id="scalar"),
        pytest.param({"a": {"b": 1, "c": {"d": None}}}, {"a.b": 1, "a.c.d": None}, id="nested"),
        pytest.param({"a": {}}, {"a": {}}, id="empty mapping is a leaf"),
        pytest.param({"a": {"b": {}}}, {"a.b": {}}, id="deep empty mapping is a leaf"),
        pytest.param({"a": [1, [2, 3]]}, {"a": [1, [2, 3]]}, id="lists are never expanded"),
        pytest.param({"a": [{"b": {"c": 1}}]}, {"a": [{"b": {"c": 1}}]}, id="dicts in lists stay nested"),
        pytest.param({"a": (1, (2, 3))}, {"a": [1, [2, 3]]}, id="tuples become lists"),
        pytest.param(
            {"a": [Inner()]}, {"a": [{"lr": 0.1, "sizes": [1, 2]}]}, id="models in lists become dicts"
        ),
        pytest.param({"a": Color.RED, "b": [Level.LOW]}, {"a": "red", "b": [1]}, id="enums become values"),
        pytest.param({"m": Inner()}, {"m.lr": 0.1, "m.sizes": [1, 2]}, id="model in a mapping is expanded"),
    ],
)
def test_flatten_examples(data: dict[str, Any], expected: dict[str, Any]) -> None:
    assert same(tc.flatten(data), expected)


def test_flatten_model() -> None:
    flat = tc.flatten(Outer())
    assert same(
        flat,
        {
            "name": "x",
            "inner.lr": 0.1,
            "inner.sizes": [1, 2],
            "stages": [{"lr": 0.5, "sizes": [1, 2]}],
            "color": "red",
            "table": {},
        },
    )
    assert same(Outer().to_flat(), flat)


def test_flatten_expands_non_empty_dict_field() -> None:
    assert tc.flatten(Outer(table={"k": 1}))["table.k"] == 1


def test_flatten_uses_aliases() -> None:
    class Aliased(tc.HyperParams):
        learning_rate: float = tc.Field(default=0.1, alias="lr")

    assert tc.flatten(Aliased()) == {"lr": 0.1}


def test_flatten_returns_a_new_dict() -> None:
    data = {"a": [1, 2]}
    flat = tc.flatten(data)
    flat["b"] = 1
    assert data == {"a": [1, 2]}


def test_flatten_empty_model_is_a_leaf() -> None:
    class Nothing(tc.HyperParams):
        pass

    class Holder(tc.HyperParams):
        nothing: Nothing = Nothing()

    assert tc.flatten(Holder()) == {"nothing": {}}


# --- flatten: bad keys ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        pytest.param({1: 1}, [(None, "keys must be strings, got int 1")], id="non-string top"),
        pytest.param({"": 1}, [(None, "keys must not be empty")], id="empty top"),
        pytest.param(
            {"a.b": 1}, [(None, "key 'a.b' contains '.'; nest it as a mapping instead")], id="dotted top"
        ),
        pytest.param({"a": {1: 2}}, [("a", "keys must be strings, got int 1")], id="non-string nested"),
        pytest.param({"a": {"b": {"": 1}}}, [("a.b", "keys must not be empty")], id="empty nested"),
        pytest.param(
            {"a": {"b.c": 1}},
            [("a", "key 'b.c' contains '.'; nest it as a mapping instead")],
            id="dotted nested",
        ),
        pytest.param(
            {"a": {"b": 1, "c.d": 2, 3: 4}, "e": {"": 5}},
            [
                ("a", "key 'c.d' contains '.'; nest it as a mapping instead"),
                ("a", "keys must be strings, got int 3"),
                ("e", "keys must not be empty"),
            ],
            id="every problem at once",
        ),
    ],
)
def test_flatten_bad_keys(data: dict[Any, Any], expected: list[tuple[str | None, str]]) -> None:
    with pytest.raises(tc.ConfigError) as exc:
        tc.flatten(data)
    assert problems_of(exc) == expected
    assert all(p.origin.text == "flatten() argument" for p in exc.value.problems)


def test_flatten_bad_key_str() -> None:
    with pytest.raises(tc.ConfigError) as exc:
        tc.flatten({"a": {"b.c": 1}})
    assert str(exc.value) == "flatten() argument: a: key 'b.c' contains '.'; nest it as a mapping instead"


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        pytest.param({"a": [{1: 1, "b": 2}]}, [("a[0]", "keys must be strings, got int 1")], id="non-string"),
        pytest.param({"a": [{"": 1}]}, [("a[0]", "keys must not be empty")], id="empty"),
        pytest.param(
            {"a": [{"b": [{"c.d": 1}]}]},
            [("a[0].b[0]", "key 'c.d' contains '.'; nest it as a mapping instead")],
            id="dotted, deeper",
        ),
    ],
)
def test_flatten_bad_keys_inside_lists(data: dict[str, Any], expected: list[tuple[str, str]]) -> None:
    with pytest.raises(tc.ConfigError) as exc:
        tc.flatten(data)
    assert problems_of(exc) == expected


def test_flatten_refuses_non_mapping() -> None:
    with pytest.raises(TypeError, match=r"flatten\(\) takes a model or a mapping, not list"):
        tc.flatten([1])  # type: ignore[arg-type]


# --- unflatten -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("flat", "expected"),
    [
        pytest.param({}, {}, id="empty"),
        pytest.param({"a": 1}, {"a": 1}, id="scalar"),
        pytest.param({"a.b": 1, "a.c.d": 2, "e": 3}, {"a": {"b": 1, "c": {"d": 2}}, "e": 3}, id="nested"),
        pytest.param({"a": {}}, {"a": {}}, id="empty mapping is a leaf"),
        pytest.param({"a.b": {}}, {"a": {"b": {}}}, id="deep empty mapping"),
        pytest.param({"a": [{"b": 1}]}, {"a": [{"b": 1}]}, id="lists are values"),
        pytest.param({"a.b": 1, "c": 2, "a.d": 3}, {"a": {"b": 1, "d": 3}, "c": 2}, id="interleaved"),
    ],
)
def test_unflatten_examples(flat: dict[str, Any], expected: dict[str, Any]) -> None:
    assert same(tc.unflatten(flat), expected)


def test_unflatten_returns_new_dicts() -> None:
    flat = {"a.b": [1]}
    nested = tc.unflatten(flat)
    nested["a"]["c"] = 2
    assert flat == {"a.b": [1]}


@pytest.mark.parametrize(
    ("flat", "expected"),
    [
        pytest.param({"a": 1, "a.b": 2}, [("a.b", "collides with key 'a'")], id="value then child"),
        pytest.param({"a.b": 2, "a": 1}, [("a", "collides with key 'a.b'")], id="child then value"),
        pytest.param({"a.b.c": 1, "a.b": 2}, [("a.b", "collides with key 'a.b.c'")], id="deep child first"),
        pytest.param({"a.b": 1, "a.b.c": 2}, [("a.b.c", "collides with key 'a.b'")], id="deep value first"),
        pytest.param({"a.b.c": 1, "a": 3}, [("a", "collides with key 'a.b.c'")], id="names a leaf key"),
        pytest.param({"a": {}, "a.b": 1}, [("a.b", "collides with key 'a'")], id="empty mapping then child"),
        pytest.param({"a.b": 1, "a": {}}, [("a", "collides with key 'a.b'")], id="child then empty mapping"),
        pytest.param(
            {"a": {"x": 1}, "a.y": 2}, [("a.y", "collides with key 'a'")], id="given dict is a leaf"
        ),
        pytest.param(
            {"a": 1, "b": 2, "a.b": 3, "b.c": 4},
            [("a.b", "collides with key 'a'"), ("b.c", "collides with key 'b'")],
            id="every collision",
        ),
    ],
)
def test_unflatten_collisions(flat: dict[str, Any], expected: list[tuple[str, str]]) -> None:
    with pytest.raises(tc.ConfigError) as exc:
        tc.unflatten(flat)
    assert problems_of(exc) == expected


@pytest.mark.parametrize(
    ("flat", "expected"),
    [
        pytest.param({"a.b": {"c": 1}, "a": 2}, [("a", "collides with key 'a.b'")], id="dict value"),
        pytest.param(
            {"0.0": {"0": None}, "0": None}, [("0", "collides with key '0.0'")], id="found by hypothesis"
        ),
    ],
)
def test_unflatten_collision_names_an_input_key(
    flat: dict[str, Any], expected: list[tuple[str, str]]
) -> None:
    with pytest.raises(tc.ConfigError) as exc:
        tc.unflatten(flat)
    assert problems_of(exc) == expected


def test_unflatten_collision_str() -> None:
    with pytest.raises(tc.ConfigError) as exc:
        tc.unflatten({"optimizer": 1, "optimizer.lr": 0.1})
    assert str(exc.value) == "unflatten() argument: optimizer.lr: collides with key 'optimizer'"


@pytest.mark.parametrize(
    ("flat", "expected"),
    [
        pytest.param({1: 2}, [(None, "keys must be strings, got int 1")], id="non-string"),
        pytest.param({"": 1}, [("", "key '' has an empty segment")], id="empty"),
        pytest.param({"a..b": 1}, [("a..b", "key 'a..b' has an empty segment")], id="empty middle"),
        pytest.param({"x.": 1}, [("x.", "key 'x.' has an empty segment")], id="trailing dot"),
        pytest.param({".x": 1}, [(".x", "key '.x' has an empty segment")], id="leading dot"),
        pytest.param(
            {"a..b": 1, 2: 3, "c": 1, "c.d": 2},
            [
                ("a..b", "key 'a..b' has an empty segment"),
                (None, "keys must be strings, got int 2"),
                ("c.d", "collides with key 'c'"),
            ],
            id="every problem at once",
        ),
    ],
)
def test_unflatten_bad_keys(flat: dict[Any, Any], expected: list[tuple[str | None, str]]) -> None:
    with pytest.raises(tc.ConfigError) as exc:
        tc.unflatten(flat)
    assert problems_of(exc) == expected
    assert all(p.origin.text == "unflatten() argument" for p in exc.value.problems)


def test_unflatten_refuses_non_mapping() -> None:
    with pytest.raises(TypeError, match=r"^unflatten\(\) takes a mapping, not list$"):
        tc.unflatten([1])  # type: ignore[arg-type]


# --- properties ----------------------------------------------------------------------------------


def test_same_treats_nan_as_equal() -> None:
    assert same({"a": [math.nan]}, {"a": [float("nan")]})
    assert not same({"a": 1}, {"a": 1.0})
    assert not same(0.0, -0.0)


@settings(max_examples=examples(300), deadline=None)
@given(nested_dicts)
def test_unflatten_inverts_flatten(data: dict[str, Any]) -> None:
    assert same(tc.unflatten(tc.flatten(data)), data)


@settings(max_examples=examples(300), deadline=None)
@given(nested_dicts)
def test_flatten_inverts_unflatten(data: dict[str, Any]) -> None:
    flat = tc.flatten(data)
    assert same(tc.flatten(tc.unflatten(flat)), flat)


@settings(max_examples=examples(300), deadline=None)
@given(nested_dicts)
def test_flatten_output_shape(data: dict[str, Any]) -> None:
    for key, value in tc.flatten(data).items():
        assert all(key.split(".")), key  # no empty segment
        assert not (isinstance(value, dict) and value), "non-empty mappings are always expanded"


@settings(max_examples=examples(300), deadline=None)
@given(st.dictionaries(st.lists(segments, min_size=1, max_size=3).map(".".join), json_values, max_size=6))
def test_unflatten_places_every_key_or_names_the_collision(flat: dict[str, Any]) -> None:
    try:
        nested = tc.unflatten(flat)
    except tc.ConfigError as exc:
        for problem in exc.problems:
            assert problem.key in flat
            other = ast.literal_eval(problem.message.removeprefix("collides with key "))
            assert other in flat
            assert other.startswith(f"{problem.key}.") or problem.key.startswith(f"{other}.")
    else:
        for key, value in flat.items():
            node: Any = nested
            for part in key.split("."):
                node = node[part]
            assert same(node, value)
