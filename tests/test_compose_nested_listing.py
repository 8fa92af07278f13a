"""``--help`` and ``typed-config schema`` list the presets of nested groups and of list items' groups."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

TESTS = str(Path(__file__).parent)
PRESETS = {
    "presets/model/big.yaml": "size: 3\n",
    "presets/model/encoder/wide.yaml": "width: 64\n",
    "presets/model.encoder/narrow.yaml": "width: 2\n",
    "presets/model/head/tall.yaml": "units: 16\n",
    "presets/callbacks/early_stop.yaml": "name: early\n",
    "presets/callbacks/monitor/accuracy.yaml": "metric: acc\n",
    "presets/callbacks.monitor/loss_min.yaml": "metric: loss\n",
    "presets/opt/fast.yaml": "kind: sgd\n",
}


@pytest.fixture
def here(tmp_path: Path) -> Path:
    for name, text in PRESETS.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    (tmp_path / "train.py").write_text(
        "import typed_config as tc\nfrom nested_schema import Train\n\ntc.init(Train, dir=None)\n"
    )
    return tmp_path


def _run(here: Path, *command: str) -> str:
    env = {**os.environ, "PYTHONPATH": TESTS}
    proc = subprocess.run(command, cwd=here, capture_output=True, text=True, check=False, env=env)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def test_help_lists_nested_groups_and_list_items_groups(here: Path) -> None:
    out = _run(here, sys.executable, "train.py", "--help")
    assert out.endswith(
        "presets (choose one with --GROUP=NAME):\n"
        "  --callbacks '[NAME, ...]'   {early_stop}\n"  # a list of models takes a list of names
        "  --model                     {big}\n"
        "  --model.encoder             {narrow,wide}\n"
        "  --model.head                {tall}\n"
        "  --opt                       {fast}\n"
        "\n"
        "presets inside list items (an item chooses one with KEY: NAME):\n"
        "  callbacks[].monitor         {accuracy,loss_min}\n"
    )


def _enum(node: dict[str, Any]) -> list[str]:
    (named,) = [member["enum"] for member in node["anyOf"] if "enum" in member]
    return list(named)


def test_the_schema_command_offers_nested_and_list_items_preset_names(here: Path) -> None:
    command = [sys.executable, "-m", "typed_config", "schema", "--schema", "nested_schema:Train"]
    found = json.loads(_run(here, *command))
    model = found["properties"]["model"]["anyOf"][1]  # the plain value (not a {desc, value} wrapper)
    assert _enum(model) == ["big"]
    (fields,) = [m for m in model["anyOf"] if "enum" not in m]
    assert fields["properties"]["_preset_"] == {"enum": ["big"]}  # {_preset_: big, size: 4}
    assert _enum(fields["properties"]["encoder"]) == ["narrow", "wide"]
    assert _enum(fields["properties"]["head"]) == ["tall"]
    callbacks = found["properties"]["callbacks"]["anyOf"][1]
    assert callbacks["type"] == "array"
    assert _enum(callbacks["items"]) == ["early_stop"]  # a list of models takes names as items
    (item,) = [m for m in callbacks["items"]["anyOf"] if "enum" not in m]
    assert _enum(item["properties"]["monitor"]) == ["accuracy", "loss_min"]
    assert "enum" not in json.dumps(found["$defs"]["Encoder"])  # the model elsewhere is left as it is


def test_a_nested_name_in_two_formats_is_reported_not_raised(here: Path) -> None:
    (here / "presets/model/encoder/wide.json").write_text('{"width": 3}')
    env = {**os.environ, "PYTHONPATH": TESTS}
    command = [sys.executable, "-m", "typed_config", "schema", "--schema", "nested_schema:Train"]
    proc = subprocess.run(command, cwd=here, capture_output=True, text=True, check=False, env=env)
    assert (proc.returncode, proc.stdout) == (1, "")
    assert (
        proc.stderr
        == "presets/model/encoder: model.encoder: two presets named 'wide': wide.json and wide.yaml\n"
    )
    help_text = _run(here, sys.executable, "train.py", "--help")  # the run itself reports it
    assert "presets (choose one" not in help_text
