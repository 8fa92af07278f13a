"""load and loads: files in order, overrides last, one validation, every problem with its origin."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import assert_not_default, not_defaults
from schemas import HParams, Plain

import typed_config as tc


def lines(exc: tc.ConfigError) -> list[str]:
    return str(exc).splitlines()


DEFAULTS_FILE = (
    "epochs:\n  desc: Number of epochs\n  value: 10\noptimizer:\n  name: sgd\n  lr: 0.5\ntags: [a, b]\n"
)


@pytest.fixture
def files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "config-defaults.yaml").write_text(DEFAULTS_FILE)
    (tmp_path / "special.yaml").write_text("optimizer:\n  lr: 0.01\ntags: [c]\n")
    return tmp_path


def test_later_files_win_key_by_key_and_lists_are_replaced(files: Path) -> None:
    not_defaults(HParams, {"epochs": 10, "optimizer.name": "sgd", "optimizer.lr": 0.01, "tags": ["c"]})
    not_defaults(HParams, {"optimizer.lr": 0.01, "tags": ["c"]}, base=DEFAULTS_FILE)
    cfg = tc.load(HParams, "config-defaults.yaml", files / "special.yaml")
    assert cfg.epochs == 10
    assert (cfg.optimizer.name, cfg.optimizer.lr) == ("sgd", 0.01)
    assert cfg.tags == ["c"]


def test_overrides_come_last_as_arguments_or_a_mapping(files: Path) -> None:
    not_defaults(HParams, {"optimizer.lr": 2e-3, "epochs": 4})
    cfg = tc.load(HParams, "config-defaults.yaml", overrides=["--optimizer.lr=2e-3", "--epochs", "4"])
    assert (cfg.epochs, cfg.optimizer.lr, cfg.optimizer.name) == (4, 0.002, "sgd")
    # "adam" is the schema default: what it must differ from is the file's "sgd" below it.
    overrides = {"optimizer.lr": 0.2, "optimizer": {"name": "adam"}}
    not_defaults(HParams, overrides, base=DEFAULTS_FILE)
    cfg = tc.load(HParams, "config-defaults.yaml", overrides=overrides)
    assert (cfg.optimizer.lr, cfg.optimizer.name) == (0.2, "adam")


def test_a_later_empty_mapping_or_null_replaces_everything_below(files: Path) -> None:
    base = "weights: {a: 1, b: 2}\nseed: 3\n"
    cfg = tc.loads(HParams, base, overrides=not_defaults(HParams, {"weights": {}, "seed": None}, base=base))
    assert cfg.weights == {}
    assert cfg.seed is None


def test_every_problem_in_every_source_is_reported_in_order(files: Path) -> None:
    (files / "bad.yaml").write_text("optimizer:\n  lr: -1\nepchs: 3\n")
    (files / "worse.yaml").write_text("dropout: high\n")
    with pytest.raises(tc.ConfigError) as info:
        tc.load(HParams, "bad.yaml", "worse.yaml", overrides=["--batch-size=abc", "--optimzer.lr=1"])
    assert lines(info.value) == [
        "bad.yaml:2:7: optimizer.lr: Input should be greater than 0 (got -1)",
        "bad.yaml:3:1: epchs: unknown key; did you mean 'epochs'?",
        "worse.yaml:1:10: dropout: Input should be a valid number (got 'high')",
        "--optimzer.lr=1: unknown option; did you mean '--optimizer.lr'?",
        "--batch-size=abc: batch_size: Input should be a valid integer (got 'abc')",
    ]


def test_a_file_that_cannot_be_read_is_reported_with_the_others(files: Path) -> None:
    (files / "broken.yaml").write_text("a: [1, 2\n")
    with pytest.raises(tc.ConfigError) as info:
        tc.load(HParams, "missing.yaml", "broken.yaml")
    assert lines(info.value) == [
        "missing.yaml: cannot read file: No such file or directory",
        "broken.yaml:2:1: YAML syntax error: did not find expected ',' or ']' (while parsing a flow sequence)",
    ]


def test_a_plain_base_model_follows_typed_configs_rules() -> None:
    assert_not_default(Plain, "count", 3)
    assert_not_default(Plain, "inner", {"ratio": 1.0})
    assert tc.loads(Plain, "count: 3\ninner: {ratio: 1}\n") == Plain(count=3, inner=Plain(ratio=1.0))
    with pytest.raises(tc.ConfigError) as info:
        tc.loads(Plain, "count: '3'\ninner:\n  cuont: 1\n")
    assert lines(info.value) == [
        "<string>:1:8: count: Input should be a valid integer (got '3')",
        "<string>:3:3: inner.cuont: unknown key; did you mean 'count'?",
    ]


def test_union_errors_come_from_the_closest_member() -> None:
    with pytest.raises(tc.ConfigError) as info:
        tc.loads(HParams, "opt:\n  kind: sgd\n  momentun: 0.9\n")
    assert lines(info.value) == ["<string>:3:3: opt.momentun: unknown key; did you mean 'momentum'?"]


def test_missing_required_keys_point_at_their_parent_or_documenting_line() -> None:
    class Needs(tc.HyperParams):
        name: str
        inner: HParams

    text = "name:\n  desc: the run's name\ninner:\n  epochs: 2\n"
    with pytest.raises(tc.ConfigError) as info:
        tc.loads(Needs, text, "config-defaults.yaml")
    assert lines(info.value) == ["config-defaults.yaml:1:1: name: required value is missing"]


def test_values_set_in_list_items_are_located() -> None:
    with pytest.raises(tc.ConfigError) as info:
        tc.loads(HParams, "schedule:\n  - epoch: 1\n  - epoch: x\n    lr_scal: 2\n")
    assert lines(info.value) == [
        "<string>:3:12: schedule[1].epoch: Input should be a valid integer (got 'x')",
        "<string>:4:5: schedule[1].lr_scal: unknown key; did you mean 'lr_scale'?",
    ]


def test_a_typo_in_a_tuple_position_is_matched_against_that_position_s_model() -> None:
    class Warmup(tc.HyperParams):
        steps: int = 0

    class Train(tc.HyperParams):
        epochs: int = 1

    class Stages(tc.HyperParams):
        stages: tuple[Warmup, Train] = (Warmup(), Train())

    with pytest.raises(tc.ConfigError) as info:
        tc.loads(Stages, "stages: [{steps: 1}, {epocs: 2}]\n")
    assert lines(info.value) == ["<string>:1:23: stages[1].epocs: unknown key; did you mean 'epochs'?"]


def test_load_refuses_a_schema_that_is_not_a_model() -> None:
    with pytest.raises(TypeError, match="a schema must be a pydantic BaseModel subclass"):
        tc.loads(dict, "a: 1\n")  # type: ignore[type-var]


def test_overrides_as_one_string_is_a_type_error() -> None:
    with pytest.raises(TypeError, match="not a single string"):
        tc.loads(HParams, "", overrides="--epochs=3")


def test_a_wandb_run_config_validates() -> None:
    text = (
        "wandb_version: 1\n\n_wandb:\n  desc: null\n  value:\n    cli_version: 0.17.0\n"
        "epochs:\n  desc: null\n  value: 4\noptimizer:\n  desc: null\n  value:\n    lr: 1e-05\n"
    )
    cfg = tc.loads(HParams, text)
    not_defaults(HParams, {"epochs": 4, "optimizer.lr": 1e-05})
    assert (cfg.epochs, cfg.optimizer.lr) == (4, 1e-05)


def test_switching_a_union_variant_drops_what_lower_layers_set_under_it() -> None:
    cfg = tc.loads(HParams, "opt:\n  beta1: 0.5\n", overrides=["--opt.kind=sgd"])
    assert cfg.opt.model_dump() == {"kind": "sgd", "momentum": 0.0}
    cfg = tc.loads(HParams, "opt: {kind: sgd, momentum: 0.5}\n", overrides={"opt.kind": "sgd"})
    assert cfg.opt.model_dump() == {"kind": "sgd", "momentum": 0.5}  # the same variant merges
    cfg.update({"opt": {"kind": "adam"}})
    assert cfg.opt.model_dump() == {"kind": "adam", "beta1": 0.9}


def test_a_value_too_deep_to_encode_is_a_config_error_not_a_serializer_traceback() -> None:
    from typed_config._layers.layers import Layer, validate

    deep: list[object] = []
    for _ in range(1_000):
        deep = [deep]
    with pytest.raises(
        tc.ConfigError, match=r"^built: a value is too deeply nested or too large to validate"
    ):
        validate(HParams, [Layer("built", {"extra": {"a": deep}})])


def test_values_built_by_code_are_held_to_the_file_bounds() -> None:
    deep: list[object] = []
    for _ in range(300):
        deep = [deep]
    with pytest.raises(tc.ConfigError) as info:
        tc.load(HParams, overrides={"extra": {"a": deep}, "epochs": 10**5000})
    assert str(info.value).splitlines() == [
        "overrides['extra']: extra.a: nesting deeper than 100 levels",
        "overrides['epochs']: epochs: integer with more than 4000 digits",
    ]


def _frames(error: BaseException) -> list[str]:
    """The functions of every frame a ConfigError and the errors of its context chain keep alive."""
    names: list[str] = []
    chained: BaseException | None = error
    while chained is not None:
        trace = chained.__traceback__
        while trace is not None:
            names.append(trace.tb_frame.f_code.co_name)
            trace = trace.tb_next
        chained = chained.__context__
    return names


@pytest.mark.parametrize("how", ["loads", "load"])
def test_a_refused_file_leaves_no_frame_holding_its_values_alive(tmp_path: Path, how: str) -> None:
    # The frames below load/loads hold the file's node tree and pydantic's errors: kept by the
    # error, each garbage collection would walk them (seconds for a 16 MiB file).
    text = "epochs: many\nlr: 0.5\n"
    path = tmp_path / "bad.yaml"
    path.write_text(text)
    with pytest.raises(tc.ConfigError) as caught:
        tc.loads(HParams, text, "bad.yaml") if how == "loads" else tc.load(HParams, path)
    assert lines(caught.value)[0].endswith(
        "bad.yaml:1:9: epochs: Input should be a valid integer (got 'many')"
    )
    assert set(_frames(caught.value)) <= {
        "test_a_refused_file_leaves_no_frame_holding_its_values_alive",
        how,
        "_unwound",
    }
