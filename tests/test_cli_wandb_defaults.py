"""``typed-config validate`` warns about a config-defaults.yaml that wandb's own loader cannot read.

``wandb.init`` reads ``config-defaults.yaml`` from the working folder by itself and takes
``value`` out of every top-level key, so a plain value (or a ``{desc}`` alone, which typed_config
accepts) crashes it. The warning goes to stderr; the exit status stays validation's.
"""

from __future__ import annotations

import subprocess
import sys
import warnings
from pathlib import Path

import pytest

SCRIPT = Path(sys.executable).parent / "typed-config"
HPARAMS = """\
import typed_config as tc


class Optimizer(tc.HyperParams):
    lr: float = tc.Field(default=0.001, gt=0)


class HParams(tc.HyperParams):
    epochs: int = 1
    batch_size: int = tc.Field(default=8, description="Size of each mini-batch")
    optimizer: Optimizer = tc.Field(default_factory=Optimizer)
"""
PLAIN = "epochs: 10\nbatch_size:\n  desc: per step\noptimizer:\n  desc: the optimiser\n  value: {lr: 0.1}\n"
WRAPPED = "wandb_version: 1\nepochs: {value: 10}\nbatch_size: {desc: per step, value: 64}\noptimizer:\n  value: {lr: 0.1}\n"
WARNING = (
    "config-defaults.yaml:1:1: warning: epochs, batch_size: wandb.init reads config-defaults.yaml "
    "itself and fails on a top-level key not written as {desc: ..., value: ...}\n"
)


def validate(folder: Path, *argv: str) -> tuple[int, str, str]:
    proc = subprocess.run(
        [str(SCRIPT), "validate", *argv, "--schema", "hparams:HParams"],
        cwd=folder,
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    return proc.returncode, proc.stdout, proc.stderr


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    (tmp_path / "hparams.py").write_text(HPARAMS, encoding="utf-8")
    return tmp_path


def test_plain_values_in_config_defaults_get_a_warning_and_exit_0(folder: Path) -> None:
    (folder / "config-defaults.yaml").write_text(PLAIN, encoding="utf-8")
    assert validate(folder, "config-defaults.yaml") == (0, "config-defaults.yaml: ok\n", WARNING)


def test_the_warning_keeps_the_exit_status_of_a_file_with_problems(folder: Path) -> None:
    (folder / "config-defaults.yaml").write_text(PLAIN + "epohcs: 3\n", encoding="utf-8")
    code, out, err = validate(folder, "config-defaults.yaml", "--format", "json")
    assert (code, err.splitlines()[0]) == (
        1,
        WARNING.replace("epochs, batch_size", "epochs, batch_size, epohcs")[:-1],
    )
    assert '"key": "epohcs"' in out


def test_a_config_defaults_in_another_folder_is_checked_by_its_name(folder: Path) -> None:
    (folder / "runs").mkdir()
    (folder / "runs" / "config-defaults.yaml").write_text("epochs: 3\n", encoding="utf-8")
    code, _, err = validate(folder, "runs/config-defaults.yaml")
    assert (code, err.split(": warning: ")[0]) == (0, "runs/config-defaults.yaml:1:1")


@pytest.mark.parametrize(("name", "text"), [("config-defaults.yaml", WRAPPED), ("special.yaml", PLAIN)])
def test_wrapped_files_and_other_files_get_no_warning(folder: Path, name: str, text: str) -> None:
    (folder / name).write_text(text, encoding="utf-8")
    assert validate(folder, name) == (0, f"{name}: ok\n", "")


@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
@pytest.mark.parametrize(("text", "warned"), [(PLAIN, True), (WRAPPED, False)], ids=["plain", "wrapped"])
def test_the_warning_matches_what_wandbs_own_loader_does(
    folder: Path, monkeypatch: pytest.MonkeyPatch, text: str, warned: bool
) -> None:
    wandb_config = pytest.importorskip("wandb.sdk.wandb_config")
    (folder / "config-defaults.yaml").write_text(text, encoding="utf-8")
    assert bool(validate(folder, "config-defaults.yaml")[2]) == warned
    monkeypatch.chdir(folder)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)  # wandb 0.31 leaves the file open
        if warned:
            with pytest.raises((TypeError, KeyError)):
                wandb_config.Config()  # what wandb.init does first
        else:
            assert dict(wandb_config.Config()) == {
                "epochs": 10,
                "batch_size": 64,
                "optimizer": {"lr": 0.1},
            }


EXAMPLES = Path(__file__).parent.parent / "examples"


@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
def test_the_examples_config_defaults_is_read_by_wandbs_loader_and_gets_no_warning(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    config_util = pytest.importorskip("wandb.sdk.lib.config_util")
    assert validate(EXAMPLES, "config-defaults.yaml") == (0, "config-defaults.yaml: ok\n", "")
    monkeypatch.chdir(EXAMPLES)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)  # wandb 0.31 leaves the file open
        assert config_util.dict_from_config_file("config-defaults.yaml")["epochs"] == 10
