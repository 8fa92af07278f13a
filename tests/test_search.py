"""Search spaces declared on fields: checked when the class is defined, read back flat by ``space``."""

from __future__ import annotations

import enum
import math
import subprocess
import sys
from typing import Annotated, Any, Literal

import optuna
import pydantic
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from procs.search_schema import SearchParams

import typed_config as tc
from typed_config import search
from typed_config.optuna import suggest

optuna.logging.set_verbosity(optuna.logging.ERROR)


class Color(enum.Enum):
    RED = "red"
    BLUE = "blue"


def define(annotation: Any, default: Any) -> type[tc.HyperParams]:
    return pydantic.create_model("Bad", __base__=tc.HyperParams, x=(annotation, default))


REFUSED = [
    (
        Annotated[float, search.Uniform(0.0, 1.0)],
        tc.Field(default=0.5, gt=0),
        "low 0.0 is not > 0 (the field's gt)",
    ),
    (
        Annotated[float, search.Uniform(-1.0, 1.0)],
        tc.Field(default=0.5, ge=0),
        "low -1.0 is not >= 0 (the field's ge)",
    ),
    (
        Annotated[float, search.Uniform(0.1, 1.0)],
        tc.Field(default=0.5, lt=1),
        "high 1.0 is not < 1 (the field's lt)",
    ),
    (
        Annotated[float, search.LogUniform(0.1, 2.0)],
        tc.Field(default=0.5, le=1),
        "high 2.0 is not <= 1 (the field's le)",
    ),
    (
        Annotated[int, search.IntUniform(0, 9)],
        tc.Field(default=1, ge=1),
        "low 0 is not >= 1 (the field's ge)",
    ),
    (Annotated[int, search.LogUniform(1.0, 10.0)], 1, "LogUniform draws floats: it needs a float field"),
    (Annotated[int, search.Uniform(1.0, 10.0)], 1, "Uniform draws floats: it needs a float field"),
    (Annotated[float, search.IntUniform(1, 10)], 1.0, "IntUniform needs an int field"),
    (Annotated[bool, search.IntUniform(0, 1)], False, "IntUniform needs an int field"),
    (Annotated[str, search.IntUniform(0, 1)], "a", "IntUniform needs an int field"),
    (
        Annotated[Literal["a", "b"], search.Choice("a", "c")],
        "a",
        "value 'c' is not valid for the field: Input should be 'a' or 'b'",
    ),
    (
        Annotated[Color, search.Choice("red", "green")],
        Color.RED,
        "value 'green' is not valid for the field: Input should be 'red' or 'blue'",
    ),
    (
        Annotated[int, search.Choice(1, 2.5)],
        1,
        "value 2.5 is not valid for the field: Input should be a valid integer",
    ),
    (
        Annotated[int, search.Choice(1, True)],
        1,
        "value True is not valid for the field: Input should be a valid integer",
    ),
    (
        Annotated[int, search.Choice(1, 20)],
        tc.Field(default=1, le=10),
        "value 20 is not valid for the field: Input should be less than or equal to 10",
    ),
]


@pytest.mark.parametrize(("annotation", "default", "message"), REFUSED)
def test_a_space_its_field_cannot_take_is_refused_naming_class_and_field(
    annotation: Any, default: Any, message: str
) -> None:
    with pytest.raises(TypeError, match=r"^Bad\.x: search space .*: ") as info:
        define(annotation, default)
    assert str(info.value).endswith(message) or message in str(info.value)


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: search.Uniform(1.0, 1.0), "low and high must be finite numbers with low < high"),
        (lambda: search.Uniform(0.0, math.inf), "low and high must be finite numbers with low < high"),
        (lambda: search.Uniform(0.0, 1.0, q=0.3), "q must be > 0 and divide high - low"),
        (lambda: search.LogUniform(0.0, 1.0), "low and high must be numbers with 0 < low < high"),
        (lambda: search.IntUniform(5, 1), "low <= high, step >= 1 dividing high - low"),
        (lambda: search.IntUniform(1, 10, step=2), "low <= high, step >= 1 dividing high - low"),
        (lambda: search.IntUniform(1.0, 10), "low, high and step must be integers"),  # type: ignore[arg-type]
        (lambda: search.IntUniform(0, 10, log=True), "needs low >= 1 and step 1"),
        (search.Choice, "give at least one value"),
        (lambda: search.Choice([1, 2]), "is not None, a bool, a finite number or a string"),  # type: ignore[arg-type]
        (lambda: search.Choice(1, 1), "a value is given twice"),
    ],
)
def test_a_distribution_that_draws_nothing_sensible_is_refused(make: Any, message: str) -> None:
    with pytest.raises(TypeError, match=message.replace("(", r"\(")):
        make()


def test_accepted_spaces_define_the_class_and_a_default_outside_the_space_is_the_baseline() -> None:
    cfg = SearchParams()
    assert (
        cfg.batch_size,
        cfg.model.depth,
        cfg.optimizer.momentum if cfg.optimizer.name == "sgd" else None,
    ) == (
        128,
        3,
        None,
    )
    ok = define(Annotated[float | None, search.Uniform(0.5, 0.9)], tc.Field(default=None, gt=0, lt=1))
    assert search.space(ok) == {"x": search.Uniform(0.5, 0.9)}


def test_a_field_with_a_space_validates_and_assigns_as_before() -> None:
    cfg = SearchParams()
    cfg.dropout = 0.75  # outside the space, inside the field: a space does not narrow the type
    with pytest.raises(tc.ConfigError, match="dropout: Input should be less than or equal to 1"):
        cfg.dropout = 1.5
    assert cfg.dropout == 0.75


def test_space_is_flat_by_dot_key_with_union_variants_named_by_their_tag() -> None:
    assert search.space(SearchParams) == {
        "dropout": search.Uniform(0.0, 0.5),
        "batch_size": search.Choice(16, 32, 64),
        "model.width": search.IntUniform(16, 256, log=True),
        "model.depth": search.IntUniform(2, 8, step=2),
        "model.activation": search.Choice("relu", "gelu"),
        "optimizer.name": search.Choice("adam", "sgd"),
        "optimizer[adam].lr": search.LogUniform(1e-5, 1e-1),
        "optimizer[sgd].lr": search.Uniform(0.01, 0.5),
        "optimizer[sgd].momentum": search.Uniform(0.0, 0.9, q=0.1),
    }


def test_a_schema_without_a_space_has_an_empty_one_and_variants_without_a_space_are_not_chosen() -> None:
    class Plain(tc.HyperParams):
        lr: float = 0.1

    class Other(tc.HyperParams):
        name: Literal["other"] = "other"

    class Mixed(tc.HyperParams):
        opt: Other | Sgd = tc.Field(default_factory=Other, discriminator="name")

    assert search.space(Plain) == {}
    assert search.space(Mixed) == {"opt.name": search.Choice("sgd"), "opt[sgd].lr": search.Uniform(0.1, 0.2)}


class Sgd(tc.HyperParams):
    name: Literal["sgd"] = "sgd"
    lr: Annotated[float, search.Uniform(0.1, 0.2)] = 0.15


def test_importing_typed_config_imports_no_search_engine() -> None:
    code = "import sys, typed_config; print([m for m in ('optuna', 'ray') if m in sys.modules])"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


# --- property: every suggested config validates and lies inside the declared space ---------------

KINDS = st.sampled_from(["uniform", "quniform", "log", "int", "intlog", "choice"])


@st.composite
def schemas(draw: st.DrawFn) -> type[tc.HyperParams]:
    fields: dict[str, Any] = {}
    for index, kind in enumerate(draw(st.lists(KINDS, min_size=1, max_size=5))):
        low = draw(st.integers(1, 50))
        span = draw(st.integers(1, 20))
        if kind == "uniform":
            fields[f"f{index}"] = (
                Annotated[float, search.Uniform(low / 10, (low + span) / 10)],
                tc.Field(default=0.0, ge=0),
            )
        elif kind == "quniform":
            fields[f"f{index}"] = (
                Annotated[float, search.Uniform(low * 0.5, (low + span) * 0.5, q=0.5)],
                0.0,
            )
        elif kind == "log":
            fields[f"f{index}"] = (
                Annotated[float, search.LogUniform(low / 100, low + span)],
                tc.Field(default=1.0, gt=0),
            )
        elif kind == "int":
            step = draw(st.integers(1, 3))
            fields[f"f{index}"] = (Annotated[int, search.IntUniform(low, low + span * step, step=step)], 0)
        elif kind == "intlog":
            fields[f"f{index}"] = (Annotated[int, search.IntUniform(low, low + span, log=True)], 0)
        else:
            values = draw(
                st.lists(st.sampled_from(["a", "b", "c", "d"]), min_size=1, max_size=4, unique=True)
            )
            fields[f"f{index}"] = (Annotated[Literal["a", "b", "c", "d"], search.Choice(*values)], "a")
    inner = pydantic.create_model("Inner", __base__=tc.HyperParams, **fields)
    return pydantic.create_model(
        "Outer", __base__=tc.HyperParams, inner=(inner, tc.Field(default_factory=inner)), **fields
    )


def inside(cfg: tc.HyperParams, schema: type[tc.HyperParams]) -> list[str]:
    values = cfg.to_flat()
    return [
        item.name
        for item in search.spaced(schema)
        if search_applies(item, values) and not item.distribution.contains(values[item.key])
    ]


def search_applies(item: search.Searched, values: dict[str, Any]) -> bool:
    return all(values.get(tag_key) == tag for tag_key, tag in item.when)


@settings(max_examples=25)
@given(schemas(), st.integers(0, 2**16))
def test_every_suggested_config_validates_and_lies_inside_the_space(
    schema: type[tc.HyperParams], seed: int
) -> None:
    study = optuna.create_study(sampler=optuna.samplers.RandomSampler(seed=seed))
    for _ in range(3):
        cfg = suggest(study.ask(), schema)
        assert type(cfg) is schema
        assert schema.from_flat(cfg.to_flat()) == cfg  # valid by the rules of every other source
        assert inside(cfg, schema) == []


@pytest.mark.parametrize("seed", range(4))
def test_suggested_union_configs_search_only_the_chosen_variant(seed: int) -> None:
    study = optuna.create_study(sampler=optuna.samplers.RandomSampler(seed=seed))
    kinds = set()
    for _ in range(8):
        trial = study.ask()
        cfg = suggest(trial, SearchParams)
        kinds.add(cfg.optimizer.name)
        assert inside(cfg, SearchParams) == []
        asked = set(trial.params)
        other = "sgd" if cfg.optimizer.name == "adam" else "adam"
        assert not any(name.startswith(f"optimizer[{other}]") for name in asked), asked
        assert cfg.epochs == 10  # not searched: the schema default
    assert kinds == {"adam", "sgd"}
