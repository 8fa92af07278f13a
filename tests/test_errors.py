"""ConfigError, Problem and Origin: one line per problem, values shown safely, picklable."""

from __future__ import annotations

import pickle

import pytest

import typed_config as tc
from typed_config._errors import show


@pytest.mark.parametrize(
    ("origin", "text"),
    [
        (tc.Origin(path="a.yaml", line=3, column=5), "a.yaml:3:5"),
        (tc.Origin(path="a.yaml"), "a.yaml"),
        (tc.Origin(text="--epochs=x"), "--epochs=x"),
        (tc.Origin(), "<unknown>"),
    ],
)
def test_origin_renders_file_line_column_or_its_text(origin: tc.Origin, text: str) -> None:
    assert str(origin) == text


def test_problem_lines_with_and_without_a_key() -> None:
    where = tc.Origin(path="a.yaml", line=1, column=2)
    assert str(tc.Problem("lr", "too big", where)) == "a.yaml:1:2: lr: too big"
    assert str(tc.Problem(None, "syntax", where)) == "a.yaml:1:2: syntax"


def test_config_error_is_a_value_error_with_one_line_per_problem() -> None:
    problems = [tc.Problem("a", "x", tc.Origin(text="t")), tc.Problem("b", "y", tc.Origin(text="u"))]
    error = tc.ConfigError(problems)
    assert isinstance(error, ValueError)
    assert not isinstance(error, KeyError)
    assert str(error) == "t: a: x\nu: b: y"
    assert error.problems == tuple(problems)


def test_config_error_needs_a_problem() -> None:
    with pytest.raises(TypeError):
        tc.ConfigError([])


def test_config_error_survives_pickling() -> None:
    error = tc.ConfigError([tc.Problem("a", "x", tc.Origin(path="f", line=1, column=1))])
    again = pickle.loads(pickle.dumps(error))  # noqa: S301 - our own object
    assert again.problems == error.problems
    assert str(again) == str(error)


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ("abc", "'abc'"),
        ("a\x00b\nc", "'a\\x00b\\nc'"),
        ("x" * 200, "'" + "x" * 76 + "..."),
        (3, "3"),
        ([1, "a"], "[1, 'a']"),
    ],
)
def test_values_are_shown_escaped_and_cut(value: object, shown: str) -> None:
    assert show(value) == shown


def test_a_user_object_with_a_broken_repr_is_still_shown() -> None:
    class Broken:
        def __repr__(self) -> str:
            raise RuntimeError

    assert show(Broken()) == "<Broken object>"


def test_a_control_character_in_a_yaml_value_is_escaped_in_the_message() -> None:
    with pytest.raises(tc.ConfigError) as info:
        tc.loads(tc.HyperParams, 'key: "a\\x07b"\n')
    assert str(info.value) == "<string>:1:1: key: unknown key"
    from schemas import HParams

    with pytest.raises(tc.ConfigError) as info:
        tc.loads(HParams, 'epochs: "a\\x07b"\n')
    assert str(info.value) == "<string>:1:9: epochs: Input should be a valid integer (got 'a\\x07b')"
