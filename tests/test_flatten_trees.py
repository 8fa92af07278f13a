"""``flatten`` of trees of models that hold only models, down to groups of plain leaves: one step per level."""

from __future__ import annotations

import enum
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import create_model
from strategies import examples

import typed_config as tc


class Mode(enum.Enum):
    FAST = "fast"
    SLOW = "slow"


_LEAF_TYPES: list[tuple[Any, st.SearchStrategy[Any]]] = [
    (int, st.integers(-(10**6), 10**6)),
    (float, st.floats(allow_nan=False)),
    (str, st.text(max_size=5)),
    (bool, st.booleans()),
    (list[int], st.lists(st.integers(0, 9), max_size=3)),
    (tuple[int, ...], st.lists(st.integers(0, 9), max_size=3).map(tuple)),
    (Mode, st.sampled_from(list(Mode))),
    (int | None, st.none() | st.integers(0, 9)),
]
_names = iter(range(10**9))


@st.composite
def trees(draw: st.DrawFn, depth: int) -> type[tc.HyperParams]:
    """A model class: at depth 0 a group of plain leaves, above it a model of models of the level below.

    Sometimes a field above the leaves is typed as a union of two classes of the level below.
    """
    if depth == 0:
        count = draw(st.integers(1, 4))
        fields: dict[str, Any] = {}
        for index in range(count):
            annotation, values = _LEAF_TYPES[draw(st.integers(0, len(_LEAF_TYPES) - 1))]
            fields[f"v{index}"] = (annotation, draw(values))
        return create_model(f"Leaves{next(_names)}", __base__=tc.HyperParams, **fields)
    fields = {}
    for index in range(draw(st.integers(1, 3))):
        child = draw(trees(depth - 1))
        if draw(st.integers(0, 4)) == 0:
            other = draw(trees(depth - 1))
            fields[f"c{index}"] = (
                child | other,
                tc.Field(default_factory=other if draw(st.booleans()) else child),
            )
        else:
            fields[f"c{index}"] = (child, tc.Field(default_factory=child))
    return create_model(f"Tree{next(_names)}", __base__=tc.HyperParams, **fields)


# Drawing a schema builds classes: slow on a loaded machine, which is not the property's concern.
@settings(max_examples=examples(60), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), depth=st.integers(1, 4))
def test_flatten_of_a_tree_is_the_field_by_field_walk(data: st.DataObject, depth: int) -> None:
    schema = data.draw(trees(depth))
    cfg = schema()
    walked = tc.flatten(cfg.model_dump(mode="json"))
    for _ in range(2):  # the second time from the plans the first one made
        assert list(tc.flatten(cfg).items()) == list(walked.items())
        assert cfg.to_flat() == walked


def _small_tree() -> type[tc.HyperParams]:
    unit = create_model(
        "Unit", __base__=tc.HyperParams, a=(int, 1), b=(list[int], [1, 2]), c=(Mode, Mode.FAST)
    )
    wide = create_model(
        "WideUnit", __base__=tc.HyperParams, a=(int, 2), b=(list[int], [3]), c=(Mode, Mode.SLOW), d=(str, "d")
    )
    layer = create_model(
        "Layer",
        __base__=tc.HyperParams,
        u0=(unit, tc.Field(default_factory=unit)),
        u1=(unit | wide, tc.Field(default_factory=unit)),
    )
    block = create_model(
        "Block",
        __base__=tc.HyperParams,
        l0=(layer, tc.Field(default_factory=layer)),
        l1=(layer, tc.Field(default_factory=layer)),
    )
    return create_model("Root", __base__=tc.HyperParams, b0=(block, tc.Field(default_factory=block)), b1=(block, tc.Field(default_factory=block)))  # fmt: skip


def test_a_tree_whose_union_holds_the_other_class_deeper_down_flattens_by_that_class() -> None:
    root = _small_tree()
    cfg = root()
    first = tc.flatten(cfg)  # the plan of this shape is made
    assert first["b1.l1.u1.c"] == "fast"
    cfg["b1.l1.u1"] = {"a": 5, "b": [], "c": "slow", "d": "x"}  # now the wider class, three levels down
    flat = tc.flatten(cfg)
    assert list(flat.items()) == list(tc.flatten(cfg.model_dump(mode="json")).items())
    assert flat["b1.l1.u1.d"] == "x"
    assert flat["b1.l1.u1.c"] == "slow"
    assert len(flat) == len(first) + 1


def test_a_tree_with_a_model_built_without_validation_deeper_down_flattens_what_it_holds() -> None:
    root = _small_tree()
    cfg = root()
    tc.flatten(cfg)
    unit = type(cfg.b0.l0.u0)  # type: ignore[attr-defined]
    layer = type(cfg.b0.l0)  # type: ignore[attr-defined]
    partial = unit.model_construct(a=9)
    del partial.__dict__["b"]  # a field left unset, as model_construct leaves a required one
    gap = layer.model_construct(u0=partial, u1=unit())
    object.__setattr__(cfg.b0, "l1", gap)  # type: ignore[attr-defined]
    flat = tc.flatten(cfg)
    assert flat["b0.l1.u0.a"] == 9
    assert flat["b0.l1.u0.b"] is None  # unset: as the field-by-field walk gives it
    assert flat["b0.l1.u1.b"] == [1, 2]
    assert list(flat)[:3] == ["b0.l0.u0.a", "b0.l0.u0.b", "b0.l0.u0.c"]


def test_flatten_of_a_tree_copies_its_lists() -> None:
    cfg = _small_tree()()
    flat = tc.flatten(cfg)
    flat["b0.l0.u0.b"].append(7)
    assert cfg.b0.l0.u0.b == [1, 2]  # type: ignore[attr-defined]
    assert tc.flatten(cfg)["b0.l0.u0.b"] == [1, 2]
