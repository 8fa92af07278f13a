"""`_base_`: files that extend files, in every format, through load, init and the command."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from schemas import HParams

import typed_config as tc


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "bases").mkdir()
    (tmp_path / "bases" / "common.yaml").write_text("epochs: 7\nbatch_size: 64\noptimizer:\n  lr: 0.25\n")
    (tmp_path / "bases" / "long.yaml").write_text("_base_: common.yaml\nepochs: 300\n")
    return tmp_path


def test_a_base_applies_first_then_the_files_own_keys(folder: Path) -> None:
    (folder / "exp.yaml").write_text("_base_: bases/common.yaml\nbatch_size: 16\n")
    cfg = tc.load(HParams, "exp.yaml")
    assert (cfg.epochs, cfg.batch_size, cfg.optimizer.lr) == (7, 16, 0.25)


def test_bases_apply_in_order_and_may_have_bases_relative_to_their_own_folder(folder: Path) -> None:
    (folder / "other.yaml").write_text("epochs: 9\ndropout: 0.125\n")
    (folder / "exp.yaml").write_text("_base_: [bases/long.yaml, other.yaml]\ndataset: x\n")
    cfg = tc.load(HParams, "exp.yaml")
    assert (cfg.epochs, cfg.batch_size, cfg.dropout, cfg.dataset) == (9, 64, 0.125, "x")


def test_json_and_toml_files_name_bases_too(folder: Path) -> None:
    (folder / "exp.json").write_text('{"_base_": "bases/long.yaml", "dropout": 0.25}')
    (folder / "exp.toml").write_text('_base_ = ["exp.json"]\nuse_amp = true\n')
    cfg = tc.load(HParams, "exp.toml")
    assert (cfg.epochs, cfg.batch_size, cfg.dropout, cfg.use_amp) == (300, 64, 0.25, True)


def test_an_error_names_the_file_that_holds_the_value(folder: Path) -> None:
    (folder / "bases" / "common.yaml").write_text("epochs: 7\noptimizer:\n  lr: -1\n")
    (folder / "exp.yaml").write_text("_base_: bases/common.yaml\n")
    with pytest.raises(tc.ConfigError) as info:
        tc.load(HParams, "exp.yaml")
    assert str(info.value) == "bases/common.yaml:3:7: optimizer.lr: Input should be greater than 0 (got -1)"


def test_explain_traces_a_value_to_its_base(folder: Path) -> None:
    (folder / "exp.yaml").write_text("_base_: bases/long.yaml\n")
    run = tc.init(HParams, argv=["--configs", "exp.yaml"], defaults=None, dir=None)
    assert str(run.explain("batch_size").chain[-1].origin) == "bases/common.yaml:2:13"
    assert str(run.explain("epochs").chain[-1].origin) == "bases/long.yaml:2:9"


def test_the_defaults_file_and_configs_files_extend_files_through_init(folder: Path) -> None:
    (folder / "config-defaults.yaml").write_text("_base_: bases/common.yaml\ndropout: 0.375\n")
    (folder / "exp.yaml").write_text("_base_: bases/long.yaml\nuse_amp: true\n")
    run = tc.init(HParams, argv=["--configs", "exp.yaml", "--batch-size=8"], dir=None)
    cfg = run.config
    assert (cfg.epochs, cfg.batch_size, cfg.dropout, cfg.use_amp) == (300, 8, 0.375, True)


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        (
            {"a.yaml": "_base_: b.yaml\n", "b.yaml": "epochs: 1\n_base_: [a.yaml]\n"},
            "b.yaml:2:10: _base_: bases form a cycle: a.yaml:1:9 -> b.yaml:2:10 -> back to a.yaml",
        ),
        (
            {"a.yaml": "_base_: a.yaml\n"},
            "a.yaml:1:9: _base_: bases form a cycle: a.yaml:1:9 -> back to a.yaml",
        ),
        (
            {"a.yaml": "_base_: [b.yaml]\n", "b.yaml": "_base_: c.yaml\n", "c.yaml": "_base_: ./b.yaml\n"},
            "c.yaml:1:9: _base_: bases form a cycle: b.yaml:1:9 -> c.yaml:1:9 -> back to b.yaml",
        ),
        (
            {"a.yaml": "_base_: 3\n"},
            "a.yaml:1:9: _base_: must be a path or a list of paths, relative to this file's folder",
        ),
        ({"a.yaml": "_base_: nope.yaml\n"}, "nope.yaml: cannot read file: No such file or directory"),
    ],
)
def test_bad_bases_are_refused_with_every_position(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, files: dict[str, str], expected: str
) -> None:
    monkeypatch.chdir(tmp_path)
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    with pytest.raises(tc.ConfigError) as info:
        tc.load(HParams, "a.yaml")
    assert str(info.value) == expected


def test_bases_nest_at_most_sixteen_files_deep(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    for index in range(17):
        (tmp_path / f"f{index}.yaml").write_text(f"_base_: f{index + 1}.yaml\n")
    (tmp_path / "f17.yaml").write_text("epochs: 3\n")
    with pytest.raises(tc.ConfigError) as info:
        tc.load(HParams, "f0.yaml")
    assert str(info.value) == "f16.yaml:1:9: _base_: bases nested deeper than 16 files"
    assert tc.load(HParams, "f1.yaml").epochs == 3


def test_the_command_validates_a_file_with_bases_and_reports_a_cycle(folder: Path) -> None:
    (folder / "hparams.py").write_text("from schemas import HParams\n")
    (folder / "exp.yaml").write_text("_base_: bases/long.yaml\n")
    (folder / "loop.yaml").write_text("_base_: loop.yaml\n")
    env = {"PYTHONPATH": str(Path(__file__).parent)}
    command = [sys.executable, "-m", "typed_config", "validate", "--schema", "hparams:HParams"]
    good = subprocess.run([*command, "exp.yaml"], capture_output=True, text=True, check=False, env=env)
    assert good.returncode == 0, good.stderr
    bad = subprocess.run([*command, "loop.yaml"], capture_output=True, text=True, check=False, env=env)
    assert bad.returncode == 1
    assert (
        bad.stderr.strip() == "loop.yaml:1:9: _base_: bases form a cycle: loop.yaml:1:9 -> back to loop.yaml"
    )
