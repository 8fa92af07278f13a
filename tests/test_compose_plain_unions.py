"""A group typed as a plain union of models tagged by a literal key switches variant like a discriminated one.

Across layers, over a ``_base_`` file, in a preset over its base and on the command line over a
file: keys the lower part set for the old variant are dropped, the same variant keeps them.
Also: a list at the same path in two members of a union, with different item types, is one group.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from nested_schema import Both, Checkpoint, EarlyStop, Monitor, Plain, WithEarly

import typed_config as tc
from typed_config._compose.catalog import groups_of
from typed_config._schema.unions import UNTAGGED, discriminators, merge_switches

TESTS = str(Path(__file__).parent)
FILES = {
    "presets/opt/patient.yaml": "kind: early\npatience: 5\n",
    "presets/opt/ck.yaml": "_base_: patient.yaml\nkind: ckpt\nevery: 3\n",
    "presets/opt/watchful.yaml": "_base_: patient.yaml\nmonitor: {metric: acc}\n",
    "base.yaml": "epochs: 4\nopt: {kind: early, patience: 5}\n",
    "over.yaml": "_base_: base.yaml\nopt: {kind: ckpt, every: 2}\n",
    "same.yaml": "_base_: base.yaml\nopt: {kind: early, monitor: {mode: max}}\n",
    "ck.yaml": "opt: {kind: ckpt}\n",
    "untagged.yaml": "opt: {every: 6}\n",
    "presets/part/hooks/patient.yaml": "kind: early\npatience: 5\n",
    "presets/part/hooks/monitor/accuracy.yaml": "metric: acc\nmode: max\n",
}


@pytest.fixture
def here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    for name, text in FILES.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    return tmp_path


def test_a_later_layer_switches_a_plain_unions_variant(here: Path) -> None:
    config = tc.load(Plain, "base.yaml", "ck.yaml")
    assert (config.epochs, config.opt) == (4, Checkpoint())
    assert tc.load(Plain, "base.yaml", overrides=["--opt.kind=ckpt", "--opt.every=8"]).opt == Checkpoint(
        every=8
    )
    run = tc.init(Plain, argv=["--configs", "base.yaml", "ck.yaml"], dir=None)
    assert run.config.opt == Checkpoint()


def test_a_file_switches_the_variant_its_base_set(here: Path) -> None:
    config = tc.load(Plain, "over.yaml")
    assert (config.epochs, config.opt) == (4, Checkpoint(every=2))


def test_a_preset_switches_the_variant_its_base_set(here: Path) -> None:
    assert tc.load(Plain, overrides=["--opt=ck"]).opt == Checkpoint(every=3)
    assert tc.load(Plain, overrides=["--opt={_preset_: patient, kind: ckpt}"]).opt == Checkpoint()


def test_the_same_variant_keeps_the_lower_keys(here: Path) -> None:
    kept = EarlyStop(patience=5, monitor=Monitor(mode="max"))
    assert tc.load(Plain, "same.yaml").opt == kept
    assert tc.load(Plain, "base.yaml", overrides=["--opt.kind=early", "--opt.monitor.mode=max"]).opt == kept
    assert tc.load(Plain, overrides=["--opt=watchful"]).opt == EarlyStop(
        patience=5, monitor=Monitor(metric="acc")
    )
    assert tc.load(Plain, overrides=["--opt={_preset_: patient, kind: early}"]).opt == EarlyStop(patience=5)


def test_untagged_keys_below_are_not_dropped(here: Path) -> None:
    """Without the tag, which variant keys are for is pydantic's guess: a later tag keeps them."""
    assert tc.load(Plain, "untagged.yaml", overrides=["--opt.kind=ckpt"]).opt == Checkpoint(every=6)


def test_a_key_of_the_old_variant_in_the_switching_layer_is_still_an_error(here: Path) -> None:
    (here / "bad.yaml").write_text("opt: {kind: ckpt, patience: 2}\n")
    with pytest.raises(tc.ConfigError) as info:
        tc.load(Plain, "base.yaml", "bad.yaml")
    assert str(info.value).startswith("bad.yaml:1:")  # the layer that set both, not base.yaml's keys


def test_a_script_switches_a_plain_union_over_its_files(here: Path) -> None:
    (here / "train.py").write_text(
        "import typed_config as tc\nfrom nested_schema import Plain\n\n"
        "run = tc.init(Plain, dir=None)\nprint(repr(run.config.opt))\n"
    )
    env = {**os.environ, "PYTHONPATH": TESTS}
    for args, expected in (
        (["--configs", "base.yaml", "ck.yaml", "--opt.every=7"], Checkpoint(every=7)),
        (["--configs", "over.yaml", "--opt.kind=early"], EarlyStop()),
        (["--configs", "base.yaml", "--opt=ck"], Checkpoint(every=3)),
    ):
        command = [sys.executable, "train.py", *args]
        proc = subprocess.run(command, cwd=here, capture_output=True, text=True, check=False, env=env)
        assert proc.returncode == 0, proc.stderr
        assert proc.stdout == f"{expected!r}\n"


def test_merging_switches_plain_unions_but_discriminators_stay_the_discriminated_ones() -> None:
    assert merge_switches(Plain) == {("opt",): ("kind", UNTAGGED)}
    assert discriminators(Plain) == {}  # default tags and sweeps see only discriminated unions


# -- a list at one path in two members of a union ---------------------------------------------------


def test_a_list_in_two_members_of_a_union_is_one_group_of_both_item_types() -> None:
    found = [(path, kind) for path, kind, _ in groups_of(Both)]
    assert found == [(("part",), "model"), (("part", "hooks"), "list")]


def test_a_list_in_two_members_of_a_union_expands_its_items_once(here: Path) -> None:
    hooks = "--part.hooks=[{_preset_: patient, monitor: accuracy}, patient]"
    expected = EarlyStop(patience=5, monitor=Monitor(metric="acc", mode="max"))
    assert tc.load(Both, overrides=[hooks]).part == WithEarly(hooks=[expected, EarlyStop(patience=5)])
    switched = tc.load(Both, overrides=["--part.kind=ckpt", "--part.hooks=[{_preset_: patient, kind: ckpt}]"])
    assert switched.part.hooks == [Checkpoint()]  # the item's own tag switches from its preset's variant
