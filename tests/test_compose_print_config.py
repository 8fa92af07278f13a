"""`--print-config` prints YAML that `--configs` takes back: the same config, run again from the file alone."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

TRAIN = """
import json, sys
from typing import Annotated, Literal
from pydantic import SecretStr
import typed_config as tc

class Adam(tc.HyperParams):
    kind: Literal["adam"] = "adam"
    lr: float = 1e-3

class Sgd(tc.HyperParams):
    kind: Literal["sgd"] = "sgd"
    momentum: float = 0.0

class Data(tc.HyperParams):
    root: str = "/data"
    cache: str = "/cache"

class Train(tc.HyperParams):
    epochs: int = 10
    warmup: int = 0
    name: str = "run"
    data: Data = tc.Field(default_factory=Data)
    weights: dict[str, float] = tc.Field(default_factory=dict[str, float])
    opt: Annotated[Adam | Sgd, tc.Field(discriminator="kind")] = tc.Field(default_factory=Adam)
    token: SecretStr = SecretStr("")

run = tc.init(Train, dir=None, env_prefix="TRAIN_")
print(json.dumps(run.config.to_flat()))
"""


def run(folder: Path, *argv: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "TRAIN_TOKEN": "s3cret"}
    return subprocess.run(
        [sys.executable, "train.py", *argv], cwd=folder, capture_output=True, text=True, check=False, env=env
    )


def test_the_printed_config_reproduces_the_run(tmp_path: Path) -> None:
    (tmp_path / "train.py").write_text(TRAIN)
    (tmp_path / "presets" / "opt").mkdir(parents=True)
    (tmp_path / "presets" / "opt" / "heavy.yaml").write_text("kind: sgd\nmomentum: 0.875\n")
    (tmp_path / "config-defaults.yaml").write_text(
        "_base_: base.yaml\nwarmup: ${epochs}\nname: e${epochs}-\\${literal}\n"
    )
    (tmp_path / "base.yaml").write_text("data:\n  cache: ${data.root}/cache\n")
    argv = ["--epochs=3", "--data.root=/scratch", "--opt=heavy", "--weights={a: 0.5, b: 2}"]
    printed = run(tmp_path, *argv, "--print-config")
    assert printed.returncode == 0, printed.stderr
    assert "s3cret" not in printed.stdout
    assert printed.stdout.startswith(
        "# token: a secret, not printed; pass it with --token=... or an environment"
    )
    data = "data:\n  root: /scratch  # --data.root=/scratch\n  cache: /scratch/cache  # base.yaml:2:10\n"
    assert data in printed.stdout
    (tmp_path / "printed.yaml").write_text(printed.stdout)
    first = run(tmp_path, *argv)
    (tmp_path / "config-defaults.yaml").unlink()
    again = run(tmp_path, "--configs", "printed.yaml")
    assert first.returncode == again.returncode == 0, again.stderr
    flat = json.loads(again.stdout)
    assert flat == json.loads(first.stdout)
    assert (flat["warmup"], flat["name"], flat["opt.momentum"]) == (3, "e3-${literal}", 0.875)
