"""A training script's ``--help`` tells the truth: effective defaults with their origin, constraints, variants."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

import typed_config as tc

SCRIPT = '''
from typing import Annotated, Literal

import typed_config as tc


class Adam(tc.HyperParams):
    """Adam."""

    name: Literal["adam"] = "adam"
    beta1: float = tc.Field(default=0.9, gt=0, lt=1)


class Sgd(tc.HyperParams):
    name: Literal["sgd"] = "sgd"
    momentum: float = 0.0
    """Heavy-ball momentum."""


class HParams(tc.HyperParams):
    epochs: int = tc.Field(default=100, ge=1)
    """How many passes over the data."""
    lr: float = tc.Field(default=0.1, description="Learning rate", gt=0)
    tags: list[str] = tc.Field(default_factory=list[str], min_length=0, max_length=4)
    optimizer: Annotated[Adam | Sgd, tc.Field(discriminator="name")] = tc.Field(default_factory=Adam)


tc.init(HParams, dir=None, env_prefix="TRAIN_", env_file=".env")
'''


@pytest.fixture
def script(tmp_path: Path) -> Path:
    (tmp_path / "train.py").write_text(SCRIPT)
    (tmp_path / "config-defaults.yaml").write_text("# defaults\nepochs:\n  desc: d\n  value: 7\n")
    (tmp_path / "fast.yaml").write_text("lr: 0.5\n")
    (tmp_path / ".env").write_text("TRAIN_TAGS=[a, b]\n")
    return tmp_path


def run(folder: Path, *argv: str) -> subprocess.CompletedProcess[str]:
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(Path(tc.__file__).parent.parent)}
    return subprocess.run(
        [sys.executable, "train.py", *argv], cwd=folder, capture_output=True, text=True, check=False, env=env
    )


def test_help_shows_effective_defaults_with_their_origin(script: Path) -> None:
    result = run(script, "--configs", "fast.yaml", "--help")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert (
        "  --epochs INT                How many passes over the data. [>= 1] "
        "(default: 7, from config-defaults.yaml:4:10)"
    ) in lines
    assert "  --lr FLOAT                  Learning rate [> 0] (default: 0.5, from fast.yaml:1:5)" in lines
    assert (
        '  --tags STR [STR ...]        [length >= 0, length <= 4] (default: ["a", "b"], from .env:1:12)'
        in lines
    )


def test_help_lists_each_variant_of_a_union_with_its_options(script: Path) -> None:
    out = run(script, "--help").stdout
    assert "optimizer (Adam, with --optimizer.name=adam):\n" in out
    assert "  --optimizer.beta1 FLOAT     [0 < x < 1] (default: 0.9)\n" in out
    assert "optimizer (Sgd, with --optimizer.name=sgd):\n" in out
    assert "  --optimizer.momentum FLOAT  Heavy-ball momentum. (default: 0.0)\n" in out
    assert "  --epochs INT                How many passes over the data. [>= 1] (default: 100)" not in out


def test_help_works_when_a_source_cannot_be_read(script: Path) -> None:
    (script / "config-defaults.yaml").write_text("epochs: [unclosed\n")
    result = run(script, "--help")
    assert result.returncode == 0
    assert (
        "  --epochs INT                How many passes over the data. [>= 1] (default: 100)" in result.stdout
    )


@pytest.mark.parametrize(
    ("typo", "suggestion"),
    [("--config", "--configs"), ("--hlep", "--help"), ("--print-confg", "--print-config")],
)
def test_did_you_mean_knows_the_built_in_options(script: Path, typo: str, suggestion: str) -> None:
    result = run(script, typo, "x.yaml")
    assert result.returncode == 1
    assert f"{typo}: unknown option; did you mean '{suggestion}'?" in result.stderr


def test_attribute_docstrings_are_descriptions() -> None:
    class Documented(tc.HyperParams):
        epochs: int = 3
        """Passes over the data."""

    assert Documented.model_fields["epochs"].description == "Passes over the data."
    assert "desc: Passes over the data." in tc.dump_defaults(Documented)
