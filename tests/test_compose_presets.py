"""Presets: a name where a model goes chooses values from presets/ or from Python, at its source's precedence."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from schemas import HParams, Optimizer, Step

import typed_config as tc


@pytest.fixture
def here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    groups = {
        "optimizer": {
            "sgd.yaml": "name: sgd\nlr: 0.25\n",
            "slow.json": '{"lr": 0.0001}',
            "bad.yaml": "lr: -4\nbogus: 1\n",
        },
        "opt": {"heavy.toml": 'kind = "sgd"\nmomentum = 0.875\n'},
        "schedule": {"warm.yaml": "epoch: 1\nlr_scale: 0.125\n", "main.yaml": "epoch: 5\n"},
    }
    for group, files in groups.items():
        (tmp_path / "presets" / group).mkdir(parents=True)
        for name, text in files.items():
            (tmp_path / "presets" / group / name).write_text(text)
    return tmp_path


@pytest.mark.parametrize(
    "overrides",
    [["--optimizer=sgd"], ["optimizer=sgd"], {"optimizer": "sgd"}],
    ids=["option", "hydra", "mapping"],
)
def test_a_name_chooses_a_preset_from_the_folder(here: Path, overrides: list[str] | dict[str, str]) -> None:
    cfg = tc.load(HParams, overrides=overrides)
    assert (cfg.optimizer.name, cfg.optimizer.lr) == ("sgd", 0.25)


def test_a_config_file_chooses_presets_in_every_format(here: Path) -> None:
    (here / "exp.yaml").write_text("optimizer: slow\nopt: heavy\nschedule: [warm, main]\n")
    cfg = tc.load(HParams, "exp.yaml")
    assert (cfg.optimizer.name, cfg.optimizer.lr) == ("adam", 0.0001)
    assert cfg.opt == HParams.model_fields["opt"].annotation.__args__[1](momentum=0.875)  # type: ignore[union-attr]
    assert cfg.schedule == [Step(epoch=1, lr_scale=0.125), Step(epoch=5)]


def test_keys_the_same_source_sets_under_the_group_win_over_its_preset(here: Path) -> None:
    for argv in (["--optimizer=sgd", "--optimizer.lr=0.05"], ["--optimizer.lr=0.05", "--optimizer=sgd"]):
        cfg = tc.load(HParams, overrides=argv)
        assert (cfg.optimizer.name, cfg.optimizer.lr) == ("sgd", 0.05)
    (here / "exp.yaml").write_text("optimizer:\n  _preset_: sgd\n  lr: 0.5\n")
    assert tc.load(HParams, "exp.yaml").optimizer == Optimizer(name="sgd", lr=0.5)


def test_a_higher_source_choosing_another_preset_replaces_the_lower_ones(here: Path) -> None:
    (here / "config-defaults.yaml").write_text("optimizer: sgd\n")
    run = tc.init(HParams, argv=["--optimizer=slow"], dir=None)
    assert run.config.optimizer == Optimizer(name="adam", lr=0.0001)
    run = tc.init(HParams, argv=["--optimizer.lr=0.5"], dir=None)
    assert run.config.optimizer == Optimizer(name="sgd", lr=0.5)


def test_config_and_environment_choose_presets_through_init(
    here: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TRAIN_OPT", "heavy")
    run = tc.init(HParams, config={"optimizer": "sgd"}, argv=[], env_prefix="TRAIN_", dir=None)
    assert (run.config.optimizer.lr, run.config.opt.kind) == (0.25, "sgd")


def test_a_variants_tag_selects_the_variant_with_its_defaults(here: Path) -> None:
    cfg = tc.load(HParams, overrides=["--opt=sgd", "--opt.momentum=0.5"])
    assert (cfg.opt.kind, cfg.opt.momentum) == ("sgd", 0.5)  # type: ignore[union-attr]


def test_presets_written_in_python(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    presets = {"optimizer": {"fast": Optimizer(lr=1e-2), "plain": {"name": "sgd"}}}
    run = tc.init(HParams, argv=["--optimizer=fast"], presets=presets, dir=None)
    assert run.config.optimizer == Optimizer(lr=0.01)
    assert tc.load(HParams, overrides=["--optimizer=plain"], presets=presets).optimizer.name == "sgd"


def test_python_presets_sit_beside_the_folders_and_a_name_in_both_is_refused(here: Path) -> None:
    presets = {"optimizer": {"fast": Optimizer(lr=1e-2)}}
    assert tc.load(HParams, overrides=["--optimizer=sgd"], presets=presets).optimizer.lr == 0.25
    with pytest.raises(tc.ConfigError) as info:
        tc.load(HParams, overrides=["--epochs=2"], presets={"optimizer": {"sgd": Optimizer()}})
    assert str(info.value) == (
        "presets/optimizer/sgd.yaml: optimizer: preset 'sgd' is both a file and written in Python (presets={...})"
    )


def test_a_name_in_two_formats_is_refused(here: Path) -> None:
    (here / "presets" / "optimizer" / "sgd.json").write_text('{"lr": 1}')
    with pytest.raises(tc.ConfigError) as info:
        tc.load(HParams, overrides=["--optimizer=sgd"])
    assert str(info.value) == "presets/optimizer: optimizer: two presets named 'sgd': sgd.json and sgd.yaml"


def test_presets_none_turns_them_off(here: Path) -> None:
    with pytest.raises(tc.ConfigError) as info:
        tc.load(HParams, overrides=["--optimizer=sgd"], presets=None)
    assert str(info.value) == "--optimizer=sgd: optimizer: Input should be an object (got 'sgd')"


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["--optimizer=sdg"], ["--optimizer=sdg: optimizer: no preset named 'sdg'; did you mean 'sgd'?"]),
        (
            ["--dataset=x", "--opt=zzz"],
            ["--opt=zzz: opt: no preset named 'zzz' (there are: heavy, adam, sgd)"],
        ),
        (
            ["--optimizer=bad"],
            [
                "presets/optimizer/bad.yaml:1:5: optimizer.lr: Input should be greater than 0 (got -4)",
                "presets/optimizer/bad.yaml:2:1: optimizer.bogus: unknown key",
            ],
        ),
    ],
)
def test_preset_errors_name_their_position(here: Path, argv: list[str], expected: list[str]) -> None:
    with pytest.raises(tc.ConfigError) as info:
        tc.load(HParams, overrides=argv)
    assert str(info.value).splitlines() == expected


def test_explain_shows_the_preset_and_the_source_that_chose_it(here: Path) -> None:
    run = tc.init(HParams, argv=["--optimizer=sgd"], dir=None)
    assert str(run.explain("optimizer.lr")).splitlines() == [
        "optimizer.lr = 0.25",
        "  schema default: 0.001",
        "  presets/optimizer/sgd.yaml:2:5: 0.25 (preset 'sgd' chosen by --optimizer=sgd)",
    ]


def test_the_command_takes_a_presets_folder(here: Path) -> None:
    (here / "presets").rename(here / "groups")
    (here / "exp.yaml").write_text("optimizer: sgdd\n")
    env = {"PYTHONPATH": str(Path(__file__).parent)}
    command = [sys.executable, "-m", "typed_config", "validate", "--schema", "schemas:HParams", "exp.yaml"]
    proc = subprocess.run(
        [*command, "--presets", "groups"], capture_output=True, text=True, check=False, env=env
    )
    assert proc.returncode == 1
    assert proc.stderr.strip() == "exp.yaml:1:12: optimizer: no preset named 'sgdd'; did you mean 'sgd'?"


def test_help_lists_each_groups_preset_names(here: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        tc.init(HParams, argv=["--help"], presets={"optimizer": {"fast": Optimizer(lr=1e-2)}}, dir=None)
    out = capsys.readouterr().out
    assert out.endswith(
        "presets (choose one with --GROUP=NAME):\n"
        "  --opt                       {heavy}\n"
        "  --optimizer                 {bad,fast,sgd,slow}\n"
        "  --schedule '[NAME, ...]'    {main,warm}\n"  # a list of models takes a list of names
    )


def test_the_schema_command_offers_preset_names_as_values(here: Path) -> None:
    env = {"PYTHONPATH": str(Path(__file__).parent)}
    command = [sys.executable, "-m", "typed_config", "schema", "--schema", "schemas:HParams"]
    proc = subprocess.run(command, capture_output=True, text=True, check=False, env=env)
    assert proc.returncode == 0, proc.stderr
    plain = json.loads(proc.stdout)["properties"]["optimizer"]["anyOf"][1]
    assert plain["anyOf"][1] == {"enum": ["bad", "sgd", "slow"]}
