"""Dot-keys: ``flatten`` and ``unflatten``, their examples from DESIGN.md, errors and round trips."""

from __future__ import annotations

import ast
import enum
import math
from typing import Any, Literal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import BaseModel, create_model
from strategies import examples, json_values, nested_dicts, same, segments

import typed_config as tc
from typed_config._flat import plans as _flatten_plans


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


# --- flatten: the one-step paths for models of plain leaves, and their fallbacks ----------------


class Leaf(tc.HyperParams):
    n: int = 1
    xs: list[int] = tc.Field(default_factory=lambda: [1, 2])
    name: str = "a"


class OneList(tc.HyperParams):
    ys: list[float] = tc.Field(default_factory=lambda: [0.5])
    on: bool = True


class Group(tc.HyperParams):
    first: Leaf = tc.Field(default_factory=Leaf)
    second: OneList = tc.Field(default_factory=OneList)
    third: Leaf = tc.Field(default_factory=lambda: Leaf(n=3, xs=[3]))


class Mixed(tc.HyperParams):
    """Plain leaves beside models of plain leaves: flattened in one step too."""

    lr: float = 0.5
    first: Leaf = tc.Field(default_factory=Leaf)
    sizes: list[int] = tc.Field(default_factory=lambda: [8, 16])
    second: OneList = tc.Field(default_factory=OneList)
    name: str = "m"


class Tree(tc.HyperParams):
    lr: float = 0.1
    group: Group = tc.Field(default_factory=Group)
    mixed: Mixed = tc.Field(default_factory=Mixed)
    leaf: Leaf = tc.Field(default_factory=Leaf)


class WiderLeaf(Leaf):
    extra: int = 7


class Trio(tc.HyperParams):
    """As many fields as ``Leaf``, other names: only the class tells them apart."""

    p: int = 5
    q: str = "q"
    r: bool = False


def test_flatten_of_leaf_groups_matches_the_field_by_field_walk() -> None:
    cfg = Tree()
    # The same items in the same order as flattening the nested dict, key by key.
    assert list(tc.flatten(cfg).items()) == list(tc.flatten(cfg.model_dump()).items())
    assert list(tc.flatten(cfg)) == [
        "lr",
        "group.first.n",
        "group.first.xs",
        "group.first.name",
        "group.second.ys",
        "group.second.on",
        "group.third.n",
        "group.third.xs",
        "group.third.name",
        "mixed.lr",
        "mixed.first.n",
        "mixed.first.xs",
        "mixed.first.name",
        "mixed.sizes",
        "mixed.second.ys",
        "mixed.second.on",
        "mixed.name",
        "leaf.n",
        "leaf.xs",
        "leaf.name",
    ]


@pytest.mark.parametrize(
    "key",
    [
        "group.first.xs",
        "group.second.ys",
        "group.third.xs",
        "mixed.first.xs",
        "mixed.sizes",
        "mixed.second.ys",
        "leaf.xs",
    ],
)
def test_flatten_copies_lists_of_leaf_models(key: str) -> None:
    cfg = Tree()
    flat = tc.flatten(cfg)
    assert flat[key] == cfg[key]
    assert flat[key] is not cfg[key]
    flat[key].append(99)  # the flat dict is the caller's: the config is not changed behind validation
    assert 99 not in cfg[key]


class Choices(tc.HyperParams):
    """Plain leaves too: Literal choices, Optional scalars, tuples of scalars (become lists)."""

    optimizer: Literal["adam", "sgd"] = "adam"
    weight_decay: float | None = None
    shape: tuple[int, int] = (3, 4)
    dims: tuple[int, ...] = (1,)


class WithOptional(tc.HyperParams):
    steps: int = 10
    choices: Choices | None = tc.Field(default_factory=Choices)
    leaf: Leaf = tc.Field(default_factory=Leaf)
    either: Leaf | OneList = tc.Field(default_factory=OneList)


class WithEnum(WithOptional):
    """An enum needs its value: the model is walked field by field."""

    color: Color = Color.RED


@pytest.mark.parametrize(
    "cfg",
    [
        pytest.param(WithOptional(), id="optional model set"),
        pytest.param(WithOptional(choices=None), id="optional model None"),
        pytest.param(WithOptional(choices=Choices(optimizer="sgd", weight_decay=0.1)), id="other values"),
        pytest.param(WithOptional(either=Leaf(n=5)), id="the other class of a union"),
        pytest.param(WithEnum(choices=None), id="an enum field"),
    ],
)
def test_flatten_of_choices_optionals_and_tuples_matches_the_walk(cfg: WithOptional) -> None:
    flat = tc.flatten(cfg)
    assert list(flat.items()) == list(tc.flatten(cfg.model_dump()).items())
    if cfg.choices is not None:
        assert flat["choices.shape"] == [3, 4]
        assert type(flat["choices.shape"]) is list
        assert flat["choices.dims"] == [1]
    else:
        assert flat["choices"] is None


class Shape(enum.Enum):
    """Members whose values are not JSON scalars: the field is walked, not copied."""

    SQUARE = (1, 1)


class Styled(tc.HyperParams):
    color: Color = Color.RED
    level: Level = Level.LOW
    tags: tuple[str, ...] = ("a",)


class StyledHolder(tc.HyperParams):
    styled: Styled = tc.Field(default_factory=Styled)
    shape: Shape = Shape.SQUARE
    leaf: Leaf = tc.Field(default_factory=Leaf)


def test_flatten_writes_enum_values_on_every_path() -> None:
    assert tc.flatten(Styled()) == {"color": "red", "level": 1, "tags": ["a"]}
    assert [type(v) for v in tc.flatten(Styled()).values()] == [str, int, list]
    holder = StyledHolder()
    assert list(tc.flatten(holder).items()) == list(tc.flatten(holder.model_dump()).items())
    assert tc.flatten(holder)["shape"] == [1, 1]
    assert tc.flatten(Styled.model_construct(color=None))["color"] is None  # unvalidated: walked


def test_flatten_of_a_group_holding_another_class_uses_that_class_fields() -> None:
    group = Group.model_construct(first=WiderLeaf(), second=OneList(), third=Leaf())
    assert tc.flatten(group) == {
        "first.n": 1,
        "first.xs": [1, 2],
        "first.name": "a",
        "first.extra": 7,
        "second.ys": [0.5],
        "second.on": True,
        "third.n": 1,
        "third.xs": [1, 2],
        "third.name": "a",
    }
    other = Group.model_construct(first=Trio(), second=OneList(), third=Leaf())
    assert list(tc.flatten(other))[:3] == ["first.p", "first.q", "first.r"]
    mixed = Mixed.model_construct(lr=0.5, first=Trio(), sizes=[1], second=OneList(), name="m")
    assert tc.flatten(mixed) == {
        "lr": 0.5,
        "first.p": 5,
        "first.q": "q",
        "first.r": False,
        "sizes": [1],
        "second.ys": [0.5],
        "second.on": True,
        "name": "m",
    }


def test_flatten_of_unvalidated_leaves_falls_back_without_error() -> None:
    # model_construct() skips validation: a list field may hold None, and the copy must not fail.
    broken = Leaf.model_construct(n=1, xs=None, name="a")
    assert tc.flatten(broken) == {"n": 1, "xs": None, "name": "a"}
    group = Group.model_construct(first=broken, second=OneList.model_construct(ys=None), third=Leaf())
    assert tc.flatten(group) == {
        "first.n": 1,
        "first.xs": None,
        "first.name": "a",
        "second.ys": None,
        "second.on": True,
        "third.n": 1,
        "third.xs": [1, 2],
        "third.name": "a",
    }
    mixed = Mixed.model_construct(lr=0.5, first=Leaf(), sizes=None, second=OneList(), name="m")
    assert tc.flatten(mixed)["sizes"] is None


def test_flatten_of_a_group_with_an_unset_field_falls_back() -> None:
    class Required(tc.HyperParams):
        a: int
        b: list[int]

    class Holder(tc.HyperParams):
        req: Required
        leaf: Leaf = tc.Field(default_factory=Leaf)

    holder = Holder.model_construct(req=Required.model_construct(a=1), leaf=Leaf())
    assert tc.flatten(holder) == {"req.a": 1, "req.b": None, "leaf.n": 1, "leaf.xs": [1, 2], "leaf.name": "a"}


def test_flatten_remembers_a_bounded_number_of_variants() -> None:
    class Holder(BaseModel):
        inner: BaseModel

    # Each class of value in ``inner`` is a variant of Holder's plan: 80 classes, each flattened
    # right, while the plan remembers at most _MAX_VARIANTS of them.
    for index in range(80):
        kind = create_model(f"Kind{index}", value=(int, index))
        assert tc.flatten(Holder.model_construct(inner=kind())) == {"inner.value": index}
    plan = _flatten_plans.PLANS[(Holder, "")]
    assert len(plan.variants) == _flatten_plans.MAX_VARIANTS


def test_flatten_of_a_self_typed_field_builds_no_endless_plan() -> None:
    class Loop(BaseModel):
        me: Loop

    Loop.model_rebuild()
    assert tc.flatten(Loop.model_construct(me=Loop.model_construct())) == {"me.me": None}


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
