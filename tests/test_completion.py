"""typed-config completion: static scripts, driven in real shells (bash always; zsh and fish when installed).

bash is driven as readline would: COMP_WORDS split at '=' (as COMP_WORDBREAKS does), COMP_CWORD
the word under the cursor, then the registered function, and COMPREPLY read back. fish answers
``complete -C``. zsh runs the same function through its bashcompinit layer.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

BASH = str(shutil.which("bash"))
SCHEMA_MODULE = """
import enum
import pathlib
from typing import Literal

import typed_config as tc


class Color(enum.Enum):
    RED = "red"
    GREEN = "green"


class Optimizer(tc.HyperParams):
    name: Literal["adam", "sgd"] = "adam"
    lr: float = 0.1


class HParams(tc.HyperParams):
    epochs: int = 10
    batch_size: int = 32
    use_amp: bool = False
    color: Color = Color.RED
    out: pathlib.Path = pathlib.Path("runs")
    optimizer: Optimizer = tc.Field(default_factory=Optimizer)
    mode: Literal["$(touch pwned)", "it's", "a b"] = "it's"


class Other(tc.HyperParams):
    checkpoint: str = "last.ckpt"
"""


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "schema_mod.py").write_text(SCHEMA_MODULE)
    (tmp_path / "a.yaml").write_text("epochs: 1\n")
    (tmp_path / "b.yaml").write_text("epochs: 2\n")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def script(folder: Path, shell: str, *argv: str) -> Path:
    result = subprocess.run(
        [sys.executable, "-m", "typed_config", "completion", shell, *argv],
        cwd=folder,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    path = folder / f"completion.{shell}"
    path.write_text(result.stdout)
    return path


BASH_DRIVER = """
source "$1"; shift
complete -p "$1" >/dev/null || { echo "not registered" >&2; exit 3; }
spec=$(complete -p "$1"); function=${spec#*-F }; function=${function%% *}
COMP_WORDS=("$@"); COMP_CWORD=$(( $# - 1 ))
"$function"
printf '%s\\n' "${COMPREPLY[@]}"
"""


def bash(path: Path, *words: str) -> list[str]:
    result = subprocess.run(
        [BASH, "--norc", "--noprofile", "-c", BASH_DRIVER, "bash", str(path), *words],
        capture_output=True,
        text=True,
        check=False,
        cwd=path.parent,
    )
    assert result.returncode == 0, result.stderr
    return sorted(line for line in result.stdout.splitlines() if line)


def test_bash_completes_options_values_and_files(folder: Path) -> None:
    path = script(folder, "bash", "--schema", "schema_mod:HParams", "--prog", "train.py")
    assert bash(path, "train.py", "--opt") == ["--optimizer.lr", "--optimizer.name"]
    assert bash(path, "train.py", "--") == sorted(
        [
            "--help",
            "--configs",
            "--print-config",
            "--epochs",
            "--batch-size",
            "--use-amp",
            "--no-use-amp",
            "--color",
            "--out",
            "--optimizer.name",
            "--optimizer.lr",
            "--mode",
        ]
    )
    assert bash(path, "train.py", "--optimizer.name", "") == ["adam", "sgd"]
    assert bash(path, "train.py", "--optimizer.name", "=", "") == ["adam", "sgd"]  # --optimizer.name=
    assert bash(path, "train.py", "--optimizer.name", "=", "s") == ["sgd"]
    assert bash(path, "train.py", "--color", "") == ["green", "red"]
    assert bash(path, "train.py", "--use-amp", "") == ["false", "true"]
    assert bash(path, "train.py", "--use-amp", "--e") == ["--epochs"]
    assert bash(path, "train.py", "--configs", "") == ["a.yaml", "b.yaml", "completion.bash", "schema_mod.py"]
    assert bash(path, "train.py", "--configs", "a.yaml", "b") == ["b.yaml"]  # several files
    assert bash(path, "train.py", "--out", "sch") == ["schema_mod.py"]
    assert bash(path, "train.py", "--epochs", "") == []


def test_values_are_never_run_as_code(folder: Path) -> None:
    path = script(folder, "bash", "--schema", "schema_mod:HParams", "--prog", "train.py")
    assert bash(path, "train.py", "--mode", "") == ["$(touch pwned)", "a b", "it's"]
    assert not (folder / "pwned").exists()


def test_subcommands_complete_their_names_then_their_own_options(folder: Path) -> None:
    path = script(
        folder,
        "bash",
        "--command",
        "fit=schema_mod:HParams",
        "--command",
        "test=schema_mod:Other",
        "--prog",
        "main",
    )
    assert bash(path, "main", "") == ["fit", "test"]
    assert bash(path, "main", "t") == ["test"]
    assert bash(path, "main", "test", "--c") == ["--checkpoint", "--configs"]
    assert bash(path, "main", "fit", "--optimizer.name", "a") == ["adam"]


def test_the_typed_config_command_completes_itself(folder: Path) -> None:
    path = script(folder, "bash")
    commands = bash(path, "typed-config", "")
    assert {"validate", "runs", "diff", "completion", "sweep", "schema"} <= set(commands)
    assert bash(path, "typed-config", "runs", "--format", "") == ["csv", "json", "table"]
    assert bash(path, "typed-config", "completion", "--p") == ["--prog"]
    assert bash(path, "typed-config", "schema", "--output", "a") == ["a.yaml"]
    assert bash(path, "typed-config", "runs", "--project", "") == []
    assert "check" in bash(path, "typed-config", "sweep", "")


def test_a_bad_schema_or_command_is_a_usage_error(folder: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "typed_config", "completion", "bash", "--command", "fit"],
        cwd=folder,
        capture_output=True,
        text=True,
        check=False,
    )
    assert (result.returncode, result.stderr) == (
        2,
        "typed-config: error: --command 'fit': expected NAME=MODULE:CLASS\n",
    )


@pytest.mark.skipif(shutil.which("fish") is None, reason="fish is not installed (.ci/run installs it)")
def test_fish_completes_options_and_values_without_running_them(folder: Path) -> None:
    path = script(folder, "fish", "--schema", "schema_mod:HParams", "--prog", "train.py")

    def fish(line: str) -> list[str]:
        result = subprocess.run(
            [str(shutil.which("fish")), "--no-config", "-c", f"source {path}; complete -C {line!r}"],
            capture_output=True,
            text=True,
            check=False,
            cwd=folder,
        )
        assert result.returncode == 0, result.stderr
        return sorted(entry.split("\t")[0] for entry in result.stdout.splitlines())

    assert fish("train.py --optimizer.n") == ["--optimizer.name"]
    assert fish("train.py --optimizer.name ") == ["adam", "sgd"]
    assert fish("train.py --mode ") == ["$(touch pwned)", "a b", "it's"]
    assert not (folder / "pwned").exists()
    sub = script(folder, "fish", "--command", "fit=schema_mod:HParams", "--command", "test=schema_mod:Other")
    path.write_text(sub.read_text())
    assert fish("train.py ") == ["fit", "test"]
    assert fish("train.py test --c") == ["--checkpoint", "--configs"]


ZSH_DRIVER = """
source "$1"; shift
setopt ksharrays
COMP_WORDS=("$@"); COMP_CWORD=$(( $# - 1 ))
_typed_config_train_py
print -l -- "${COMPREPLY[@]}"
"""


@pytest.mark.skipif(shutil.which("zsh") is None, reason="zsh is not installed (.ci/run installs it)")
def test_zsh_runs_the_same_completion_through_bashcompinit(folder: Path) -> None:
    path = script(folder, "zsh", "--schema", "schema_mod:HParams", "--prog", "train.py")
    result = subprocess.run(
        [
            str(shutil.which("zsh")),
            "-f",
            "-c",
            ZSH_DRIVER,
            "zsh",
            str(path),
            "train.py",
            "--optimizer.name",
            "",
        ],
        capture_output=True,
        text=True,
        check=False,
        cwd=folder,
        env={"HOME": str(folder), "PATH": "/usr/bin:/bin"},
    )
    assert result.returncode == 0, result.stderr
    assert sorted(line for line in result.stdout.splitlines() if line) == ["adam", "sgd"]
