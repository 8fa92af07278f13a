"""init: every source in wandb's order, the command line, help, unknown arguments, notebooks."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from pydantic import BaseModel
from schemas import HParams

import typed_config as tc


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "config-defaults.yaml").write_text(
        "epochs:\n  desc: Number of epochs\n  value: 10\noptimizer:\n  lr: 0.5\n  name: sgd\ndataset: from-defaults\n"
    )
    (tmp_path / "a.yaml").write_text("optimizer:\n  lr: 0.05\ntags: [a]\n")
    (tmp_path / "b.yaml").write_text("tags: [b]\nbatch_size: 16\n")
    return tmp_path


def start(argv: list[str] | None = None, **kwargs: object) -> tc.Run[HParams]:
    return tc.init(HParams, argv=argv or [], dir=None, **kwargs)  # type: ignore[arg-type]


def test_precedence_defaults_file_config_configs_files_then_overrides(workdir: Path) -> None:
    run = start(
        ["--configs", "a.yaml", "b.yaml", "--batch-size=64"], config={"dataset": "from-config", "tags": ["c"]}
    )
    cfg = run.config
    assert cfg.epochs == 10  # config-defaults.yaml
    assert cfg.optimizer.name == "sgd"  # config-defaults.yaml, kept key by key
    assert cfg.optimizer.lr == 0.05  # a.yaml beats config-defaults.yaml
    assert cfg.dataset == "from-config"  # config= beats config-defaults.yaml
    assert cfg.tags == ["b"]  # --configs files beat config=, later files win, lists replaced
    assert cfg.batch_size == 64  # the command line beats everything


def test_configs_option_spellings(workdir: Path) -> None:
    assert start(["--configs=a.yaml"]).config.tags == ["a"]
    assert start(["--configs", "a.yaml", "--configs", "b.yaml"]).config.tags == ["b"]
    assert start(["--configs=a.yaml,b.yaml"]).config.tags == ["b"]


def test_defaults_file_is_optional_unless_named(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert start().config.epochs == 100
    with pytest.raises(tc.ConfigError) as info:
        start(defaults="my-defaults.yaml")
    assert str(info.value) == "my-defaults.yaml: cannot read file: No such file or directory"


def test_defaults_none_turns_the_file_off(workdir: Path) -> None:
    assert start(defaults=None).config.epochs == 100


def test_config_takes_a_path_json_and_toml(workdir: Path) -> None:
    (workdir / "c.json").write_text('{"epochs": 3, "optimizer": {"lr": 0.3}}')
    (workdir / "d.toml").write_text("epochs = 4\n[optimizer]\nlr = 0.4\n")
    assert (start(config="c.json").config.epochs, start(config="d.toml").config.optimizer.lr) == (3, 0.4)
    assert start(["--configs", "c.json", "d.toml"]).config.epochs == 4


def test_config_takes_the_pages_nested_yaml_and_params_dict(workdir: Path) -> None:
    class Params(tc.HyperParams):
        dropout: float = 0.0
        batch_size: int = 1
        learning_rate: float = 0.1

    class Meta(tc.HyperParams):
        owner: str = ""

    class Nested(tc.HyperParams):
        yaml: Meta = tc.Field(default_factory=Meta)
        params: Params = tc.Field(default_factory=Params)

    hyperparameter_defaults = {"dropout": 0.5, "batch_size": 100, "learning_rate": 0.001}
    config = {"yaml": {"owner": "me"}, "params": hyperparameter_defaults}
    run = tc.init(Nested, argv=[], dir=None, defaults=None, config=config)
    assert run.config.params.batch_size == 100
    assert run.config.to_flat()["params.learning_rate"] == 0.001


def test_config_errors_name_the_dict_entry(workdir: Path) -> None:
    with pytest.raises(tc.ConfigError) as info:
        start(config={"epochs": "ten", "optimizer.lr": -1})
    assert str(info.value).splitlines() == [
        "config={...}['epochs']: epochs: Input should be a valid integer (got 'ten')",
        "config={...}['optimizer.lr']: optimizer.lr: Input should be greater than 0 (got -1)",
    ]


def test_every_problem_from_every_source_in_one_error(workdir: Path) -> None:
    (workdir / "bad.yaml").write_text("epchs: 3\n")
    with pytest.raises(tc.ConfigError) as info:
        start(["--configs", "bad.yaml", "--batch-size=abc"], config={"dropout": "x"})
    assert str(info.value).splitlines() == [
        "bad.yaml:1:1: epchs: unknown key; did you mean 'epochs'?",
        "config={...}['dropout']: dropout: Input should be a valid number (got 'x')",
        "--batch-size=abc: batch_size: Input should be a valid integer (got 'abc')",
    ]


def test_unknown_arguments_fail_or_go_to_the_script(workdir: Path) -> None:
    with pytest.raises(tc.ConfigError, match=r"--epoch=3: unknown option; did you mean '--epochs'\?"):
        start(["--epoch=3"])
    run = start(["--gpu", "1", "--epochs=3", "--", "--raw"], allow_unknown_args=True)
    assert run.unknown_args == ["--gpu", "1", "--raw"]
    assert run.config.epochs == 3


def test_help_lists_every_key_and_exits_zero(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        start(["--epochs=3", "--help"])
    assert info.value.code == 0
    out = capsys.readouterr().out
    assert (
        "  --epochs INT                Number of epochs to train over (default: 10, from config-defaults.yaml:3:10)"
        in out
    )
    assert "  --use-amp, --no-use-amp     (default: false)" in out
    assert "optimizer (Optimizer):" in out
    assert "  --optimizer.name {adam,sgd} (default: sgd, from config-defaults.yaml:6:9)" in out
    assert (
        "  --optimizer.lr FLOAT        Learning rate [> 0] (default: 0.5, from config-defaults.yaml:5:7)"
        in out
    )


def test_print_config_shows_values_with_origins_and_exits_zero(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as info:
        start(["--print-config", "--optimizer.lr=0.01"])
    assert info.value.code == 0
    text = capsys.readouterr().out
    assert "optimizer:\n  name: sgd  # config-defaults.yaml:6:9\n  lr: 0.01  # --optimizer.lr=0.01\n" in text
    assert "epochs: 10  # config-defaults.yaml:3:10\n" in text
    assert "batch_size: 32  # default\n" in text


def test_a_plain_nested_model_is_refused_naming_the_field() -> None:
    class Plain(BaseModel):
        x: int = 1

    class Outer(tc.HyperParams):
        inner: Plain = tc.Field(default_factory=Plain)

    with pytest.raises(TypeError, match=r"Outer\.inner: Plain is a plain BaseModel; init needs HyperParams"):
        tc.init(Outer, argv=[], dir=None)


def test_argv_defaults_to_sys_argv(workdir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "argv", ["train.py", "--epochs", "7"])
    assert tc.init(HParams, dir=None).config.epochs == 7


def test_a_jupyter_kernels_own_arguments_are_not_overrides(
    workdir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "argv", ["/x/ipykernel_launcher.py", "-f", "/run/kernel-1.json"])
    assert tc.init(HParams, dir=None).config.epochs == 10


def test_environment_variables_with_a_prefix(workdir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRAIN_EPOCHS", "3")
    monkeypatch.setenv("TRAIN_OPTIMIZER__LR", "1e-2")
    monkeypatch.setenv("TRAIN_DATASET", "NO")
    cfg = start(["--epochs=4"], env_prefix="TRAIN_").config
    assert (cfg.epochs, cfg.optimizer.lr, cfg.dataset) == (4, 0.01, "NO")  # argv beats the environment
    monkeypatch.setenv("TRAIN_EPOCHZ", "3")
    monkeypatch.setenv("TRAIN_BATCH_SIZE", "many")
    with pytest.raises(tc.ConfigError) as info:
        start(env_prefix="TRAIN_", env_strict=True)
    assert str(info.value).splitlines() == [
        "$TRAIN_EPOCHZ: environment variable names no key; did you mean TRAIN_EPOCHS?",
    ]
    monkeypatch.delenv("TRAIN_EPOCHZ")
    with pytest.raises(tc.ConfigError) as info:
        start(env_prefix="TRAIN_")
    assert str(info.value) == "$TRAIN_BATCH_SIZE: batch_size: Input should be a valid integer (got 'many')"


def test_run_folder_holds_config_provenance_and_meta(workdir: Path) -> None:
    run = tc.init(HParams, argv=["--epochs=3"], project="demo")
    assert run.dir is not None
    assert run.dir.parent == Path("runs") / "demo"
    assert tc.load(HParams, run.dir / "config.yaml") == run.config
    provenance = json.loads((run.dir / "provenance.json").read_text())
    assert provenance["epochs"][-1] == {"source": "command line", "origin": "--epochs=3", "value": 3}
    meta = json.loads((run.dir / "meta.json").read_text())
    assert meta["config_fingerprint"] == run.config.fingerprint()
    assert meta["schema"] == "schemas:HParams"


def test_run_config_is_typed_and_attribute_access_is_plain(workdir: Path) -> None:
    cfg = start().config
    assert type(cfg) is HParams
    assert "epochs" in cfg.__dict__  # a plain pydantic field, no __getattr__ indirection
