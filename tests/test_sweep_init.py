"""``typed-config sweep init``: a wandb sweep file written from a schema's search space, accepted by ``sweep check``."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from typed_config._cli.main import main

PROCS = Path(__file__).parent / "procs"
SCHEMA = "search_schema:SearchParams"

EXPECTED = """\
# A wandb sweep over the search space of SearchParams
program: train.py
method: random
metric:
  name: val_loss
  goal: maximize
parameters:
  dropout:
    distribution: uniform
    min: 0.0
    max: 0.5
  batch_size:
    values:
      - 16
      - 32
      - 64
  model.width:
    values:
"""


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    shutil.copy(PROCS / "search_schema.py", tmp_path)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sys, "path", list(sys.path))
    yield tmp_path
    sys.modules.pop("search_schema", None)


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_init_writes_every_searched_key_and_sweep_check_accepts_it(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(
        capsys, "sweep", "init", "--schema", SCHEMA, "--method", "random", "--metric", "val_loss",
        "--goal", "maximize", "--program", "train.py",
    )  # fmt: skip
    assert (code, err) == (0, "")
    assert out.startswith(EXPECTED)
    sweep = yaml.safe_load(out)  # wandb reads sweep files with PyYAML (YAML 1.1)
    assert sweep["parameters"] == {
        "dropout": {"distribution": "uniform", "min": 0.0, "max": 0.5},
        "batch_size": {"values": [16, 32, 64]},
        "model.width": {"values": list(range(16, 257))},
        "model.depth": {"values": [2, 4, 6, 8]},
        "model.activation": {"values": ["relu", "gelu"]},
        "optimizer.name": {"values": ["adam", "sgd"]},
        "optimizer.lr": {"distribution": "log_uniform_values", "min": 1e-05, "max": 0.1},
        "optimizer.momentum": {"values": [0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9]},
    }
    assert "# wandb has no conditional parameters: optimizer.name chooses the variant" in out
    assert "# also declared for another variant: optimizer[sgd].lr" in out


@pytest.mark.parametrize("method", ["random", "bayes"])
def test_sweep_check_accepts_what_init_writes(
    project: Path, capsys: pytest.CaptureFixture[str], method: str
) -> None:
    schema = "search_schema:AdamParams"
    code, out, _ = run(capsys, "sweep", "init", "--schema", schema, "--method", method, "--metric", "loss")
    assert code == 0
    (project / "sweep.yaml").write_text(out)
    assert run(capsys, "sweep", "check", "sweep.yaml", "--schema", schema) == (0, "sweep.yaml: ok\n", "")


def test_init_writes_a_file_with_out_as_a_real_command(project: Path) -> None:
    command = [sys.executable, "-m", "typed_config", "sweep", "init", "--schema", SCHEMA]
    argv = ["--method", "bayes", "--metric", "loss", "--out", "made.yaml"]
    proc = subprocess.run([*command, *argv], cwd=project, capture_output=True, text=True, check=False)
    assert (proc.returncode, proc.stdout, proc.stderr) == (0, "wrote made.yaml\n", "")
    made = yaml.safe_load((project / "made.yaml").read_text())
    assert (made["method"], made["metric"], made["program"]) == (
        "bayes",
        {"name": "loss", "goal": "minimize"},
        "train.py",
    )


@pytest.mark.parametrize(
    ("schema", "method", "message"),
    [
        (
            SCHEMA,
            "grid",
            "typed-config: error: --method grid: dropout is Uniform(low=0.0, high=0.5, q=None), which has no finite "
            "values; use random or bayes\n",
        ),
        (
            "search_schema:Adam",
            "random",
            "typed-config: error: Adam declares no search space (see typed_config.search)\n",
        ),
    ],
)
def test_a_space_wandb_cannot_hold_is_a_usage_error(
    project: Path, capsys: pytest.CaptureFixture[str], schema: str, method: str, message: str
) -> None:
    (project / "search_schema.py").write_text(
        (project / "search_schema.py")
        .read_text()
        .replace(
            'name: Literal["adam"] = "adam"\n    lr: Annotated[float, search.LogUniform(1e-5, 1e-1)]',
            'name: Literal["adam"] = "adam"\n    lr: float',
        )
    )
    assert run(capsys, "sweep", "init", "--schema", schema, "--method", method, "--metric", "m") == (
        2,
        "",
        message,
    )


def test_init_into_a_symbolic_link_is_a_usage_error_and_writes_nothing(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (project / "elsewhere.yaml").write_text("kept\n", encoding="utf-8")
    (project / "sweep.yaml").symlink_to(project / "elsewhere.yaml")
    code, out, err = run(
        capsys, "sweep", "init", "--schema", SCHEMA, "--method", "random", "--metric", "loss", "--out", "sweep.yaml"
    )  # fmt: skip
    assert (code, out) == (2, "")
    assert err.startswith("typed-config: error: cannot write sweep.yaml: is a symbolic link")
    assert (project / "elsewhere.yaml").read_text(encoding="utf-8") == "kept\n"
