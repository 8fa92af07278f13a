"""Example 06 end to end: check the sweep, expand its grid, run two of its configs under offline wandb."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).parent.parent / "examples"


def typed_config(*argv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "typed_config", *argv],
        cwd=EXAMPLES,
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.mark.timeout(180)
def test_the_sweep_is_checked_expanded_and_two_runs_train_under_offline_wandb(tmp_path: Path) -> None:
    pytest.importorskip("wandb")
    checked = typed_config("sweep", "check", "sweep.yaml", "--schema", "hparams.py:HParams")
    assert (checked.returncode, checked.stderr) == (0, "")
    expanded = typed_config(
        "sweep", "expand", "sweep.yaml", "--schema", "hparams.py:HParams", "--format", "jsonl"
    )
    assert expanded.returncode == 0, expanded.stderr
    configs = [json.loads(line) for line in expanded.stdout.splitlines()]
    assert sorted((c["optimizer.name"], c["optimizer.lr"]) for c in configs) == [
        ("adam", 0.001),
        ("adam", 0.01),
        ("sgd", 0.001),
        ("sgd", 0.01),
    ]
    env = {**os.environ, "WANDB_MODE": "offline", "WANDB_SILENT": "true", "WANDB_DIR": str(tmp_path)}
    for config in configs[:2]:
        args = [f"--optimizer.name={config['optimizer.name']}", f"--optimizer.lr={config['optimizer.lr']}"]
        result = subprocess.run(
            [sys.executable, "06_wandb_sweep.py", "--use-wandb", *args],
            cwd=EXAMPLES,
            env=env,
            capture_output=True,
            text=True,
            check=False,
            timeout=120,
        )
        assert result.returncode == 0, result.stderr
        assert f"{config['optimizer.name']} at lr={config['optimizer.lr']}" in result.stdout
    assert len(list((tmp_path / "wandb").glob("offline-run-*"))) == 2
