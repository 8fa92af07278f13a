"""Properties of `${...}` resolution: acyclic graphs resolve as by hand, cycles always fail, plain text stays."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from schemas import HParams

import typed_config as tc

# Each key is a literal, a lone reference to an earlier key, or text around such a reference.
Node = tuple[str, int]  # ("lit", value) | ("ref", earlier index) | ("text", earlier index)


@st.composite
def acyclic(draw: st.DrawFn) -> tuple[list[Node], list[str]]:
    size = draw(st.integers(1, 8))
    nodes: list[Node] = []
    for index in range(size):
        kinds = ["lit"] if index == 0 else ["lit", "ref", "text"]
        kind = draw(st.sampled_from(kinds))
        target = draw(st.integers(-1000, 1000)) if kind == "lit" else draw(st.integers(0, index - 1))
        nodes.append((kind, target))
    names = draw(st.permutations([f"k{index}" for index in range(size)]))
    return nodes, list(names)


def written(nodes: list[Node], names: list[str]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for (kind, target), name in zip(nodes, names, strict=True):
        if kind == "lit":
            out[name] = target
        else:
            ref = "${extra." + names[target] + "}"
            out[name] = ref if kind == "ref" else f"v{ref}."
    return out


def by_hand(nodes: list[Node], names: list[str]) -> dict[str, Any]:
    values: list[Any] = []
    for kind, target in nodes:
        if kind == "lit":
            values.append(target)
        elif kind == "ref":
            values.append(values[target])
        else:
            values.append(f"v{values[target]}.")
    return dict(zip(names, values, strict=True))


@given(acyclic())
def test_acyclic_references_resolve_as_by_hand(graph: tuple[list[Node], list[str]]) -> None:
    nodes, names = graph
    cfg = tc.load(HParams, overrides={"extra": written(nodes, names)})
    assert cfg.extra == by_hand(nodes, names)


@given(st.integers(1, 6), st.lists(st.booleans(), min_size=6, max_size=6), st.integers(0, 5))
def test_cyclic_references_always_fail(size: int, in_text: list[bool], outside: int) -> None:
    extra: dict[str, Any] = {}
    for index in range(size):
        ref = "${extra.c" + str((index + 1) % size) + "}"
        extra[f"c{index}"] = f"x{ref}" if in_text[index] else ref
    extra["reader"] = "${extra.c" + str(outside % size) + "}"
    with pytest.raises(tc.ConfigError) as info:
        tc.load(HParams, overrides={"extra": extra})
    assert "references form a cycle" in str(info.value)


@given(st.text(st.characters(blacklist_categories=("Cs",))).filter(lambda text: "${" not in text))
def test_text_without_a_reference_is_untouched(text: str) -> None:
    cfg = tc.load(HParams, overrides={"dataset": text, "extra": {"ref": "${epochs}", "text": text}})
    assert (cfg.dataset, cfg.extra) == (text, {"ref": 100, "text": text})
