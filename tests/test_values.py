"""Values a user writes mean what they say: None, tuples, bytes, arrays, aliased tags, tags, numbers."""

from __future__ import annotations

import argparse
import json
import math
import subprocess
import sys
from pathlib import Path
from typing import Annotated, Literal, Optional, Union

import pytest
from pydantic import Field, SecretBytes

import typed_config as tc

np = pytest.importorskip("numpy")


class Values(tc.HyperParams):
    run_name: Optional[str] = "baseline"  # noqa: UP045 - the spelling a sweep's users write
    out: Optional[Path] = Path("out")  # noqa: UP045
    mode: Optional[Literal["fast", "None", "slow"]] = "fast"  # noqa: UP045
    title: str = "t"
    pair: tuple[str, int] = ("a", 1)
    salt: bytes = b"salt"
    key: SecretBytes = SecretBytes(b"key")
    weights: list[float] = tc.Field(default_factory=lambda: [0.0])
    grid: list[list[int]] = tc.Field(default_factory=lambda: [[0]])
    scale: float = 0.0
    anything: Union[int, str] = 0  # noqa: UP007
    count: int = 0


def load(*argv: str) -> Values:
    return tc.load(Values, overrides=list(argv))


# None from a wandb agent --------------------------------------------------------------------------


@pytest.mark.parametrize("argv", [["--run_name=None"], ["--run_name", "None"], ["run_name=None"]])
def test_none_from_an_agent_is_none_in_an_optional_text_field(argv: list[str]) -> None:
    assert load(*argv).run_name is None


def test_none_is_none_for_optional_paths_and_literals() -> None:
    cfg = load("--out=None", "--mode=None")
    assert (cfg.out, cfg.mode) == (None, None)


@pytest.mark.parametrize("text", ["'None'", '"None"'])
def test_quoted_none_is_the_word_in_an_optional_text_field(text: str) -> None:
    cfg = load(f"--run_name={text}", f"--mode={text}")
    assert (cfg.run_name, cfg.mode) == ("None", "None")


def test_a_text_field_that_cannot_be_none_keeps_the_word_and_other_quotes() -> None:
    cfg = load("--title=None", "--run_name='a b'")
    assert (cfg.title, cfg.run_name) == ("None", "'a b'")


def test_none_from_the_environment_follows_the_same_rule(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TC_RUN_NAME", "None")
    monkeypatch.setenv("TC_OUT", "'None'")
    cfg = tc.init(Values, argv=[], dir=None, env_prefix="TC_").config
    assert (cfg.run_name, cfg.out) == (None, Path("None"))


def test_the_agents_none_reaches_a_script_as_none(tmp_path: Path) -> None:
    wandb_utils = pytest.importorskip("wandb.sdk.launch.sweeps.utils")
    command = {"args": {"run_name": {"value": None}, "out": {"value": None}, "count": {"value": 3}}}
    argv = wandb_utils.create_sweep_command_args(command)["args"]
    assert "--run_name=None" in argv
    script = tmp_path / "train.py"
    script.write_text(
        "from pathlib import Path\nfrom typing import Optional\nimport typed_config as tc\n"
        "class H(tc.HyperParams):\n    run_name: Optional[str] = 'x'\n    out: Optional[Path] = Path('o')\n"
        "    count: int = 0\n"
        "cfg = tc.init(H, dir=None).config\nprint(repr(cfg.run_name), repr(cfg.out), cfg.count)\n",
        encoding="utf-8",
    )
    out = subprocess.run(
        [sys.executable, str(script), *argv], capture_output=True, text=True, check=True, cwd=tmp_path
    )
    assert out.stdout.split() == ["None", "None", "3"]


# tuples, bytes ------------------------------------------------------------------------------------


@pytest.mark.parametrize("argv", [["--pair", "b", "2"], ["--pair=[b, 2]"], ["pair=[b, 2]"]])
def test_each_tuple_token_is_converted_by_its_positions_type(argv: list[str]) -> None:
    assert load(*argv).pair == ("b", 2)


def test_a_tuple_token_of_the_wrong_kind_names_its_position() -> None:
    with pytest.raises(tc.ConfigError) as caught:
        load("--pair", "b", "two")
    assert str(caught.value) == "--pair b two: pair[1]: Input should be a valid integer (got 'two')"


@pytest.mark.parametrize(
    ("text", "expected"), [("123456", b"123456"), ("1e-3", b"1e-3"), ("café", "café".encode())]
)
def test_bytes_fields_take_command_line_text_literally(text: str, expected: bytes) -> None:
    cfg = load(f"--salt={text}", f"--key={text}")
    assert (cfg.salt, cfg.key.get_secret_value()) == (expected, expected)


def test_argparse_options_follow_the_same_rules() -> None:
    parser = argparse.ArgumentParser(prog="train.py")
    tc.add_arguments(parser, Values)
    args = parser.parse_args(["--pair", "b", "2", "--salt", "123456", "--weights", "1", "2"])
    cfg = Values()
    cfg.update(args)  # (None in a Namespace means "not given": --run_name None changes nothing there)
    assert (cfg.pair, cfg.salt, cfg.weights) == (("b", 2), b"123456", [1.0, 2.0])


def test_an_unreadable_argparse_item_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    parser = argparse.ArgumentParser(prog="train.py")
    tc.add_arguments(parser, Values)
    with pytest.raises(SystemExit):
        parser.parse_args(["--pair", "b", "[2,"])
    assert "argument --pair" in capsys.readouterr().err


# numpy ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "value", "expected"),
    [
        ("weights", np.array([1.5, 2.5]), [1.5, 2.5]),
        ("weights", np.array([1.5]), [1.5]),  # one element: still a list
        ("weights", np.arange(3, dtype=np.float32), [0.0, 1.0, 2.0]),
        ("grid", np.array([[1, 2], [3, 4]]), [[1, 2], [3, 4]]),
        ("scale", np.float64(2.5), 2.5),
        ("scale", np.array(3.5), 3.5),  # a 0-d array is a scalar
    ],
)
def test_numpy_values_become_lists_in_assignment_and_update(
    field: str, value: object, expected: object
) -> None:
    assigned = Values()
    setattr(assigned, field, value)
    item = Values()
    item[field] = value
    updated = Values()
    updated.update({field: value})
    assert getattr(assigned, field) == getattr(item, field) == getattr(updated, field) == expected


def test_numpy_arrays_in_a_run_are_set_once_and_compared_by_value() -> None:
    run = tc.init(Values, argv=[], config={"weights": np.array([1.0, 2.0])}, dir=None)
    run.config.update({"weights": np.array([1.0, 2.0])})  # the same value: no change
    with pytest.raises(tc.ConfigError, match="allow_val_change"):
        run.config.update({"weights": np.array([3.0])})
    run.config.update({"weights": np.array([3.0])}, allow_val_change=True)
    assert run.config.to_flat()["weights"] == [3.0]


def test_any_object_with_tolist_becomes_its_list() -> None:
    class Tensor:
        def tolist(self) -> list[float]:
            return [0.25, 0.75]

    cfg = Values()
    cfg.weights = Tensor()  # type: ignore[assignment]  # pyright: ignore[reportAttributeAccessIssue]
    assert cfg.weights == [0.25, 0.75]


# discriminated unions with an aliased tag ------------------------------------------------------------


class Adam(tc.HyperParams):
    kind: Literal["adam"] = Field(default="adam", alias="type")
    lr: float = 0.1


class Sgd(tc.HyperParams):
    kind: Literal["sgd"] = Field(default="sgd", alias="type")
    momentum: float = 0.9


class Tagged(tc.HyperParams):
    opt: Annotated[Union[Adam, Sgd], Field(discriminator="kind")] = Adam()  # noqa: UP007


def test_an_aliased_tag_is_the_key_in_files_and_overrides() -> None:
    cfg = tc.loads(Tagged, "opt: {type: sgd, momentum: 0.5}\n")
    assert cfg.opt == Sgd(momentum=0.5)
    assert cfg.to_flat() == {"opt.type": "sgd", "opt.momentum": 0.5}
    assert tc.load(Tagged, overrides=["--opt.type=sgd", "--opt.momentum=0.25"]).opt == Sgd(momentum=0.25)


def test_keys_without_the_aliased_tag_belong_to_the_default_variant() -> None:
    assert tc.load(Tagged, overrides=["--opt.lr=0.5"]).opt == Adam(lr=0.5)


def test_switching_an_aliased_tag_drops_the_other_variants_keys(tmp_path: Path) -> None:
    path = tmp_path / "c.yaml"
    path.write_text("opt: {type: adam, lr: 0.5}\n", encoding="utf-8")
    cfg = tc.load(Tagged, path, overrides=["--opt.type=sgd"])
    assert cfg.opt == Sgd()
    run = tc.init(Tagged, argv=[], config={"opt.lr": 0.3}, dir=None)
    run.config.update({"opt.type": "sgd", "opt.momentum": 0.4}, allow_val_change=True)
    assert run.config.to_flat() == {"opt.type": "sgd", "opt.momentum": 0.4}
    assert Tagged.from_flat(run.config.to_flat()) == run.config


def test_a_wrong_aliased_tag_is_reported_at_its_key() -> None:
    with pytest.raises(tc.ConfigError) as caught:
        tc.loads(Tagged, "opt: {type: rmsprop}\n", source="c.yaml")
    assert str(caught.value).startswith("c.yaml:1:6: opt: ")
    assert "'adam', 'sgd'" in str(caught.value)


# positional arguments with allow_unknown_args ---------------------------------------------------------


def test_positional_json_arguments_are_the_scripts_with_allow_unknown_args(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "labels.json").write_text('{"count": 5}', encoding="utf-8")
    run = tc.init(
        Values, argv=["labels.json", '{"count": 7}', "--count=2"], allow_unknown_args=True, dir=None
    )
    assert run.unknown_args == ["labels.json", '{"count": 7}']
    assert run.config.count == 2
    run.config.count = 2  # not locked by the positional arguments: only --count locks it
    run.config.update({"scale": 0.5})
    assert run.config.scale == 0.5


def test_a_script_with_its_own_positional_json_keeps_it(tmp_path: Path) -> None:
    (tmp_path / "labels.json").write_text('{"count": 5}', encoding="utf-8")
    script = tmp_path / "train.py"
    script.write_text(
        "import typed_config as tc\nclass H(tc.HyperParams):\n    count: int = 0\n"
        "run = tc.init(H, dir=None, allow_unknown_args=True)\n"
        "run.config.count = 9\nprint(run.config.count, run.unknown_args)\n",
        encoding="utf-8",
    )
    out = subprocess.run(
        [sys.executable, str(script), "labels.json"], capture_output=True, text=True, check=True, cwd=tmp_path
    )
    assert out.stdout.strip() == "9 ['labels.json']"


def test_without_allow_unknown_args_the_agents_json_forms_are_still_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "params.json").write_text('{"count": 5}', encoding="utf-8")
    assert tc.init(Values, argv=["params.json"], dir=None).config.count == 5
    assert tc.init(Values, argv=['{"count": 7}'], dir=None).config.count == 7


# YAML's non-specific tag --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("anything: ! 12\n", "12"),
        ("anything: !\n  12\n", "12"),
        ("{anything: ! 12}\n", "12"),
        ("anything: &n ! 12\ntitle: *n\n", "12"),
        ("anything: ! true\n", "true"),
    ],
)
def test_the_non_specific_tag_makes_a_string(text: str, expected: str) -> None:
    assert tc.loads(Values, text).anything == expected


def test_the_non_specific_tag_on_a_key_and_in_a_list() -> None:
    cfg = tc.loads(Values, "! count: 3\ngrid: ! [[1]]\nanything: 'wow ! 12'\n")
    assert (cfg.count, cfg.grid, cfg.anything) == (3, [[1]], "wow ! 12")
    assert tc.loads(Values, "anything: 12 # no tag!\n").anything == 12


def test_the_non_specific_tag_in_a_command_line_value() -> None:
    assert load("--anything=! 12").anything == "12"


# TOML and JSON numbers ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "text", "expected"),
    [
        (
            "big.toml",
            "count = " + "1" * 4200 + "\n",
            "big.toml: count: integer with 4200 digits (the limit is 4000)",
        ),
        ("inf.toml", "scale = 1e400\n", "inf.toml: scale: 1e400 is out of the range of a float"),
        ("neg.toml", "[x]\nscale = -1e400\n", "neg.toml: x.scale: -1e400 is out of the range of a float"),
        ("inf.json", '{"scale": 1e400}', "inf.json:1:11: scale: 1e400 is out of the range of a float"),
        (
            "big.json",
            '{"count": ' + "1" * 4200 + "}",
            "big.json:1:11: count: integer with 4200 digits (the limit is 4000)",
        ),
    ],
)
def test_toml_and_json_numbers_keep_yamls_bounds(tmp_path: Path, name: str, text: str, expected: str) -> None:
    (tmp_path / name).write_text(text, encoding="utf-8")
    with pytest.raises(tc.ConfigError) as caught:
        tc.load(Values, tmp_path / name)
    assert str(caught.value) == str(tmp_path / expected)


def test_toml_infinities_and_nan_spelled_out_are_floats(tmp_path: Path) -> None:
    path = tmp_path / "c.toml"
    path.write_text("scale = -inf\nweights = [inf, nan, 1e300]\n", encoding="utf-8")
    cfg = tc.load(Values, path)
    assert cfg.scale == -math.inf
    assert (cfg.weights[0], cfg.weights[2]) == (math.inf, 1e300)
    assert math.isnan(cfg.weights[1])


def test_json_dumps_nan_and_infinity_read_as_floats(tmp_path: Path) -> None:
    path = tmp_path / "c.json"
    data = {"scale": {"value": -math.inf}, "weights": [math.nan, math.inf, 2.0], "title": "NaN"}
    path.write_text(json.dumps(data), encoding="utf-8")
    cfg = tc.load(Values, path)
    assert (cfg.scale, cfg.weights[1:], cfg.title) == (-math.inf, [math.inf, 2.0], "NaN")
    assert math.isnan(cfg.weights[0])


@pytest.mark.parametrize(
    ("arg", "message"),
    [
        # The schema holds a secret, so the JSON argument is named by the marker, as a whole.
        ('{"scale": 1e400}', "**********: 1e400 is out of the range of a float"),
        ('{"count": ' + "9" * 5000 + "}", "integer with 5000 digits (the limit is 4000)"),
    ],
)
def test_an_agents_json_keeps_the_same_bounds(arg: str, message: str) -> None:
    with pytest.raises(tc.ConfigError) as caught:
        load(arg)
    assert message in str(caught.value)


def test_an_agents_json_reads_nan_as_a_float() -> None:
    assert math.isnan(load('{"scale": NaN}').scale)
