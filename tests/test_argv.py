"""Command-line overrides: the forms, conversion by the field's type, and bad arguments."""

from __future__ import annotations

import math
from typing import Any

import pytest
from helpers import assert_not_default
from schemas import HParams

import typed_config as tc

# What the forms that set a schema default (False, None) start from, so that they can fail.
BASE = "use_amp: true\nseed: 3\n"


def parse(*argv: str, base: str = "") -> dict[str, Any]:
    return tc.loads(HParams, base, overrides=list(argv)).to_flat()


@pytest.mark.parametrize(
    ("argv", "key", "value"),
    [
        (["--epochs=4"], "epochs", 4),
        (["--epochs", "4"], "epochs", 4),
        (["--batch-size", "64"], "batch_size", 64),
        (["--batch_size=64"], "batch_size", 64),
        (["--optimizer.lr=5e-3"], "optimizer.lr", 0.005),
        (["--dropout", "-1e-3"], "dropout", -0.001),
        (["--dropout", "-0"], "dropout", 0.0),
        (["--dataset=NO"], "dataset", "NO"),
        (["--dataset", "010"], "dataset", "010"),
        (["--dataset=--weird"], "dataset", "--weird"),
        (["--use-amp"], "use_amp", True),
        (["--use-amp", "True"], "use_amp", True),
        (["--tags", "a", "b"], "tags", ["a", "b"]),
        (["--tags=[a, b]"], "tags", ["a", "b"]),
        (["--tags", "[a, b]"], "tags", ["a", "b"]),
        (["--sizes", "1", "2", "3"], "sizes", [1, 2, 3]),
        (["--sizes=[4]"], "sizes", [4]),
        (["--seed", "7"], "seed", 7),
        (["--dropout=inf"], "dropout", math.inf),
        (["--color=green"], "color", "green"),
        (["--out=/data/x"], "out", "/data/x"),
        (["--start=2024-05-01"], "start", "2024-05-01"),
        (["--weights.a=1"], "weights.a", 1.0),
        (["--optimizer={'lr': 0.01}"], "optimizer.lr", 0.01),
        (["--optimizer={name: sgd}"], "optimizer.name", "sgd"),
    ],
)
def test_override_forms(argv: list[str], key: str, value: Any) -> None:
    assert_not_default(HParams, key, value)
    assert parse(*argv)[key] == value


@pytest.mark.parametrize(
    ("argv", "key", "value"),
    [
        (["--no-use-amp"], "use_amp", False),
        (["--use_amp=false"], "use_amp", False),
        (["--use-amp", "false"], "use_amp", False),
        (["--use-amp", "FALSE"], "use_amp", False),
        (["--seed=None"], "seed", None),
        (["--seed", "null"], "seed", None),
    ],
)
def test_override_forms_that_set_a_default_over_a_file(argv: list[str], key: str, value: Any) -> None:
    assert_not_default(HParams, key, value, base=BASE)
    assert parse(*argv, base=BASE)[key] == value


def test_a_mapping_for_a_model_field_merges_key_by_key() -> None:
    assert_not_default(HParams, "optimizer", {"lr": 0.1}, base="optimizer: {name: sgd, lr: 0.5}\n")
    cfg = tc.loads(HParams, "optimizer: {name: sgd, lr: 0.5}\n", overrides=["--optimizer={lr: 0.1}"])
    assert (cfg.optimizer.name, cfg.optimizer.lr) == ("sgd", 0.1)


def test_a_bool_flag_does_not_swallow_the_next_option() -> None:
    flat = parse("--use-amp", "--epochs", "3")
    assert_not_default(HParams, "use_amp", True)
    assert_not_default(HParams, "epochs", 3)
    assert (flat["use_amp"], flat["epochs"]) == (True, 3)


def test_list_values_stop_at_the_next_option_but_not_at_negative_numbers() -> None:
    flat = parse("--sizes", "1", "-2", "--epochs=2")
    assert_not_default(HParams, "sizes", [1, -2])
    assert_not_default(HParams, "epochs", 2)
    assert (flat["sizes"], flat["epochs"]) == ([1, -2], 2)


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["--epochs"], ["--epochs: epochs: expected a value"]),
        (["--tags"], ["--tags: tags: expected one or more values"]),
        (["--epchs=3"], ["--epchs=3: unknown option; did you mean '--epochs'?"]),
        (["stray"], ["stray: unexpected argument"]),
        (["-x"], ["-x: unexpected argument"]),
        (["--epochs=abc"], ["--epochs=abc: epochs: Input should be a valid integer (got 'abc')"]),
        (["--use-amp=maybe"], ["--use-amp=maybe: use_amp: Input should be a valid boolean (got 'maybe')"]),
        (["--epochs=1", "--epochs=2"], ["--epochs=2: epochs: is also set by --epochs=1"]),
        (
            ["--optimizer={lr: 1}", "--optimizer.lr=2"],
            ["--optimizer.lr=2: optimizer.lr: is also set by --optimizer={lr: 1}"],
        ),
        (
            ["--tags=[a, b"],
            [
                "--tags=[a, b: tags: cannot read the value: did not find expected ',' or ']' "
                "(while parsing a flow sequence)"
            ],
        ),
        (["--no-epochs"], ["--no-epochs: unknown option; did you mean '--epochs'?"]),
    ],
)
def test_bad_arguments(argv: list[str], expected: list[str]) -> None:
    with pytest.raises(tc.ConfigError) as info:
        parse(*argv)
    assert str(info.value).splitlines() == expected


def test_double_dash_ends_the_options() -> None:
    from typed_config._sources.argv import argv_layer

    parsed = argv_layer(HParams, ["--epochs=2", "--", "--epochs=3", "x"])
    assert parsed.unknown == ["--epochs=3", "x"]
    assert parsed.layer.data == {"epochs": 2}


def test_unknown_options_and_their_values_can_be_left_for_the_script() -> None:
    from typed_config._sources.argv import argv_layer

    parsed = argv_layer(HParams, ["--gpu", "0", "--epochs=2", "--resume"], allow_unknown=True)
    assert parsed.unknown == ["--gpu", "0", "--resume"]
    assert parsed.problems == []
