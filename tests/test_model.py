"""HyperParams: validated assignment, dot-key access, flat form, equality, refused field names."""

from __future__ import annotations

import datetime
import pathlib
from typing import Any

import pytest
from helpers import assert_not_default, not_defaults
from schemas import Color, HParams, Optimizer, Plain, Sgd, Step

import typed_config as tc


def messages(exc: tc.ConfigError) -> list[str]:
    return [f"{p.key}: {p.message}" for p in exc.problems]


def test_assignment_of_a_valid_value_is_kept() -> None:
    cfg = HParams()
    not_defaults(HParams, {"epochs": 4, "dropout": 1.0, "sizes": [3, 4], "color": "green"})
    cfg.epochs = 4
    cfg.dropout = 1  # int widens to float
    cfg.sizes = [3, 4]  # type: ignore[assignment]  # a list widens to a tuple
    cfg.color = "green"  # type: ignore[assignment]  # a string widens to its enum
    assert (cfg.epochs, cfg.dropout, cfg.sizes, cfg.color) == (4, 1.0, (3, 4), Color.GREEN)
    assert isinstance(cfg.dropout, float)


@pytest.mark.parametrize(
    ("field", "value", "expected"),
    [
        ("epochs", "x", "epochs: Input should be a valid integer (got 'x')"),
        ("epochs", "32", "epochs: Input should be a valid integer (got '32')"),
        ("epochs", True, "epochs: Input should be a valid integer (got True)"),
        ("epochs", 10.5, "epochs: Input should be a valid integer (got 10.5)"),
        ("epochs", None, "epochs: Input should be a valid integer (got None)"),
        ("dataset", 3, "dataset: Input should be a valid string (got 3)"),
        ("sizes", [1, "a"], "sizes[1]: Input should be a valid integer (got 'a')"),
        ("color", "blue", "color: Input should be 'red' or 'green' (got 'blue')"),
    ],
)
def test_assignment_of_a_bad_value_raises_config_error(field: str, value: Any, expected: str) -> None:
    cfg = HParams()
    before = cfg.model_copy(deep=True)
    with pytest.raises(tc.ConfigError) as info:
        setattr(cfg, field, value)
    assert messages(info.value) == [expected]
    assert cfg == before


def test_assignment_error_names_the_code_line() -> None:
    cfg = HParams()
    with pytest.raises(tc.ConfigError) as info:
        cfg.epochs = "x"  # type: ignore[assignment]
    line = _line_of('cfg.epochs = "x"')
    assert str(info.value.problems[0].origin).endswith(f"test_model.py:{line}")
    assert str(info.value.problems[0].origin).startswith("assignment at ")


def _line_of(text: str) -> int:
    with open(__file__, encoding="utf-8") as handle:
        return next(i for i, line in enumerate(handle, 1) if text in line and "_line_of" not in line)


def test_assignment_to_an_unknown_attribute_suggests_the_field() -> None:
    cfg = HParams()
    with pytest.raises(tc.ConfigError) as info:
        cfg.epchs = 4
    assert messages(info.value) == ["epchs: unknown key; did you mean 'epochs'?"]


def test_nested_assignment_validates_constraints() -> None:
    cfg = HParams()
    with pytest.raises(tc.ConfigError) as info:
        cfg.optimizer.lr = -1
    assert messages(info.value) == ["lr: Input should be greater than 0 (got -1)"]


def test_assigning_a_mapping_to_a_model_field_forbids_unknown_keys() -> None:
    cfg = HParams()
    with pytest.raises(tc.ConfigError) as info:
        cfg.optimizer = {"nmae": "sgd"}  # type: ignore[assignment]
    assert messages(info.value) == ["optimizer.nmae: unknown key; did you mean 'name'?"]


def test_item_access_by_dot_key() -> None:
    cfg = HParams(weights={"a": 1.5}, optimizer=Optimizer(lr=0.02))
    not_defaults(HParams, {"weights.a": 1.5, "optimizer.lr": 0.02})
    assert cfg["optimizer.lr"] == 0.02
    assert cfg["weights.a"] == 1.5
    assert isinstance(cfg["optimizer"], Optimizer)
    assert "optimizer.lr" in cfg
    assert "weights.a" in cfg
    assert "optimizer.nope" not in cfg
    assert "weights.b" not in cfg
    assert 3 not in cfg


def test_item_access_of_an_unknown_key_suggests_one() -> None:
    with pytest.raises(KeyError, match="did you mean 'lr'"):
        HParams()["optimizer.rl"]


def test_item_assignment_validates_and_names_the_whole_key() -> None:
    cfg = HParams()
    not_defaults(HParams, {"optimizer.lr": 0.1, "weights.b": 2.0})
    cfg["optimizer.lr"] = 0.1
    cfg["weights.b"] = 2
    assert cfg.optimizer.lr == 0.1
    assert cfg.weights == {"b": 2.0}
    with pytest.raises(tc.ConfigError) as info:
        cfg["optimizer.lr"] = -1
    assert messages(info.value) == ["optimizer.lr: Input should be greater than 0 (got -1)"]
    with pytest.raises(tc.ConfigError) as info:
        cfg["weights.c"] = "heavy"
    assert messages(info.value) == ["weights.c: Input should be a valid number (got 'heavy')"]
    assert cfg.weights == {"b": 2.0}


def test_to_flat_gives_dot_keys_with_json_values() -> None:
    expected = {
        "optimizer.lr": 0.02,
        "sizes": [3, 4],
        "color": "green",
        "out": "data/x",
        "start": "2025-02-03",
        "schedule": [{"epoch": 1, "lr_scale": 1.0}],
        "weights.a": 1.0,
        "extra.empty": {},
        "opt.kind": "sgd",
    }
    not_defaults(HParams, expected)
    cfg = HParams(
        optimizer=Optimizer(lr=0.02),
        sizes=(3, 4),
        color=Color.GREEN,
        out=pathlib.Path("data/x"),
        start=datetime.date(2025, 2, 3),
        schedule=[Step(epoch=1)],
        weights={"a": 1.0},
        extra={"empty": {}},
        opt=Sgd(),
    )
    flat = cfg.to_flat()
    assert {key: flat[key] for key in expected} == expected
    assert tc.flatten(cfg) == flat


def test_from_flat_validates_and_round_trips() -> None:
    not_defaults(HParams, {"epochs": 3, "tags": ["a"], "schedule": [{"epoch": 2}], "weights.x": 0.5})
    cfg = HParams(epochs=3, tags=["a"], schedule=[Step(epoch=2)], weights={"x": 0.5})
    assert HParams.from_flat(cfg.to_flat()) == cfg
    assert HParams.from_flat(cfg.to_flat()) != HParams()
    with pytest.raises(tc.ConfigError) as info:
        HParams.from_flat({"optimizer.lr": "fast", "optimizer": {"name": "sgd"}, "epchs": 1})
    assert [str(p) for p in info.value.problems] == [
        "from_flat()['optimizer.lr']: optimizer.lr: Input should be a valid number (got 'fast')",
        "from_flat()['epchs']: epchs: unknown key; did you mean 'epochs'?",
    ]


def test_from_flat_refuses_colliding_keys() -> None:
    with pytest.raises(tc.ConfigError) as info:
        HParams.from_flat({"optimizer": {}, "optimizer.lr": 0.1})
    assert [str(p) for p in info.value.problems] == [
        "from_flat()['optimizer.lr']: optimizer.lr: is also set by from_flat()['optimizer']"
    ]


def test_equality_compares_values_only() -> None:
    a, b = HParams(), HParams()
    b.epochs = 100  # same value, now explicitly set
    assert a == b
    b.epochs = 5
    assert a != b
    assert Optimizer() != HParams()
    assert a != {"epochs": 100}


def test_nan_values_compare_equal_to_themselves() -> None:
    # Each config holds its own NaN object (``==`` alone is true only for the very same one).
    text = "dropout: .nan\nweights: {a: .nan}\nschedule: [{lr_scale: .nan}]\nextra: {p: {q: [.nan]}}\n"
    a, b = tc.loads(HParams, text), tc.loads(HParams, text)
    assert a.dropout is not b.dropout
    assert a == b
    assert HParams.from_flat(a.to_flat()) == a
    assert a != tc.loads(HParams, text.replace("dropout: .nan", "dropout: 0.25"))
    assert a != tc.loads(HParams, text.replace("{a: .nan}", "{a: 1.0}"))
    assert a != tc.loads(HParams, text.replace("[.nan]", "[.nan, .nan]"))


class HoldsPlain(tc.HyperParams):
    plain: Plain = Plain()


def test_nan_values_in_a_plain_pydantic_model_inside_a_config_compare_equal() -> None:
    text = "plain: {ratio: .nan, inner: {ratio: .nan}}\n"
    assert tc.loads(HoldsPlain, text) == tc.loads(HoldsPlain, text)
    assert tc.loads(HoldsPlain, text) != tc.loads(HoldsPlain, text.replace("{ratio: .nan}", "{ratio: 1}"))


@pytest.mark.parametrize(
    "name", ["update", "setdefaults", "to_flat", "from_flat", "fingerprint", "model_dump", "model_validate"]
)
def test_field_names_that_hide_methods_are_refused(name: str) -> None:
    with pytest.raises(TypeError, match=f"field name '{name}' is reserved"):
        type("Bad", (tc.HyperParams,), {"__annotations__": {name: int}, name: 1})


def test_aliases_with_dots_are_refused_when_the_class_is_defined() -> None:
    with pytest.raises(TypeError, match=r"field aliases must not contain '\.': Bad\.x"):

        class Bad(tc.HyperParams):
            x: int = tc.Field(default=1, alias="a.b")


def test_fingerprint_is_stable_and_value_based() -> None:
    assert_not_default(HParams, "epochs", 3)
    a = HParams(epochs=3)
    b = HParams.from_flat({"epochs": 3})
    assert a.fingerprint() == b.fingerprint() == tc.fingerprint(a) == tc.fingerprint(a.to_flat())
    assert len(a.fingerprint()) == 64
    assert HParams(epochs=4).fingerprint() != a.fingerprint()
