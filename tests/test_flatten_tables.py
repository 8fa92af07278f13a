"""``flatten`` of models with ``dict[str, X]`` fields among their leaves: each dict's entries in its place, in one step."""

from __future__ import annotations

import enum
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import BaseModel, create_model
from strategies import examples

import typed_config as tc
from typed_config._flat import plans as _flatten_plans


class Mode(enum.Enum):
    FAST = "fast"
    SLOW = "slow"


_LEAF_TYPES: list[tuple[Any, st.SearchStrategy[Any]]] = [
    (int, st.integers(-(10**6), 10**6)),
    (str, st.text(max_size=4)),
    (list[int], st.lists(st.integers(0, 9), max_size=3)),
    (Mode, st.sampled_from(list(Mode))),
    (float | None, st.none() | st.floats(allow_nan=False)),
]
_ENTRY_TYPES: list[tuple[Any, st.SearchStrategy[Any]]] = [
    (int, st.integers(-9, 9)),
    (str, st.text(max_size=3)),
    (bool, st.booleans()),
    (float | None, st.none() | st.floats(allow_nan=False)),
]
# Keys a dict field may hold: mostly plain, sometimes empty or dotted (flatten reports those).
_NAMES = (
    st.sampled_from(["a", "b", "lr", "x_1", "é", "0"])
    | st.sampled_from(["", "a.b", "."])
    | st.text(max_size=3)
)
_names = iter(range(10**9))


def _table(draw: st.DrawFn, entry: int) -> dict[str, Any]:
    values = _ENTRY_TYPES[entry][1]
    return draw(st.dictionaries(_NAMES, values, max_size=3))


@st.composite
def trees(draw: st.DrawFn, depth: int) -> type[tc.HyperParams]:
    """A model class: at depth 0 plain leaves and dict fields; above, models of the level below.

    Above the leaves, a model sometimes holds a plain leaf, a dict field or a ``dict[str, model]``
    field beside its models (no longer a tree of models only: the one-step variant or the walk).
    """
    fields: dict[str, Any] = {}
    if depth == 0:
        for index in range(draw(st.integers(1, 4))):
            if draw(st.booleans()):
                entry = draw(st.integers(0, len(_ENTRY_TYPES) - 1))
                fields[f"t{index}"] = (dict[str, _ENTRY_TYPES[entry][0]], _table(draw, entry))
            else:
                annotation, values = _LEAF_TYPES[draw(st.integers(0, len(_LEAF_TYPES) - 1))]
                fields[f"v{index}"] = (annotation, draw(values))
        return create_model(f"Leaves{next(_names)}", __base__=tc.HyperParams, **fields)
    for index in range(draw(st.integers(1, 3))):
        child = draw(trees(depth - 1))
        fields[f"c{index}"] = (child, tc.Field(default_factory=child))
    beside = draw(st.integers(0, 5))
    if beside == 1:
        fields["n"] = (int, draw(st.integers(0, 9)))
    elif beside == 2:
        fields["d"] = (dict[str, int], _table(draw, 0))
    elif beside == 3:
        child = draw(trees(0))
        names = draw(st.lists(_NAMES, max_size=2, unique=True))
        fields["m"] = (dict[str, child], tc.Field(default_factory=lambda: {name: child() for name in names}))
    return create_model(f"Tree{next(_names)}", __base__=tc.HyperParams, **fields)


def _other_tables(draw: st.DrawFn, schema: type[BaseModel], dumped: dict[str, Any]) -> dict[str, Any]:
    """The dumped values with new dicts in the dict fields of scalars: other keys, other sizes."""
    changed = dict(dumped)
    for name, field in schema.model_fields.items():
        annotation = field.annotation
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            changed[name] = _other_tables(draw, annotation, dumped[name])
        elif name.startswith("t") or name == "d":
            entry = [e for e, _ in _ENTRY_TYPES].index(annotation.__args__[1])  # type: ignore[union-attr]
            changed[name] = _table(draw, entry)
    return changed


def _outcome(data: BaseModel | dict[str, Any]) -> tuple[str, list[Any]]:
    """What ``flatten`` gives: its items in order, or the problems it reports."""
    try:
        return "flat", list(tc.flatten(data).items())
    except tc.ConfigError as exc:
        return "problems", [(p.key, p.message, p.origin.text) for p in exc.problems]


@settings(max_examples=examples(80), deadline=None)
@given(data=st.data(), depth=st.integers(0, 3))
def test_flatten_of_dict_fields_is_the_walk_of_the_dumped_values(data: st.DataObject, depth: int) -> None:
    schema = data.draw(trees(depth))
    cfg = schema()
    other = schema.model_validate(_other_tables(data.draw, schema, cfg.model_dump()))
    for _ in range(2):  # the second time from the plans and layouts the first one made
        for config in (cfg, other):
            walked = _outcome(config.model_dump(mode="json"))
            assert _outcome(config) == walked
            if walked[0] == "flat":
                assert list(config.to_flat().items()) == walked[1]


class Unit(tc.HyperParams):
    a: int = 1
    table: dict[str, int] = tc.Field(default_factory=lambda: {"k": 2, "j": 3})
    b: list[int] = tc.Field(default_factory=lambda: [4])
    names: dict[str, str] = tc.Field(default_factory=lambda: {"x": "y"})


class Layer(tc.HyperParams):
    u0: Unit = tc.Field(default_factory=Unit)
    u1: Unit = tc.Field(default_factory=Unit)


class Root(tc.HyperParams):
    l0: Layer = tc.Field(default_factory=Layer)
    l1: Layer = tc.Field(default_factory=Layer)


class Beside(tc.HyperParams):
    lr: float = 0.5
    u: Unit = tc.Field(default_factory=Unit)
    extra: dict[str, int] = tc.Field(default_factory=lambda: {"e": 1})


def test_dict_fields_in_a_tree_are_flattened_in_one_step_in_the_walks_order() -> None:
    cfg = Root()
    cfg.l1.u0.table = {"z": 7, "a": 8, "m": 9}
    flat = tc.flatten(cfg)
    assert list(flat)[:7] == ["l0.u0.a", "l0.u0.table.k", "l0.u0.table.j", "l0.u0.b", "l0.u0.names.x", "l0.u1.a", "l0.u1.table.k"]  # fmt: skip
    assert [k for k in flat if k.startswith("l1.u0.")] == ["l1.u0.a", "l1.u0.table.z", "l1.u0.table.a", "l1.u0.table.m", "l1.u0.b", "l1.u0.names.x"]  # fmt: skip
    assert flat["l1.u0.table.m"] == 9
    assert list(flat.items()) == list(tc.flatten(cfg.model_dump(mode="json")).items())
    deep = _flatten_plans.PLANS[Root, ""].deep[Layer, Layer]
    assert deep is not None
    assert deep.spread is not None  # the one-step path, with a layout made
    assert len(deep.spread.layouts) == 1
    flat["l0.u0.b"].append(5)
    assert cfg.l0.u0.b == [4]  # the lists are copies


def test_dict_fields_beside_plain_leaves_are_flattened_in_one_step() -> None:
    cfg = Beside()
    flat = tc.flatten(cfg)
    assert flat == {
        "lr": 0.5,
        "u.a": 1,
        "u.table.k": 2,
        "u.table.j": 3,
        "u.b": [4],
        "u.names.x": "y",
        "extra.e": 1,
    }
    assert list(flat) == ["lr", "u.a", "u.table.k", "u.table.j", "u.b", "u.names.x", "extra.e"]
    variant = _flatten_plans.PLANS[Beside, ""].variants[Unit, dict]
    assert variant is not None
    assert variant.spread is not None
    assert tc.flatten(Unit()) == {"a": 1, "table.k": 2, "table.j": 3, "b": [4], "names.x": "y"}
    assert _flatten_plans.PLANS[Unit, ""].variants[dict, dict] is not None  # a model of its own dicts


@pytest.mark.parametrize(
    ("table", "expected"),
    [
        pytest.param({}, {"l0.u0.table": {}}, id="an empty dict is a leaf"),
        pytest.param({"k": Mode.SLOW}, {"l0.u0.table.k": "slow"}, id="a value that is not a scalar"),
        pytest.param({1: 2}, {"l0.u0.table.1": 2}, id="an int key, respelled"),
    ],
)
def test_dicts_the_one_step_path_leaves_to_the_walk(table: dict[Any, Any], expected: dict[str, Any]) -> None:
    cfg = Root()
    tc.flatten(cfg)  # the plans are made
    object.__setattr__(cfg.l0.u0, "table", table)  # as model_construct() may leave it
    flat = tc.flatten(cfg)
    assert {k: v for k, v in flat.items() if k.startswith("l0.u0.table")} == expected
    assert list(flat)[:4] == ["l0.u0.a", *expected, "l0.u0.b", "l0.u0.names.x"]
    assert len(flat) == len(tc.flatten(Root())) - 2 + len(expected)


def test_a_dotted_or_empty_key_in_a_dict_field_is_reported_as_by_the_walk() -> None:
    tc.flatten(Root())  # the plans are made
    cfg = Root.model_validate({"l1": {"u1": {"table": {"a.b": 1, "": 2, "c": 3}}}})
    with pytest.raises(tc.ConfigError) as exc:
        tc.flatten(cfg)
    assert [(p.key, p.message) for p in exc.value.problems] == [
        ("l1.u1.table", "key 'a.b' contains '.'; nest it as a mapping instead"),
        ("l1.u1.table", "keys must not be empty"),
    ]
