"""Many problems, few errors asked of pydantic: the listed problems, their order and the count stay exactly as they were.

Past the first ``MAX_PROBLEMS`` bad items of a container (or unknown keys of a model) pydantic is
not asked for errors: they are counted by type (``_layers/trim.py``). Each message here is
compared with the one made from every pydantic error (``reference``), and small cases are pinned
line by line, so a shortcut that lists other problems, in another order, or counts others fails.
Time is measured by benchmarks/bench_bounds.py.
"""

from __future__ import annotations

import math
from typing import Annotated, Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ConfigDict, Field, ValidationError, field_validator
from pydantic_core import ErrorDetails
from strategies import examples

import typed_config as tc
from typed_config._errors import MAX_PROBLEMS, more_problems
from typed_config._keys.values import is_list
from typed_config._layers.error_map import map_errors
from typed_config._layers.layers import encode
from typed_config._layers.trim import trimmed
from typed_config._schema.bulk import PLAIN, Items, Model, bulk_plan
from typed_config._sources.files import text_layer


class Sub(tc.HyperParams):
    rate: float = 0.5
    tags: list[str] = tc.Field(default_factory=list[str])


class Flat(tc.HyperParams):
    """No unions: pydantic's first errors are the ones listed."""

    epochs: int = 1
    sub: Sub = tc.Field(default_factory=Sub)
    extra: dict[str, int] = tc.Field(default_factory=dict[str, int])
    sizes: list[int] = tc.Field(default_factory=list[int])
    flags: list[bool] = tc.Field(default_factory=list[bool])
    ratios: list[float] | None = None
    counts: list[Annotated[int, Field(ge=0)]] = tc.Field(default_factory=list[int])  # a constraint: opaque
    short: list[int] = tc.Field(default_factory=list[int], max_length=500)  # a constraint: opaque


class Aliased(tc.HyperParams):
    model_config = ConfigDict(validate_by_name=True)

    epochs: int = tc.Field(default=1, alias="n_epochs")  # taken by two keys: unknown keys left to pydantic
    sizes: list[int] = tc.Field(default_factory=list[int])


class Bounded(tc.HyperParams):
    """A config that bounds every string: a string is of a valid type, yet may be refused."""

    model_config = ConfigDict(str_max_length=3)

    names: list[str] = tc.Field(default_factory=list[str])


class Reversed(tc.HyperParams):
    """A validator that sees the input before its items are checked."""

    sizes: list[int] = tc.Field(default_factory=list[int])

    @field_validator("sizes", mode="before")
    @classmethod
    def _reversed(cls, value: object) -> object:
        return value[::-1] if is_list(value) else value


def refused(schema: type[tc.HyperParams], text: str) -> tc.ConfigError:
    with pytest.raises(tc.ConfigError) as info:
        tc.loads(schema, text, "many.yaml")
    return info.value


def reference(schema: type[tc.HyperParams], text: str) -> tuple[list[str], int]:
    """The problems and count made from every one of pydantic's errors on the whole file."""
    layer, problems = text_layer(text, "many.yaml")
    assert not problems
    errors: list[ErrorDetails] = []
    try:
        schema.model_validate_json(encode(layer.data), strict=True, extra="forbid")
    except ValidationError as exc:
        errors = exc.errors(include_url=False)
    mapped = map_errors(errors, schema, layer.data, [layer])
    return [str(p) for p in mapped.problems], mapped.omitted


def as_listed(error: tc.ConfigError) -> tuple[list[str], int]:
    return [str(p) for p in error.problems], error.omitted


def flow(items: list[str]) -> str:
    return "[" + ", ".join(items) + "]"


# Pinned cases ------------------------------------------------------------------------------------


def test_150_bad_list_items_among_good_ones_list_the_first_100_at_their_positions() -> None:
    text = "sizes: " + flow([f"{i}, x{i}" for i in range(150)]) + "\n"  # bad items at odd indexes
    error = refused(Flat, text)
    assert error.omitted == 50
    lines = str(error).splitlines()
    assert lines[0] == "many.yaml:1:12: sizes[1]: Input should be a valid integer (got 'x0')"
    assert lines[99].startswith("many.yaml:1:")
    assert ": sizes[199]: " in lines[99]
    assert lines[99].endswith("(got 'x99')")
    assert lines[100] == more_problems(50)
    assert [p.key for p in error.problems] == [f"sizes[{2 * i + 1}]" for i in range(100)]
    assert as_listed(error) == reference(Flat, text)


def test_150_unknown_keys_then_a_bad_known_key_list_it_and_the_first_99() -> None:
    # Pydantic reports fields before unknown keys: epochs, last in the file, is among the first
    # 100 errors, so it is listed (last, by position) and 51 unknown keys are counted.
    text = "".join(f"k{i}: {i}\n" for i in range(150)) + "epochs: x\n"
    error = refused(Flat, text)
    assert error.omitted == 51
    assert [p.key for p in error.problems] == [*(f"k{i}" for i in range(99)), "epochs"]
    assert str(error.problems[0]) == "many.yaml:1:1: k0: unknown key"
    assert str(error.problems[-1]) == "many.yaml:151:9: epochs: Input should be a valid integer (got 'x')"
    assert as_listed(error) == reference(Flat, text)


def test_150_bad_dict_values_list_the_first_100_by_key() -> None:
    text = "extra:\n" + "".join(f"  k{i}: {'x' if i % 3 else i}\n" for i in range(225)) + "epochs: 2\n"
    error = refused(Flat, text)
    assert error.omitted == 50
    bad = [i for i in range(225) if i % 3]
    assert [p.key for p in error.problems] == [f"extra.k{i}" for i in bad[:100]]
    assert str(error.problems[0]) == "many.yaml:3:7: extra.k1: Input should be a valid integer (got 'x')"
    assert as_listed(error) == reference(Flat, text)


def test_problems_across_fields_are_the_first_pydantic_finds_listed_in_file_order() -> None:
    text = (
        "".join(f"u{i}: 1\n" for i in range(120))  # unknown keys: reported last by pydantic
        + "sizes: "
        + flow(["x"] * 130)
        + "\nextra: {"
        + ", ".join(f"e{i}: y" for i in range(140))
        + "}\nsub:\n  tags: "
        + flow(["1"] * 110)
        + "\n  nope: 1\nepochs: z\n"
    )
    error = refused(Flat, text)
    listed, omitted = as_listed(error)
    assert (listed, omitted) == reference(Flat, text)
    assert omitted == 120 + 130 + 140 + 110 + 1 + 1 - MAX_PROBLEMS
    # epochs, sub's 100 first (tags, then its unknown key) are pydantic's first 100: by position,
    # sub.tags (line 123) then epochs (line 125); sub.nope is the 102nd error, counted.
    assert error.problems[0].key == "sub.tags[0]"
    assert error.problems[-1].key == "epochs"
    assert [p.key for p in error.problems[:99]] == [f"sub.tags[{i}]" for i in range(99)]


@pytest.mark.parametrize(
    "text",
    [
        "counts: " + flow(["-1"] * 150) + "\n",  # constrained items: pydantic judges all
        "short: " + flow(["x"] * 600) + "\n",  # a constrained list: its length is in its message
        "ratios: " + flow(["x", "1", "2.5", ".nan", "true", "null", "[1]", "{a: 1}"] * 30) + "\n",
        "sizes: " + flow(["x", "1", "2000-01-01"] * 60) + "\n",  # a date: not a plain type
        "sizes: " + flow(["x"] * 150) + f"\nsub: {{rate: {2**60}}}\n",  # an integer a float may change
    ],
    ids=["constrained items", "constrained list", "floats", "a date among them", "a long integer"],
)
def test_what_cannot_be_counted_by_type_gives_the_same_message(text: str) -> None:
    assert as_listed(refused(Flat, text)) == reference(Flat, text)


@pytest.mark.parametrize(
    ("schema", "text"),
    [
        (Bounded, "names: " + flow(["1, long"] * 150) + "\n"),
        (Reversed, "sizes: " + flow([f"x{i}" for i in range(150)]) + "\n"),
    ],
    ids=["string bound in the config", "a validator before"],
)
def test_a_config_or_validator_that_changes_the_verdict_gives_the_same_message(
    schema: type[tc.HyperParams], text: str
) -> None:
    assert as_listed(refused(schema, text)) == reference(schema, text)


def test_a_model_taking_a_field_by_two_keys_gives_the_same_message() -> None:
    text = "epochs: 1\nn_epochs: 2\n" + "".join(f"k{i}: 1\n" for i in range(150)) + "sizes: [x]\n"
    assert as_listed(refused(Aliased, text)) == reference(Aliased, text)
    assert bulk_plan(Aliased) is None


# Equivalence over many mixed files ---------------------------------------------------------------

_ITEMS = st.sampled_from(
    ["x", "1", "-2", "2.5", ".inf", "true", "null", "'7'", "[1]", "{a: 1}", "2000-01-01"]
)


@st.composite
def mixed_files(draw: st.DrawFn) -> str:
    parts: list[str] = []
    fields = {
        "sizes": lambda: "sizes: " + flow(draw(st.lists(_ITEMS, max_size=260))),
        "flags": lambda: "flags: " + flow(draw(st.lists(_ITEMS, max_size=260))),
        "extra": lambda: (
            "extra: {"
            + ", ".join(f"e{i}: {v}" for i, v in enumerate(draw(st.lists(_ITEMS, max_size=260))))
            + "}"
        ),
        "unknown": lambda: "\n".join(f"u{i}: 1" for i in range(draw(st.integers(0, 260)))),
        "sub": lambda: "sub: {tags: " + flow(draw(st.lists(_ITEMS, max_size=260))) + ", zz: 1}",
        "epochs": lambda: "epochs: " + draw(_ITEMS),
    }
    for name in draw(st.permutations(list(fields))):
        if draw(st.booleans()):
            parts.append(fields[name]())
    return "\n".join(part for part in parts if part) + "\n"


@settings(max_examples=examples(40), deadline=None)
@given(mixed_files())
def test_any_mix_of_problems_gives_the_message_of_every_error(text: str) -> None:
    expected = reference(Flat, text)
    if not expected[0]:
        tc.loads(Flat, text, "many.yaml")
        return
    assert as_listed(refused(Flat, text)) == expected


# The counting itself -----------------------------------------------------------------------------

SAMPLES: list[Any] = ["x", "", "1", 0, 7, -(2**70), 1.5, 1.0, math.nan, -math.inf, True, False, None]
SAMPLES_OF_CONTAINERS: list[Any] = [[], [1], {}, {"a": 1}]


@pytest.mark.parametrize("field", ["sizes", "flags", "ratios", "tags"])
def test_the_types_counted_as_valid_are_exactly_those_pydantic_takes(field: str) -> None:
    assert {type(v) for v in SAMPLES + SAMPLES_OF_CONTAINERS} == PLAIN
    plan = bulk_plan(Flat)
    assert isinstance(plan, Model)
    sub = plan.fields["sub"]
    assert isinstance(sub, Model)
    items = sub.fields[field] if field == "tags" else plan.fields[field]
    assert isinstance(items, Items)
    schema: type[tc.HyperParams] = Sub if field == "tags" else Flat
    for value in SAMPLES + SAMPLES_OF_CONTAINERS:
        try:
            schema.model_validate_json(encode({field: [value]}), strict=True, extra="forbid")
            errors = 0
        except ValidationError as exc:
            errors = exc.error_count()
        assert errors == (0 if type(value) in items.valid else 1), (field, value)


def test_opaque_fields_are_not_counted_by_type() -> None:
    plan = bulk_plan(Flat)
    assert isinstance(plan, Model)
    assert plan.fields["counts"] is None
    assert plan.fields["short"] is None
    assert plan.keys == frozenset(Flat.model_fields)


def test_only_what_lies_past_the_first_problems_is_left_out_and_counted() -> None:
    data: dict[str, Any] = {"sizes": [1, "x"] * 150, "epochs": 2, **{f"k{i}": 1 for i in range(130)}}
    cut = trimmed(Flat, data)
    assert cut.data["sizes"] == [1, "x"] * 100
    assert cut.data["epochs"] == 2
    assert [k for k in cut.data if k.startswith("k")] == [f"k{i}" for i in range(MAX_PROBLEMS)]
    assert cut.dropped == 50 + 30
    assert data["sizes"] == [1, "x"] * 150  # the data itself is untouched
    few: dict[str, Any] = {"sizes": ["x"] * MAX_PROBLEMS + [1] * 1000}
    assert trimmed(Flat, few).data is few
