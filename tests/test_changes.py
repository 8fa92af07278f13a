"""Changing a run's config: update, setdefaults, assignment, allow_val_change, locks, provenance."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import assert_not_default, not_defaults
from schemas import HParams, Optimizer

import typed_config as tc

# What the run below starts from (a defaults file, the command line, init's config), as a file.
STARTED = "epochs: 10\noptimizer: {lr: 0.01}\ndropout: 0.1\n"


@pytest.fixture
def run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tc.Run[HParams]:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "config-defaults.yaml").write_text("epochs:\n  desc: Number of epochs\n  value: 10\n")
    return tc.init(HParams, argv=["--optimizer.lr=0.01"], dir=None, config={"dropout": 0.1})


def lines(info: pytest.ExceptionInfo[tc.ConfigError]) -> list[str]:
    return [f"{p.key}: {p.message}" for p in info.value.problems]


def test_a_key_set_only_by_its_default_is_free_to_set(run: tc.Run[HParams]) -> None:
    run.config.update(not_defaults(HParams, {"dataset": "ab132"}))  # the wandb page's example, another value
    assert run.config.dataset == "ab132"
    assert run.explain("dataset").chain[-1].source == "update"


def test_changing_a_set_value_needs_allow_val_change(run: tc.Run[HParams]) -> None:
    with pytest.raises(tc.ConfigError) as info:
        run.config.update(not_defaults(HParams, {"epochs": 4}, base=STARTED))
    assert lines(info) == [
        "epochs: already set to 10 by config-defaults.yaml:3:10; changing it to 4 needs allow_val_change=True"
    ]
    assert run.config.epochs == 10
    run.config.update({"epochs": 4}, allow_val_change=True)
    assert run.config.epochs == 4


def test_setting_the_same_value_again_is_fine_and_keeps_the_origin(run: tc.Run[HParams]) -> None:
    run.config.update(not_defaults(HParams, {"epochs": 10, "dropout": 0.1}))  # not defaults: set already
    assert str(run.explain("epochs").chain[-1].origin) == "config-defaults.yaml:3:10"


def test_command_line_values_are_locked_even_with_allow_val_change(run: tc.Run[HParams]) -> None:
    assert_not_default(HParams, "optimizer.lr", 0.5, base=STARTED)
    with pytest.raises(tc.ConfigError) as info:
        run.config.update({"optimizer": {"lr": 0.5}}, allow_val_change=True)
    assert lines(info) == [
        "optimizer.lr: is locked: --optimizer.lr=0.01 set it (a command-line or sweep value); code cannot change it"
    ]
    with pytest.raises(tc.ConfigError):
        run.config.optimizer.lr = 0.5
    with pytest.raises(tc.ConfigError):
        run.config["optimizer.lr"] = 0.5
    with pytest.raises(tc.ConfigError):
        run.config.optimizer = Optimizer(lr=0.5)
    assert run.config.optimizer.lr == 0.01
    run.config.update({"optimizer.lr": 0.01})  # the same value is not a change


def test_a_failed_update_changes_nothing(run: tc.Run[HParams]) -> None:
    before = run.config.model_copy(deep=True)
    assert_not_default(HParams, "seed", 3)
    with pytest.raises(tc.ConfigError) as info:
        run.config.update({"seed": 3, "batch_size": "big", "epocs": 1})
    assert lines(info) == [
        "batch_size: Input should be a valid integer (got 'big')",
        "epocs: unknown key; did you mean 'epochs'?",
    ]
    assert run.config == before


def test_update_errors_name_the_code_line(run: tc.Run[HParams]) -> None:
    with pytest.raises(tc.ConfigError) as info:
        run.config.update({"batch_size": "big"})
    origin = str(info.value.problems[0].origin)
    assert origin.startswith("update({...})['batch_size'] at ")
    assert "test_changes.py:" in origin


def test_assignment_is_a_deliberate_change(run: tc.Run[HParams]) -> None:
    not_defaults(HParams, {"epochs": 3, "dropout": 0.2}, base=STARTED)
    run.config.epochs = 3  # set by the defaults file, yet an assignment needs no flag
    run.config["dropout"] = 0.2
    assert (run.config.epochs, run.config.dropout) == (3, 0.2)
    chain = run.explain("epochs").chain
    assert [s.source for s in chain] == ["default", "config-defaults.yaml", "assignment"]
    assert str(chain[-1].origin).startswith("assignment at ")


def test_setdefaults_sets_only_keys_not_set_yet(run: tc.Run[HParams]) -> None:
    run.config.setdefaults(
        not_defaults(HParams, {"epochs": 99, "seed": 7, "optimizer.lr": 0.3}, base=STARTED)
    )
    assert (run.config.epochs, run.config.seed, run.config.optimizer.lr) == (10, 7, 0.01)


def test_nested_objects_keep_their_identity_after_update(run: tc.Run[HParams]) -> None:
    optimizer = run.config.optimizer
    run.config.update(not_defaults(HParams, {"optimizer.name": "sgd"}))
    assert run.config.optimizer is optimizer
    assert optimizer.name == "sgd"


def test_update_takes_a_model_instance_and_its_explicitly_set_fields(run: tc.Run[HParams]) -> None:
    not_defaults(HParams, {"seed": 3, "optimizer.name": "sgd"}, base=STARTED)
    run.config.update(HParams(seed=3, optimizer=Optimizer(name="sgd")))
    assert (run.config.seed, run.config.optimizer.name, run.config.optimizer.lr) == (3, "sgd", 0.01)
    with pytest.raises(tc.ConfigError) as info:
        run.config.update(Optimizer(name="sgd"))  # the wrong level: its keys are not HParams keys
    assert lines(info) == [
        "name: unknown key; take only the config's attributes with include=[...] or leave this one out with exclude=[...]"
    ]
    assert str(info.value.problems[0].origin).startswith("Optimizer field 'name' at ")


def test_update_from_a_file_names_its_lines(run: tc.Run[HParams], tmp_path: Path) -> None:
    (tmp_path / "more.yaml").write_text("seed: 5\nbatch_size: x\n")
    with pytest.raises(tc.ConfigError) as info:
        run.config.update(tmp_path / "more.yaml")
    assert (
        str(info.value)
        == f"{tmp_path / 'more.yaml'}:2:13: batch_size: Input should be a valid integer (got 'x')"
    )
    (tmp_path / "more.yaml").write_text("seed: 5\n")
    assert_not_default(HParams, "seed", 5)
    run.config.update(str(tmp_path / "more.yaml"))
    assert run.config.seed == 5


def test_explain_gives_the_chain_lowest_first(run: tc.Run[HParams]) -> None:
    explanation = run.explain("optimizer.lr")
    assert [(s.source, s.value) for s in explanation.chain] == [("default", 0.001), ("command line", 0.01)]
    assert str(explanation) == "optimizer.lr = 0.01\n  schema default: 0.001\n  --optimizer.lr=0.01: 0.01"
    assert str(run.explain("dropout")).splitlines()[-1] == "  config={...}['dropout']: 0.1"
    with pytest.raises(KeyError):
        run.explain("nope")


def test_a_config_outside_a_run_updates_without_locks() -> None:
    cfg = HParams()
    cfg.update(not_defaults(HParams, {"epochs": 3}))
    cfg.update(not_defaults(HParams, {"epochs": 4}, base="epochs: 3\n"))
    assert cfg.epochs == 4
    with pytest.raises(tc.ConfigError):
        cfg.update({"epochs": "x"})
