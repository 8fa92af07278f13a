"""The development install: type checkers run from the venv see typed_config from any folder.

setuptools' default editable install hides the package behind an import hook that only Python
runs; mypy and pyright read ``sys.path`` entries, so the Makefile installs in ``compat`` mode.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

BIN = Path(sys.executable).parent
SCRIPT = """\
from typing import assert_type

import typed_config as tc


class HParams(tc.HyperParams):
    epochs: int = tc.Field(default=3)


cfg = tc.load(HParams, "config.yaml")
assert_type(cfg, HParams)
assert_type(cfg.epochs, int)
"""


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    """A folder outside the repository holding one script that uses typed_config."""
    (tmp_path / "train.py").write_text(SCRIPT, encoding="utf-8")
    (tmp_path / "pyrightconfig.json").write_text('{"typeCheckingMode": "strict"}', encoding="utf-8")
    return tmp_path


def checked(folder: Path, *command: str) -> str:
    proc = subprocess.run(command, cwd=folder, capture_output=True, text=True, check=False, timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return proc.stdout


@pytest.mark.timeout(150)
def test_mypy_from_the_venv_resolves_typed_config_outside_the_repository(outside: Path) -> None:
    out = checked(outside, str(BIN / "mypy"), "--strict", "--cache-dir", str(outside / ".cache"), "train.py")
    assert out.startswith("Success: no issues found")


@pytest.mark.timeout(150)
def test_pyright_from_the_venv_resolves_typed_config_outside_the_repository(outside: Path) -> None:
    out = checked(outside, str(BIN / "pyright"), "--pythonpath", sys.executable, "train.py")
    assert "0 errors" in out
