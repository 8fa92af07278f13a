"""List items and groups whose type is a union of models: a variant switch drops the preset's keys; schema and --help."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Annotated, Any

import pytest
from nested_schema import Checkpoint, EarlyStop, Hook, Loop, Monitor

import typed_config as tc

TESTS = str(Path(__file__).parent)
GROUPS = ("hooks", "plain")  # a list of a discriminated union's items, and of a plain union's


@pytest.fixture
def here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    files = {"presets/stop/every4.yaml": "kind: ckpt\nevery: 4\n"}
    for group in GROUPS:
        files |= {
            f"presets/{group}/patient.yaml": "kind: early\npatience: 5\n",
            f"presets/{group}/every3.yaml": "_base_: patient.yaml\nkind: ckpt\nevery: 3\n",
            f"presets/{group}/watchful.yaml": "_base_: patient.yaml\nmonitor: accuracy\n",
            f"presets/{group}/monitor/accuracy.yaml": "metric: acc\nmode: max\n",
        }
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    (tmp_path / "train.py").write_text(
        "import typed_config as tc\nfrom nested_schema import Loop\n\n"
        "run = tc.init(Loop, dir=None)\nprint(run.config.hooks)\n"
    )
    return tmp_path


ITEMS = (
    "[{_preset_: patient, kind: ckpt, every: 2}, every3, {_preset_: patient, patience: 7},"
    " watchful, {_preset_: patient, kind: early}]"
)
EXPECTED = [
    Checkpoint(every=2),  # the item's own tag switches: the preset's patience is dropped
    Checkpoint(every=3),  # the preset's own file switches its base's variant
    EarlyStop(patience=7),  # the same variant keeps the preset's keys
    EarlyStop(patience=5, monitor=Monitor(metric="acc", mode="max")),  # a base keeps them too
    EarlyStop(patience=5),  # the preset's tag given again is the same variant
]


@pytest.mark.parametrize("group", GROUPS)
def test_a_union_items_keys_and_its_presets_bases_switch_the_variant(here: Path, group: str) -> None:
    assert getattr(tc.load(Loop, overrides=[f"--{group}={ITEMS}"]), group) == EXPECTED
    (here / "exp.yaml").write_text(f"{group}:\n  - _preset_: every3\n    kind: early\n  - every3\n")
    assert getattr(tc.load(Loop, "exp.yaml"), group) == [EarlyStop(), Checkpoint(every=3)]


class Noted(tc.HyperParams):
    hooks: list[Annotated[Hook, {"note": "metadata that cannot be hashed"}]] = tc.Field(default_factory=list)


def test_an_item_type_whose_metadata_cannot_be_hashed_takes_presets(here: Path) -> None:
    assert tc.load(Noted, overrides=[f"--hooks={ITEMS}"]).hooks == EXPECTED


def test_a_key_of_the_old_variant_set_by_the_item_itself_is_still_an_error_at_the_item(here: Path) -> None:
    with pytest.raises(tc.ConfigError) as info:
        tc.load(Loop, overrides=["--hooks=[{_preset_: patient, kind: ckpt, patience: 2}]"])
    assert str(info.value) == (
        "--hooks=[{_preset_: patient, kind: ckpt, patience: 2}]: hooks[0].patience: unknown key"
    )


def test_a_script_switches_a_union_items_preset_variant(here: Path) -> None:
    env = {**os.environ, "PYTHONPATH": TESTS}
    command = [sys.executable, "train.py", f"--hooks={ITEMS}"]
    proc = subprocess.run(command, cwd=here, capture_output=True, text=True, check=False, env=env)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == f"{EXPECTED!r}\n"


# -- typed-config schema and --help ---------------------------------------------------------------


def _run(here: Path, *command: str) -> str:
    env = {**os.environ, "PYTHONPATH": TESTS}
    proc = subprocess.run(command, cwd=here, capture_output=True, text=True, check=False, env=env)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def _offered(node: dict[str, Any]) -> tuple[list[str], list[dict[str, Any]]]:
    """A group's preset names, and its union's members (``_preset_`` among their keys)."""
    (names,) = [member["enum"] for member in node["anyOf"] if "enum" in member]
    (union,) = [member for member in node["anyOf"] if "enum" not in member]
    assert "oneOf" not in union
    assert "discriminator" not in union
    return names, union["anyOf"]


def test_the_schema_command_offers_preset_on_a_unions_members(here: Path) -> None:
    command = [sys.executable, "-m", "typed_config", "schema", "--schema", "nested_schema:Loop"]
    found = json.loads(_run(here, *command))
    for group in GROUPS:
        items = found["properties"][group]["anyOf"][1]["items"]
        names, members = _offered(items)
        assert names == ["every3", "patient", "watchful"]
        assert [m["title"] for m in members] == ["EarlyStop", "Checkpoint"]
        for member in members:
            assert member["properties"]["_preset_"] == {"enum": names}  # {_preset_: patient, kind: ckpt}
        monitor = members[0]["properties"]["monitor"]  # a model reached through a member: its group too
        assert [m["enum"] for m in monitor["anyOf"] if "enum" in m] == [["accuracy"]]
    names, members = _offered(found["properties"]["stop"]["anyOf"][1])
    assert names == ["every4"]
    assert [m["properties"]["_preset_"] for m in members] == [{"enum": ["every4"]}] * 2
    assert "_preset_" not in json.dumps(found["$defs"])  # the models elsewhere are left as they are


def test_help_shows_a_list_group_as_a_list_of_names(here: Path) -> None:
    (here / "train.py").write_text(
        "import typed_config as tc\nfrom nested_schema import Loop\n\ntc.init(Loop, dir=None)\n"
    )
    out = _run(here, sys.executable, "train.py", "--help")
    assert out.endswith(
        "presets (choose one with --GROUP=NAME):\n"
        "  --hooks '[NAME, ...]'       {every3,patient,watchful}\n"
        "  --plain '[NAME, ...]'       {every3,patient,watchful}\n"
        "  --stop                      {every4}\n"
        "\n"
        "presets inside list items (an item chooses one with KEY: NAME):\n"
        "  hooks[].monitor             {accuracy}\n"
        "  plain[].monitor             {accuracy}\n"
    )
