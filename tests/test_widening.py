"""Integers into float fields: widened when a float holds them exactly, refused when it would change them."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import examples

import typed_config as tc

BIG: int = 2**53 + 1  # the first integer a float cannot hold
MESSAGE = "Input should be an integer a float holds exactly (got 9007199254740993; as a float it is 9007199254740992.0)"


class Inner(tc.HyperParams):
    scale: float = 1.0


class Params(tc.HyperParams):
    lr: float = tc.Field(default=0.1)
    count: int = 0
    either: int | float = 0
    ratios: list[float] = tc.Field(default_factory=list)
    pair: tuple[float, float] = (0.0, 0.0)
    mixed: tuple[float, int] = (0.0, 0)
    capped: float = tc.Field(default=1.0, le=10)
    levels: frozenset[float] = frozenset()
    by_id: dict[int, float] = tc.Field(default_factory=dict)
    note: str = ""
    inner: Inner = tc.Field(default_factory=Inner)


def _lines(error: pytest.ExceptionInfo[tc.ConfigError]) -> list[str]:
    return str(error.value).splitlines()


def test_exact_integers_widen_at_any_size() -> None:
    config = tc.loads(Params, f"lr: {2**53}\nratios: [{2**60}, {-(2**70)}]\ninner: {{scale: {10**20}}}\n")
    assert config.lr == 2.0**53
    assert config.ratios == [2.0**60, -(2.0**70)]
    assert config.inner.scale == 1e20


def test_integer_a_float_would_round_is_refused_in_a_file() -> None:
    with pytest.raises(tc.ConfigError) as caught:
        tc.loads(Params, f"note: x\nlr: {BIG}\n", "run.yaml")
    assert _lines(caught) == [f"run.yaml:2:5: lr: {MESSAGE}"]


def test_every_inexact_integer_is_named_with_its_position() -> None:
    text = f"ratios: [1, {BIG}]\npair: [{BIG}, 2]\nby_id: {{'7': {BIG}}}\ninner:\n  scale: {-BIG}\n"
    with pytest.raises(tc.ConfigError) as caught:
        tc.loads(Params, text, "run.yaml")
    negative = "Input should be an integer a float holds exactly (got -9007199254740993; as a float it is -9007199254740992.0)"
    assert _lines(caught) == [
        f"run.yaml:1:13: ratios[1]: {MESSAGE}",
        f"run.yaml:2:8: pair[0]: {MESSAGE}",
        f"run.yaml:3:14: by_id.7: {MESSAGE}",
        f"run.yaml:5:10: inner.scale: {negative}",
    ]


def test_inexact_integers_are_reported_with_every_other_problem_in_one_pass() -> None:
    text = f"count: x\nlr: {BIG}\nmixed: [{BIG}, {BIG}]\neither: {BIG}\ncapped: {BIG}\ninner: {{scale: 1e400x}}\n"
    with pytest.raises(tc.ConfigError) as caught:
        tc.loads(Params, text, "run.yaml")
    assert _lines(caught) == [
        "run.yaml:1:8: count: Input should be a valid integer (got 'x')",
        f"run.yaml:2:5: lr: {MESSAGE}",
        f"run.yaml:3:9: mixed[0]: {MESSAGE}",  # mixed[1] is an int field: every digit kept
        # either (int | float) keeps the int; capped reports its bound, once
        f"run.yaml:5:9: capped: Input should be less than or equal to 10 (got {BIG})",
        "run.yaml:6:16: inner.scale: Input should be a valid number (got '1e400x')",
    ]


def test_a_set_of_floats_is_judged_by_its_declared_type() -> None:
    assert tc.loads(Params, f"levels: [1, {2**60}]\n").levels == frozenset({1.0, 2.0**60})
    with pytest.raises(tc.ConfigError) as caught:
        tc.loads(Params, f"levels: [1, {BIG}]\n", "run.yaml")
    assert _lines(caught) == [f"run.yaml:1:13: levels[1]: {MESSAGE}"]


def test_an_integer_past_the_float_range_is_named_beside_other_problems() -> None:
    with pytest.raises(tc.ConfigError) as caught:
        tc.loads(Params, "count: x\nlr: -1" + "0" * 400 + "\n", "run.yaml")
    first, second = _lines(caught)
    assert first == "run.yaml:1:8: count: Input should be a valid integer (got 'x')"
    assert second.startswith("run.yaml:2:5: lr: Input should be an integer a float holds exactly (got -1000")
    assert second.endswith("...; as a float it is -inf)")


def test_assignment_reports_inexact_integers_beside_other_problems() -> None:
    config = Params()
    with pytest.raises(tc.ConfigError) as caught:
        config.ratios = [BIG, "x"]  # a str in a list[float]: refused at run time
    lines = [line.split(": ", 1)[1] for line in _lines(caught)]
    assert lines == [  # one origin for both: pydantic's problems come first
        "ratios[1]: Input should be a valid number (got 'x')",
        f"ratios[0]: {MESSAGE}",
    ]


def test_integer_past_the_float_range_is_refused_not_made_inf() -> None:
    with pytest.raises(tc.ConfigError) as caught:
        tc.loads(Params, "lr: 1" + "0" * 400 + "\n", "run.yaml")
    (line,) = _lines(caught)
    assert line.startswith("run.yaml:1:5: lr: Input should be an integer a float holds exactly (got 1000")
    assert line.endswith("...; as a float it is inf)")


def test_int_and_union_fields_keep_every_digit() -> None:
    config = tc.loads(Params, f"count: {BIG}\neither: {BIG}\n")
    assert config.count == BIG
    assert config.either == BIG
    assert type(config.either) is int


def test_long_digit_strings_are_not_numbers() -> None:
    config = tc.loads(Params, f"note: 'id:{BIG}'\nlr: 0.3333333333333333\n")
    assert config.note == f"id:{BIG}"
    assert config.lr == 0.3333333333333333


def test_overrides_dicts_and_flags_follow_the_same_rule() -> None:
    with pytest.raises(tc.ConfigError) as caught:
        tc.load(Params, overrides=[f"--lr={BIG}"])
    assert _lines(caught) == [f"--lr={BIG}: lr: {MESSAGE}"]
    with pytest.raises(tc.ConfigError) as caught:
        tc.load(Params, overrides={"inner.scale": BIG})
    assert _lines(caught) == [f"overrides['inner.scale']: inner.scale: {MESSAGE}"]
    with pytest.raises(tc.ConfigError) as caught:
        tc.load(Params, overrides={"pair": (1.0, BIG)})
    assert _lines(caught) == [f"overrides['pair']: pair[1]: {MESSAGE}"]


def test_assignment_follows_the_same_rule() -> None:
    config = Params()
    with pytest.raises(tc.ConfigError) as caught:
        config.lr = BIG
    (line,) = _lines(caught)
    assert line.startswith("assignment at ")
    assert line.endswith(f": lr: {MESSAGE}")
    with pytest.raises(tc.ConfigError) as caught:
        config["ratios"] = [0.5, BIG]
    assert _lines(caught)[0].endswith(f": ratios[1]: {MESSAGE}")
    assert config.lr == 0.1  # nothing was changed by the refused assignments
    assert config.ratios == []
    config.lr = 2**53
    assert config.lr == 2.0**53


def _exact(number: int) -> bool:
    try:
        return float(number) == number
    except OverflowError:  # past the float range
        return False


@settings(max_examples=examples(300), deadline=None)
@given(
    st.integers(min_value=-(2**70), max_value=2**70)
    | st.integers(min_value=-(2**140), max_value=2**140).map(lambda n: n * 2**60)
    | st.integers(min_value=1, max_value=2**64).map(lambda n: n * 10**330)
)
def test_an_integer_widens_exactly_or_is_refused(number: int) -> None:
    if _exact(number):
        assert tc.loads(Params, f"lr: {number}\n").lr == number
    else:
        with pytest.raises(tc.ConfigError) as caught:
            tc.loads(Params, f"lr: {number}\n", "run.yaml")
        shown = str(number) if len(str(number)) <= 80 else str(number)[:77] + "..."
        assert str(caught.value).startswith(
            f"run.yaml:1:5: lr: Input should be an integer a float holds exactly (got {shown}"
        )
