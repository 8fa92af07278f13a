"""``sweep expand`` gives the configs runs really get: union variants, the defaults file, ``--out`` files.

The configs a sweep expands to are checked against what ``tc.init`` gives a training script run
in a real subprocess, beside the same ``config-defaults.yaml``.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from typed_config import sweep
from typed_config._schema.ref import resolve_schema

DATA = Path(__file__).parent / "data" / "sweeps"
HParams: Any = resolve_schema(f"{DATA / 'schema.py'}:HParams")
Tagged: Any = resolve_schema(f"{DATA / 'schema.py'}:Tagged")

UNION_GRID = {
    "method": "grid",
    "parameters": {
        "optimizer.name": {"values": ["adam", "sgd"]},
        "optimizer.momentum": {"values": [0.5, 0.25]},  # only sgd has momentum; its default is 0.9
    },
}


# --- a field of one variant of a discriminated union ----------------------------------------------


def test_check_accepts_a_field_of_a_variant_other_than_the_default() -> None:
    assert sweep.check(Tagged, UNION_GRID) == []


def test_check_validates_such_a_field_as_its_variant_does(tmp_path: Path) -> None:
    file = tmp_path / "sweep.yaml"
    file.write_text(
        "method: grid\nparameters:\n  optimizer.name: {values: [adam, sgd]}\n"
        "  optimizer.momentum: {values: [0.5, 1.5]}\n  optimizer.betas: {value: 2}\n"
    )
    assert [str(p) for p in sweep.check(Tagged, file)] == [
        f"{file}:4:38: optimizer.momentum: Input should be less than 1 (got 1.5)",
        f"{file}:5:3: optimizer.betas: unknown parameter; did you mean 'optimizer.name'?",
    ]


def test_a_field_of_a_variant_the_sweep_never_chooses_is_a_problem() -> None:
    never = {
        "method": "grid",
        "parameters": {"optimizer.name": {"value": "adam"}, "optimizer.momentum": {"value": 0.5}},
    }
    assert [str(p) for p in sweep.check(Tagged, never)] == [
        "sweep['parameters']['optimizer.momentum']: optimizer.momentum: "
        "no optimizer this sweep chooses (name: ['adam']) has this field"
    ]


def test_expand_gives_each_config_only_the_fields_of_the_variant_it_chose() -> None:
    configs = [c.to_flat() for c in sweep.expand(Tagged, UNION_GRID, defaults=None)]
    # wandb's order: optimizer.momentum sorts before optimizer.name, so it varies slowest.
    assert configs == [
        {"epochs": 10, "optimizer.name": "adam", "optimizer.lr": 0.001},
        {"epochs": 10, "optimizer.name": "sgd", "optimizer.lr": 0.01, "optimizer.momentum": 0.5},
        {"epochs": 10, "optimizer.name": "adam", "optimizer.lr": 0.001},
        {"epochs": 10, "optimizer.name": "sgd", "optimizer.lr": 0.01, "optimizer.momentum": 0.25},
    ]


def test_the_variant_may_come_from_the_defaults_file(tmp_path: Path) -> None:
    defaults = tmp_path / "defaults.yaml"
    defaults.write_text("optimizer:\n  value: {name: sgd, lr: 0.05}\n")
    draws = {"method": "random", "parameters": {"optimizer.momentum": {"values": [0.5]}}}
    (config,) = sweep.expand(Tagged, draws, count=1, defaults=defaults)
    assert config.to_flat() == {
        "epochs": 10,
        "optimizer.name": "sgd",
        "optimizer.lr": 0.05,
        "optimizer.momentum": 0.5,
    }


# --- the defaults file, and --out files that train exactly the expanded config --------------------

TRAIN = """\
import json

import typed_config as tc
from schema import HParams

print(json.dumps(tc.init(HParams, dir=None).config.to_flat()))
"""
GRID = """\
method: grid
parameters:
  optimizer.lr: {values: [0.01, 0.001]}
  epochs: {value: 7}
"""


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A training project: its schema, train.py, a config-defaults.yaml and a sweep file."""
    shutil.copy(DATA / "schema.py", tmp_path / "schema.py")
    (tmp_path / "train.py").write_text(TRAIN)
    (tmp_path / "config-defaults.yaml").write_text(
        "batch_size:\n  desc: per device\n  value: 256\noptimizer:\n  value:\n    name: sgd\n    lr: 0.5\n"
    )
    (tmp_path / "other-defaults.yaml").write_text("batch_size:\n  value: 48\n")
    (tmp_path / "sweep.yaml").write_text(GRID)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def run(project: Path, *argv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *argv], cwd=project, capture_output=True, text=True, check=False, timeout=120
    )


def sweep_expand(
    project: Path, *options: str, schema: str = "schema.py:HParams"
) -> subprocess.CompletedProcess[str]:
    """``typed-config sweep expand sweep.yaml --schema <schema> <options>``, in a real process."""
    return run(project, "-m", "typed_config", "sweep", "expand", "sweep.yaml", "--schema", schema, *options)


def expanded(project: Path, *options: str) -> list[dict[str, Any]]:
    result = sweep_expand(project, *options)
    assert (result.returncode, result.stderr) == (0, "")
    return [json.loads(line) for line in result.stdout.splitlines()]


def test_expand_layers_the_defaults_file_of_the_working_directory(project: Path) -> None:
    lines = expanded(project)
    assert [(c["batch_size"], c["optimizer.name"], c["optimizer.lr"], c["epochs"]) for c in lines] == [
        (256, "sgd", 0.01, 7),
        (256, "sgd", 0.001, 7),
    ]
    assert [c.batch_size for c in sweep.expand(HParams, "sweep.yaml")] == [256, 256]  # the API too
    assert [c.batch_size for c in sweep.expand(HParams, "sweep.yaml", defaults=None)] == [32, 32]


def test_defaults_and_no_defaults_choose_the_file(project: Path) -> None:
    assert {c["batch_size"] for c in expanded(project, "--defaults", "other-defaults.yaml")} == {48}
    assert {(c["batch_size"], c["optimizer.name"]) for c in expanded(project, "--no-defaults")} == {
        (32, "adam")
    }
    missing = sweep_expand(project, "--defaults", "nope.yaml")
    assert missing.returncode == 2
    assert "nope.yaml" in missing.stderr
    both = sweep_expand(project, "--defaults", "x", "--no-defaults")
    assert both.returncode == 2


def test_a_bad_defaults_file_is_a_positioned_problem(project: Path) -> None:
    (project / "config-defaults.yaml").write_text("batch_size:\n  value: many\n")
    result = sweep_expand(project)
    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr.startswith("config-defaults.yaml:2:10: batch_size: Input should be a valid integer")


def test_out_files_hold_the_swept_keys_and_train_exactly_the_expanded_config(project: Path) -> None:
    lines = expanded(project)
    assert sweep_expand(project, "--out", "configs").returncode == 0
    first = (project / "configs" / "config-0001.yaml").read_text()
    assert first.splitlines()[1:] == ["epochs:", "  value: 7", "optimizer:", "  value:", "    lr: 0.01"]
    for number, line in enumerate(lines, 1):
        trained = run(project, "train.py", "--configs", f"configs/config-{number:04d}.yaml")
        assert trained.returncode == 0, trained.stderr
        assert json.loads(trained.stdout) == line


def test_out_files_of_a_union_sweep_leave_out_the_other_variants_fields(project: Path) -> None:
    (project / "config-defaults.yaml").unlink()
    (project / "sweep.yaml").write_text(
        "method: grid\nparameters:\n  optimizer.name: {values: [adam, sgd]}\n  optimizer.momentum: {values: [0.5, 0.25]}\n"
    )
    result = sweep_expand(project, "--out", "configs", schema="schema.py:Tagged")
    assert result.returncode == 0, result.stderr
    texts = [(project / "configs" / f"config-000{n}.yaml").read_text().splitlines()[1:] for n in (1, 2)]
    assert texts == [
        ["optimizer:", "  value:", "    name: adam"],
        ["optimizer:", "  value:", "    momentum: 0.5", "    name: sgd"],
    ]
