"""Value paths `make mutate` found unguarded: command-line forms and origins, what a secret's
argument shows, locks of parent keys, changes that only remove keys, the layer merge."""

from __future__ import annotations

import sys
import types
from pathlib import Path
from typing import Annotated, Any

import pytest
from helpers import assert_not_default, not_defaults
from pydantic import SecretStr, model_validator
from schemas import Adam, HParams, Plain, Sgd

import typed_config as tc
from typed_config._keys.values import REDACTED
from typed_config._model.state import same_value
from typed_config._sources.argv import argv_layer, default_argv, split_run_arguments


class Flags(tc.HyperParams):
    verbose: bool = True


class Negations(tc.HyperParams):
    flag: bool = True
    no_flag: int = 0
    flags: Flags = tc.Field(default_factory=Flags)


class Secretive(tc.HyperParams):
    api_key: SecretStr = SecretStr("")
    epochs: int = 1


def data(schema: type[tc.HyperParams], *argv: str) -> dict[str, Any]:
    parsed = argv_layer(schema, list(argv))
    assert parsed.problems == []
    return parsed.layer.data


def problems(schema: type[tc.HyperParams], *argv: str) -> list[str]:
    return [str(p) for p in argv_layer(schema, list(argv)).problems]


@pytest.mark.parametrize(
    ("argv", "origin"),
    [
        (["--no-use-amp"], "--no-use-amp"),
        (["--use-amp", "FALSE"], "--use-amp FALSE"),
        (["--use-amp"], "--use-amp"),
    ],
)
def test_a_flag_is_named_by_its_own_arguments(argv: list[str], origin: str) -> None:
    assert str(argv_layer(HParams, argv).layer.origin(("use_amp",))) == origin


def test_a_flag_s_value_word_is_taken_and_the_next_option_read() -> None:
    not_defaults(HParams, {"use_amp": False, "epochs": 3}, base="use_amp: true\n")
    assert data(HParams, "--use-amp", "false", "--epochs", "3") == {"use_amp": False, "epochs": 3}


def test_a_field_named_no_x_is_its_own_option_and_nested_flags_negate() -> None:
    not_defaults(Negations, {"no_flag": 3, "flags.verbose": False})
    assert data(Negations, "--no-flag", "3") == {"no_flag": 3}  # not --flag=false and a stray 3
    assert data(Negations, "--no-flags.verbose") == {"flags": {"verbose": False}}
    assert tc.load(Negations, overrides=["--no-flags.verbose"]).flags.verbose is False
    assert problems(HParams, "--no-use-amp=true") == [
        "--no-use-amp=true: unknown option; did you mean '--use_amp'?"
    ]


def test_unknown_and_valueless_options() -> None:
    assert problems(HParams, "--zzzzqqq=1") == ["--zzzzqqq=1: unknown option"]  # nothing close: no hint
    assert problems(HParams, "--dataset", "--foo") == [
        "--dataset: dataset: expected a value",
        "--foo: unknown option",
    ]


@pytest.mark.parametrize(
    ("argv", "secret", "found", "unknown"),
    [
        (["--api-key", "--foo"], "--foo", [], []),  # not a known option: far more likely the secret
        (["--api-key", "-x7Qa"], "-x7Qa", [], []),
        (["--api-key", "--no-epochs"], None, ["**********: unknown option; did you mean '--epochs'?"], []),
        (["--api-key", "--epochs=3"], None, [], []),
        (["--api-key", "--", "x"], None, [], ["x"]),
    ],
)
def test_what_a_secret_option_takes_as_its_value(
    argv: list[str], secret: str | None, found: list[str], unknown: list[str]
) -> None:
    parsed = argv_layer(Secretive, argv)
    if secret is None:
        assert [str(p) for p in parsed.problems] == ["--api-key: api_key: expected a value", *found]
    else:
        assert parsed.layer.data["api_key"] == secret
        assert parsed.shown == ["--api-key", REDACTED]
    assert parsed.unknown == unknown


def test_arguments_that_may_hold_a_secret_are_shown_redacted_whole() -> None:
    assert argv_layer(Secretive, ["--api-key=a=b"]).shown == [f"--api-key={REDACTED}"]
    assert argv_layer(Secretive, ['{"api_key": "a=b"}']).shown == [REDACTED]
    for stray in ("hunter2", "[x=hunter2]"):
        assert problems(Secretive, stray) == [f"{REDACTED}: unexpected argument"]


def test_list_items_are_read_by_the_item_type() -> None:
    assert data(HParams, "--tags", "010", "true") == {"tags": ["010", "true"]}


def test_a_mapping_with_a_dotted_key_is_one_problem_for_its_option() -> None:
    assert problems(HParams, "--optimizer={lr: 1, lr.x: 2}") == [
        "--optimizer={lr: 1, lr.x: 2}: optimizer: cannot read the value: "
        "key 'lr.x' contains '.'; nest it as a mapping instead"
    ]


def test_a_jupyter_kernel_s_arguments_are_not_overrides(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "argv", ["train.py", "--epochs=3"])
    assert default_argv() == ["--epochs=3"]
    monkeypatch.setattr(sys, "argv", ["/x/ipykernel_launcher.py", "-f", "kernel.json"])
    assert default_argv() == []
    monkeypatch.setattr(sys, "argv", ["train.py", "--epochs=3"])
    monkeypatch.setitem(sys.modules, "ipykernel", types.ModuleType("ipykernel"))
    assert default_argv() == []


def test_a_run_s_own_options_are_taken_out() -> None:
    argv = ["--configs=a=b.yaml,c.yaml", "-h", "--print_config", "--epochs=3", "--", "--help"]
    configs, rest, flags, found, positions = split_run_arguments(argv)
    assert (configs, rest, flags, found) == (
        ["a=b.yaml", "c.yaml"],
        ["--epochs=3", "--", "--help"],
        {"--help", "--print-config"},
        [],
    )
    assert positions == [3, 4, 5]


@pytest.fixture
def in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.mark.usefixtures("in_tmp")
def test_a_command_line_value_locks_every_key_below_it() -> None:
    run = tc.init(HParams, argv=["--weights={}", "--extra.p={}"], dir=None)
    not_defaults(HParams, {"weights.a": 1.0, "extra.p.q": 1, "extra.r": 2})
    with pytest.raises(tc.ConfigError, match=r"weights\.a: is locked: --weights=\{\} set it"):
        run.config["weights.a"] = 1.0
    with pytest.raises(tc.ConfigError, match=r"extra\.p\.q: is locked: --extra\.p=\{\} set it"):
        run.config["extra.p.q"] = 1
    run.config["extra.r"] = 2  # beside the locked key: free
    again = tc.init(HParams, argv=["--extra={}"], dir=None)
    with pytest.raises(tc.ConfigError, match=r"extra\.p\.q: is locked: --extra=\{\} set it"):
        again.config["extra.p.q"] = 1  # two levels below
    assert run.config.extra == {"p": {}, "r": 2}


@pytest.mark.usefixtures("in_tmp")
def test_setdefaults_keeps_a_mapping_whose_keys_are_set() -> None:
    run = tc.init(HParams, argv=[], dir=None, config={"weights": {"a": 1.0}})
    run.config.setdefaults({"weights": {}})
    assert run.config.weights == {"a": 1.0}


def test_setdefaults_from_a_file_names_its_line(in_tmp: Path) -> None:
    run = tc.init(HParams, argv=[], dir=None)
    (in_tmp / "more.yaml").write_text("epochs: 3\nseed: 5\noptimizer:\n  lr: 0.3\n")
    not_defaults(HParams, {"epochs": 3, "seed": 5})
    run.config.setdefaults("more.yaml")
    assert [str(s.origin) for s in run.explain("seed").chain] == ["schema default", "more.yaml:2:7"]
    assert str(run.explain("optimizer.lr").chain[-1].origin) == "more.yaml:4:7"


@pytest.mark.usefixtures("in_tmp")
def test_a_new_key_set_to_none_is_a_change() -> None:
    run = tc.init(HParams, argv=[], dir=None)
    assert_not_default(HParams, "extra.k", None)
    run.config.update({"extra": {"k": None}})
    assert [s.source for s in run.explain("extra.k").chain] == ["update"]


@pytest.mark.usefixtures("in_tmp")
def test_an_in_place_deletion_of_a_dict_key_is_written() -> None:
    run = tc.init(HParams, argv=[], project="p")
    run.config.weights.update({"a": 0.5, "b": 1.0})
    run.update()
    del run.config.weights["a"]  # nothing set, one key gone
    run.update()
    assert run.dir is not None
    assert tc.load(HParams, run.dir / "config.yaml").weights == {"b": 1.0}


@pytest.mark.usefixtures("in_tmp")
def test_a_change_after_finish_names_where_it_was_tried() -> None:
    run = tc.init(HParams, argv=[], dir=None)
    run.finish()
    with pytest.raises(tc.ConfigError) as info:
        run.config.epochs = 3
    assert str(info.value.problems[0].origin).startswith("assignment at ")


def test_same_value_is_equality_with_nan_equal_to_itself() -> None:
    nan = float("nan")
    assert same_value({"a": [nan, (1.0, nan)]}, {"a": [float("nan"), (1.0, float("nan"))]})
    assert not same_value({"a": 1}, [1])
    assert not same_value([1], {"a": 1})
    assert not same_value([nan], (nan,))
    assert not same_value(Plain(), [1])
    assert not same_value([1], Plain())
    assert not same_value(Plain(ratio=nan), Plain(ratio=nan, count=2))
    assert same_value(Plain.model_construct(ratio=nan), Plain.model_construct(ratio=float("nan")))


def test_setting_a_union_s_tag_to_its_default_keeps_the_values_below() -> None:
    assert tc.loads(HParams, "opt:\n  beta1: 0.5\n", overrides=["--opt.kind=adam"]).opt == Adam(beta1=0.5)


class Inner(tc.HyperParams):
    opt: Annotated[Adam | Sgd, tc.Field(discriminator="kind")] = tc.Field(default_factory=Adam)


class Outer(tc.HyperParams):
    inner: Inner = tc.Field(default_factory=Inner)


def test_a_nested_union_s_keys_given_without_its_tag_are_its_default_variant_s() -> None:
    assert_not_default(Outer, "inner.opt.beta1", 0.5)
    overrides = {"inner.opt.beta1": 0.5}
    assert tc.load(Outer, overrides=overrides).inner.opt == Adam(beta1=0.5)
    assert overrides == {"inner.opt.beta1": 0.5}  # the layer is not changed


class Range(tc.HyperParams):
    low: int = 0
    high: int = 1

    @model_validator(mode="after")
    def _ordered(self) -> Range:
        if self.low > self.high:
            raise ValueError("low above high")
        return self


class Holder(tc.HyperParams):
    range: Range = tc.Field(default_factory=Range)


def test_problems_in_a_model_given_key_by_key_name_an_argument_that_set_it() -> None:
    with pytest.raises(tc.ConfigError) as info:
        tc.load(Holder, overrides=["--range.low=5"])
    assert [str(p) for p in info.value.problems] == [
        "--range.low=5: range.low: Value error, low above high (got 5)"
    ]


def test_problems_on_one_line_come_in_column_order() -> None:
    with pytest.raises(tc.ConfigError) as info:
        tc.loads(HParams, "optimizer: {lr: -1, name: bad}\n")
    assert [str(p).split(": ")[0] for p in info.value.problems] == ["<string>:1:17", "<string>:1:27"]


def origins(parsed: Any, *keys: str) -> list[str]:
    return [str(parsed.layer.origin(tuple(key.split(".")))) for key in keys]


def test_a_sweep_agent_s_key_value_forms_and_their_origins() -> None:
    not_defaults(HParams, {"epochs": 7, "batch_size": 8, "optimizer.lr": 0.5})
    parsed = argv_layer(HParams, ["epochs=7", "+batch_size=8", "++optimizer.lr=0.5"])
    assert parsed.layer.data == {"epochs": 7, "batch_size": 8, "optimizer": {"lr": 0.5}}
    assert origins(parsed, "epochs", "batch_size", "optimizer.lr") == [
        "epochs=7",
        "+batch_size=8",
        "++optimizer.lr=0.5",
    ]
    assert problems(HParams, "tags=[a") == [
        "tags=[a: tags: cannot read the value: did not find expected ',' or ']' (while parsing a flow sequence)"
    ]
    assert problems(HParams, "nokey=3") == ["nokey=3: unexpected argument"]
    assert data(HParams, "dataset=a=b") == {"dataset": "a=b"}  # the first '=' ends the key
    secret = argv_layer(Secretive, ["api_key=[s"])
    assert (secret.layer.data, secret.shown, origins(secret, "api_key")) == (
        {"api_key": "[s"},
        [f"api_key={REDACTED}"],
        [f"api_key={REDACTED}"],
    )


def test_a_sweep_agent_s_json_argument() -> None:
    text = '{"epochs": 7, "optimizer.lr": 0.5}'
    parsed = argv_layer(HParams, [text])
    assert parsed.layer.data == {"epochs": 7, "optimizer": {"lr": 0.5}}
    assert origins(parsed, "epochs", "optimizer.lr") == [f"{text}['epochs']", f"{text}['optimizer.lr']"]
    long = '{"epochs": 7, "optimizer": {"lr": 0.5}, "tags": ["a", "b"]}'  # named by its first 37 characters
    assert origins(argv_layer(HParams, [long]), "tags") == [
        """{"epochs": 7, "optimizer": {"lr": 0.5...['tags']"""
    ]
    assert problems(HParams, '{"a": ') == [
        '{"a": : not a JSON object: Expecting value: line 1 column 7 (char 6)'
    ]
    assert argv_layer(HParams, ['{"a": ']).shown == ['{"a": ']  # no secret in the schema: shown
    assert argv_layer(HParams, [text]).shown == [text]
    assert data(HParams, '{"batch-size": 8}') == {"batch_size": 8}
    forty = '{"epochs": 7, "dataset": "abcdefghijkl"}'  # 40 characters: named whole
    assert origins(argv_layer(HParams, [forty]), "epochs") == [f"{forty}['epochs']"]
    assert origins(argv_layer(HParams, [forty.replace("l", "lm")]), "epochs") == [
        f"{forty[:37]}...['epochs']"
    ]
    assert problems(HParams, '{"epochs": 1e400}') == [
        '{"epochs": 1e400}: 1e400 is out of the range of a float'
    ]
    assert problems(HParams, "[1, 2]") == ["[1, 2]: unexpected argument"]
    with pytest.raises(tc.ConfigError) as info:
        tc.load(HParams, overrides=['{"epochs": 7, "nope": 1}'])
    assert [str(p) for p in info.value.problems] == [
        """{"epochs": 7, "nope": 1}['nope']: nope: unknown key"""
    ]
    secret = argv_layer(Secretive, ['{"api_key": "s", "epochs": 2}'])
    assert (secret.shown, origins(secret, "epochs")) == ([REDACTED], [f"{REDACTED}['epochs']"])
    mine = argv_layer(HParams, [text, "epochs=7"], allow_unknown=True)  # a script's own JSON argument
    assert (mine.layer.data, mine.unknown) == ({"epochs": 7}, [text])


def test_a_sweep_agent_s_json_file(tmp_path: Path) -> None:
    path = tmp_path / "config-run1.json"
    path.write_text('{"epochs": 7}')
    parsed = argv_layer(HParams, [str(path)])
    assert (parsed.layer.data, origins(parsed, "epochs")) == ({"epochs": 7}, [f"{path}['epochs']"])
    assert parsed.shown == [str(path)]
    path.write_text("[1]")
    assert argv_layer(HParams, [str(path)]).shown == [str(path)]
    assert problems(HParams, str(path)) == [f"{path}: not a JSON object"]
    path.write_text(" " * (16 * 1024 * 1024) + "{}")
    assert problems(HParams, str(path)) == [f"{path}: file too large: 16777218 bytes (the limit is 16777216)"]
    path.write_text(" " * (16 * 1024 * 1024 - 2) + "{}")  # at the limit: read
    assert data(HParams, str(path)) == {}
    (tmp_path / "notes.txt").write_text("{}")  # a script's own file argument: not read as JSON
    assert problems(HParams, str(tmp_path / "notes.txt")) == [
        f"{tmp_path / 'notes.txt'}: unexpected argument"
    ]


def test_a_dot_key_with_an_empty_segment_is_a_problem_at_its_origin() -> None:
    for overrides, origin in (
        ({"extra..a": 1}, "overrides['extra..a']"),
        (['{"extra..a": 1}'], """{"extra..a": 1}['extra..a']"""),
    ):
        with pytest.raises(tc.ConfigError) as info:
            tc.load(HParams, overrides=overrides)
        assert [str(p) for p in info.value.problems] == [f"{origin}: extra..a: keys must not be empty"]
