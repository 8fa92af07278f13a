"""Presets inside presets, presets of list items, and _base_ files that switch a group."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Annotated, Any

import pytest
from nested_schema import Adam, Callback, Encoder, Monitor, Sgd, Train

import typed_config as tc


def _write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)


@pytest.fixture
def here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    _write(
        tmp_path,
        {
            "presets/model/big.yaml": "size: 3\nencoder: wide\n",
            "presets/model/tuned.yaml": "encoder:\n  _preset_: wide\n  depth: 5\n",
            "presets/model/broken.yaml": "encoder: wdie\n",
            "presets/model/encoder/wide.yaml": "width: 64\ndepth: 4\n",
            "presets/model/encoder/bad.yaml": "width: many\n",
            "presets/model.head/tall.yaml": "units: 16\n",
            "presets/callbacks/early_stop.yaml": "name: early\npatience: 3\nmonitor: accuracy\n",
            "presets/callbacks/checkpoint.yaml": "name: ckpt\n",
            "presets/callbacks/bad.yaml": "name: worse\npatience: -1\n",
            "presets/callbacks/monitor/accuracy.yaml": "metric: acc\nmode: max\n",
            "presets/callbacks/monitor/odd.yaml": "metric: x\nmode: sideways\n",
        },
    )
    return tmp_path


def _errors(argv: list[str], *files: str) -> list[str]:
    with pytest.raises(tc.ConfigError) as info:
        tc.load(Train, *files, overrides=argv)
    return str(info.value).splitlines()


# -- presets inside presets ---------------------------------------------------------------------


def test_a_preset_chooses_a_preset_of_a_nested_group(here: Path) -> None:
    cfg = tc.load(Train, overrides=["--model=big"])
    assert (cfg.model.size, cfg.model.encoder) == (3, Encoder(width=64, depth=4))
    cfg = tc.load(Train, overrides=["--model=tuned"])
    assert cfg.model.encoder == Encoder(width=64, depth=5)  # the preset's own key wins over its sub-preset
    cfg = tc.load(Train, overrides=["--model=big", "--model.encoder.depth=9", "--model.head=tall"])
    assert (cfg.model.encoder, cfg.model.head.units) == (Encoder(width=64, depth=9), 16)


def test_a_python_preset_chooses_a_preset_of_a_nested_group(here: Path) -> None:
    presets = {
        "model": {"small": {"size": 2, "encoder": "thin"}},
        "model.encoder": {"thin": Encoder(width=2)},
    }
    cfg = tc.load(Train, overrides=["--model=small"], presets=presets)
    assert (cfg.model.size, cfg.model.encoder) == (2, Encoder(width=2))


def test_errors_in_a_nested_preset_name_its_file_and_the_full_key(here: Path) -> None:
    assert _errors(["--model=broken"]) == [
        "presets/model/broken.yaml:1:10: model.encoder: no preset named 'wdie'; did you mean 'wide'?"
    ]
    _write(here, {"presets/model/uses_bad.yaml": "encoder: bad\n"})
    assert _errors(["--model=uses_bad"]) == [
        "presets/model/encoder/bad.yaml:1:8: model.encoder.width: Input should be a valid integer (got 'many')"
    ]


def test_explain_names_the_nested_preset_and_the_preset_that_chose_it(here: Path) -> None:
    run = tc.init(Train, argv=["--model=big"], dir=None)
    assert str(run.explain("model.encoder.width")).splitlines() == [
        "model.encoder.width = 64",
        "  schema default: 8",
        "  presets/model/encoder/wide.yaml:1:8: 64 (preset 'wide' chosen by presets/model/big.yaml:2:10)",
    ]


def test_a_cycle_of_presets_is_refused_naming_each_link(here: Path) -> None:
    # presets/model/head is presets/model: loop.yaml, chosen for model, chooses itself for model.head
    os.symlink(here / "presets/model", here / "presets/model/head", target_is_directory=True)
    (here / "presets/model/loop.yaml").write_text("size: 2\nhead: loop\n")
    assert _errors(["--model=loop"]) == [
        "presets/model/loop.yaml:2:7: model.head: presets form a cycle: "
        "presets/model/loop.yaml:2:7 -> back to presets/model/loop.yaml"
    ]


# -- presets of list items ----------------------------------------------------------------------


def test_list_items_choose_presets_which_choose_presets(here: Path) -> None:
    cfg = tc.load(Train, overrides=["--callbacks=[checkpoint, early_stop]"])
    assert cfg.callbacks == [
        Callback(name="ckpt"),
        Callback(name="early", patience=3, monitor=Monitor(metric="acc", mode="max")),
    ]
    (here / "exp.yaml").write_text("callbacks:\n  - early_stop\n  - name: inline\n    monitor: accuracy\n")
    assert tc.load(Train, "exp.yaml").callbacks[1] == Callback(
        name="inline", monitor=Monitor(metric="acc", mode="max")
    )
    (here / "own.yaml").write_text(
        "callbacks:\n  - _preset_: early_stop\n    patience: 9\n    monitor: {mode: min}\n"
    )
    own = tc.load(Train, "own.yaml").callbacks  # the item's own keys win over its preset
    assert own == [Callback(name="early", patience=9, monitor=Monitor(metric="acc", mode="min"))]


def test_errors_in_a_list_items_preset_name_the_file_and_the_index(here: Path) -> None:
    assert _errors(["--callbacks=[checkpoint, bad]"]) == [
        "presets/callbacks/bad.yaml:2:11: callbacks[1].patience: Input should be greater than or equal to 0 (got -1)"
    ]
    _write(here, {"presets/callbacks/watch.yaml": "monitor: odd\n"})
    assert _errors(["--callbacks=[watch]"]) == [
        "presets/callbacks/monitor/odd.yaml:2:7: callbacks[0].monitor.mode: Input should be 'min' or 'max' (got 'sideways')"
    ]
    _write(here, {"presets/callbacks/extra.yaml": "name: x\nbogus: 1\n"})
    assert _errors(["--callbacks=[checkpoint, checkpoint, extra]"]) == [
        "presets/callbacks/extra.yaml:2:1: callbacks[2].bogus: unknown key"
    ]


def test_an_unknown_name_in_a_list_is_at_its_item(here: Path) -> None:
    (here / "exp.yaml").write_text("callbacks:\n  - checkpoint\n  - erly_stop\n")
    assert _errors([], "exp.yaml") == [
        "exp.yaml:3:5: callbacks[1]: no preset named 'erly_stop'; did you mean 'early_stop'?"
    ]
    _write(here, {"presets/callbacks/typo.yaml": "monitor: acuracy\n"})
    assert _errors(["--callbacks=[typo]"]) == [
        "presets/callbacks/typo.yaml:1:10: callbacks[0].monitor: no preset named 'acuracy'; did you mean 'accuracy'?"
    ]
    assert _errors(["--callbacks=[chekpoint]"]) == [
        "--callbacks=[chekpoint]: callbacks[0]: no preset named 'chekpoint'; did you mean 'checkpoint'?"
    ]


def test_explain_of_a_list_items_preset_value(here: Path) -> None:
    run = tc.init(Train, argv=["--callbacks=[checkpoint, early_stop]"], dir=None)
    assert (
        str(run.explain("callbacks"))
        .splitlines()[-1]
        .strip()
        .startswith("--callbacks=[checkpoint, early_stop]: ")
    )
    for key in ("callbacks.1.patience", "callbacks[1].patience"):
        assert str(run.explain(key)).splitlines() == [
            f"{key} = 3",
            "  presets/callbacks/early_stop.yaml:2:11: 3 (preset 'early_stop' chosen by --callbacks=[checkpoint, early_stop])",
        ]
    assert str(run.explain("callbacks.1.monitor.metric")).splitlines()[-1] == (
        "  presets/callbacks/monitor/accuracy.yaml:1:9: \"acc\" (preset 'accuracy' chosen by presets/callbacks/early_stop.yaml:3:10)"
    )
    with pytest.raises(KeyError):
        run.explain("callbacks.2.patience")


# -- _base_ files that switch a group -----------------------------------------------------------


def test_a_file_switching_the_union_its_base_set_drops_the_bases_keys(here: Path) -> None:
    _write(
        here,
        {
            "base.yaml": "epochs: 7\nopt:\n  kind: adam\n  beta1: 0.5\n",
            "same.yaml": "_base_: base.yaml\nopt:\n  kind: adam\n",
            "other.yaml": "_base_: base.yaml\nopt:\n  kind: sgd\n  momentum: 0.25\n",
            "untagged.yaml": "_base_: base.yaml\nopt:\n  beta1: 0.75\n",
        },
    )
    assert tc.load(Train, "same.yaml").opt == Adam(beta1=0.5)
    cfg = tc.load(Train, "other.yaml")
    assert (cfg.epochs, cfg.opt) == (7, Sgd(momentum=0.25))
    assert tc.load(Train, "untagged.yaml").opt == Adam(beta1=0.75)
    assert tc.load(Train, "other.yaml", presets=None).opt == Sgd(momentum=0.25)


def test_a_file_choosing_another_preset_than_its_base_drops_the_bases_keys(here: Path) -> None:
    _write(
        here,
        {
            "base.yaml": "model:\n  size: 5\n  encoder:\n    width: 3\n",
            "big.yaml": "_base_: base.yaml\nmodel: big\n",
            "chosen.yaml": "model: big\n",
            "tuned.yaml": "_base_: chosen.yaml\nmodel:\n  size: 6\n",
            "again.yaml": "_base_: chosen.yaml\nmodel:\n  encoder: wdie\n",
        },
    )
    cfg = tc.load(Train, "big.yaml")
    assert (cfg.model.size, cfg.model.encoder) == (3, Encoder(width=64, depth=4))
    cfg = tc.load(Train, "tuned.yaml")  # the base's preset, then the file's keys over it
    assert (cfg.model.size, cfg.model.encoder) == (6, Encoder(width=64, depth=4))
    assert _errors([], "again.yaml") == [
        "again.yaml:3:12: model.encoder: no preset named 'wdie'; did you mean 'wide'?"
    ]
    (here / "lower.yaml").write_text("model:\n  head:\n    units: 9\n")
    cfg = tc.load(Train, "lower.yaml", "tuned.yaml")  # the base's choice replaces what lower files set
    assert cfg.model.head.units == 4


# -- the command line, in a real process --------------------------------------------------------


def test_the_command_expands_nested_and_list_presets(here: Path) -> None:
    (here / "exp.yaml").write_text("model: big\ncallbacks: [early_stop, bad]\n")
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).parent)}
    command = [
        sys.executable,
        "-m",
        "typed_config",
        "validate",
        "--schema",
        "nested_schema:Train",
        "exp.yaml",
    ]
    proc = subprocess.run(command, capture_output=True, text=True, check=False, env=env)
    assert proc.returncode == 1
    assert proc.stderr.strip() == (
        "presets/callbacks/bad.yaml:2:11: callbacks[1].patience: Input should be greater than or equal to 0 (got -1)"
    )
    (here / "exp.yaml").write_text("model: big\ncallbacks: [early_stop]\n")
    command = [sys.executable, "-m", "typed_config", "flatten", "--schema", "nested_schema:Train", "exp.yaml"]
    proc = subprocess.run(command, capture_output=True, text=True, check=False, env=env)
    assert proc.returncode == 0, proc.stderr
    assert '"model.encoder.width": 64' in proc.stdout
    assert '"metric": "acc"' in proc.stdout


# -- a preset file with its own _base_ ----------------------------------------------------------


def test_a_presets_own_bases_merge_by_the_schemas_rules(here: Path) -> None:
    _write(
        here,
        {
            "presets/opt/adam_half.yaml": "kind: adam\nbeta1: 0.5\n",
            "presets/opt/to_sgd.yaml": "_base_: adam_half.yaml\nkind: sgd\nmomentum: 0.25\n",
            "presets/model/bigger.yaml": "_base_: big.yaml\nsize: 7\nencoder:\n  depth: 6\n",
            "presets/callbacks/early_min.yaml": "_base_: early_stop.yaml\nmonitor: {mode: min}\n",
        },
    )
    assert tc.load(Train, overrides=["--opt=to_sgd"]).opt == Sgd(momentum=0.25)  # adam's beta1 dropped
    cfg = tc.load(Train, overrides=["--model=bigger"])  # the base's encoder preset, refined by the file
    assert (cfg.model.size, cfg.model.encoder) == (7, Encoder(width=64, depth=6))
    cfg = tc.load(Train, overrides=["--callbacks=[checkpoint, early_min]"])
    assert cfg.callbacks[1] == Callback(name="early", patience=3, monitor=Monitor(metric="acc", mode="min"))
    _write(here, {"presets/model/wrong.yaml": "_base_: big.yaml\nencoder:\n  depth: deep\n"})
    assert _errors(["--model=wrong"]) == [
        "presets/model/wrong.yaml:3:10: model.encoder.depth: Input should be a valid integer (got 'deep')"
    ]


def test_presets_choosing_presets_stop_at_the_depth_bound(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Root.n.n...n: 17 nested groups; the preset of each chooses the one of the group below it.
    levels = 17
    classes = ["class L17(tc.HyperParams):\n    v: int = 0\n"]
    classes += [
        f"class L{k}(tc.HyperParams):\n    v: int = 0\n    n: L{k + 1} = tc.Field(default_factory=L{k + 1})\n"
        for k in range(levels - 1, 0, -1)
    ]
    classes.append("class Root(tc.HyperParams):\n    n: L1 = tc.Field(default_factory=L1)\n")
    (tmp_path / "deep_schema.py").write_text("import typed_config as tc\n\n\n" + "\n\n".join(classes))
    for k in range(1, levels + 1):
        chooses = "n: p\n" if k < levels else ""
        _write(tmp_path, {f"presets/{'.'.join(['n'] * k)}/p.yaml": f"v: {k}\n{chooses}"})
    monkeypatch.chdir(tmp_path)
    monkeypatch.syspath_prepend(str(tmp_path))
    from deep_schema import Root  # type: ignore[import-not-found]

    cfg = tc.load(Root, overrides=["--n.n=p"])  # 16 presets deep: the bound itself is allowed
    node: Any = cfg
    for _ in range(levels):
        node = node.n
    assert node.v == levels
    with pytest.raises(tc.ConfigError) as info:
        tc.load(Root, overrides=["--n=p"])
    (problem,) = info.value.problems
    deepest = ".".join(["n"] * (levels - 1))
    assert problem.key == ".".join(["n"] * levels)
    assert str(problem.origin) == f"presets/{deepest}/p.yaml:2:4"
    links = " -> ".join(f"presets/{'.'.join(['n'] * k)}/p.yaml:2:4" for k in range(1, levels))
    assert problem.message == f"presets nested deeper than 16: --n=p -> {links}"


class Step(tc.HyperParams):
    opt: Annotated[Adam | Sgd, tc.Field(discriminator="kind")] = tc.Field(default_factory=Adam)


class Plan(tc.HyperParams):
    steps: list[Step] = tc.Field(default_factory=list[Step])


def test_a_list_items_keys_and_bases_switch_a_union_its_preset_set(here: Path) -> None:
    _write(
        here,
        {
            "presets/steps/adam_half.yaml": "opt: {kind: adam, beta1: 0.5}\n",
            "presets/steps/to_sgd.yaml": "_base_: adam_half.yaml\nopt: {kind: sgd}\n",
        },
    )
    items = "--steps=[{_preset_: adam_half, opt: {kind: sgd, momentum: 0.5}}, to_sgd, {_preset_: adam_half, opt: {beta1: 0.7}}]"
    assert tc.load(Plan, overrides=[items]).steps == [
        Step(opt=Sgd(momentum=0.5)),
        Step(opt=Sgd()),
        Step(opt=Adam(beta1=0.7)),  # the same variant keeps the preset's keys
    ]
