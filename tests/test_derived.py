"""Frozen fields are set by sources only; computed fields are written out, never read in."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from pydantic import ConfigDict, computed_field

import typed_config as tc
from typed_config.wandb import from_wandb, to_wandb


class Data(tc.HyperParams):
    model_config = ConfigDict(frozen=True)
    name: str = "mnist"
    shards: int = 1


class Frozen(tc.HyperParams):
    seed: int = tc.Field(default=0, frozen=True)
    epochs: int = 1
    lr: float = 0.1
    data: Data = Data()


def _frozen_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tc.Run[Frozen]:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "config-defaults.yaml").write_text("seed:\n  value: 7\n")
    (tmp_path / "more.yaml").write_text("data:\n  name: cifar\n")
    monkeypatch.setenv("TRAIN_DATA__SHARDS", "4")
    return tc.init(
        Frozen,
        argv=["--configs", "more.yaml", "--epochs=3"],
        dir=None,
        env_prefix="TRAIN_",
        config={"epochs": 2},
    )


def test_sources_set_frozen_values_before_the_config_exists(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cfg = _frozen_run(tmp_path, monkeypatch).config
    assert (cfg.seed, cfg.epochs, cfg.data.name, cfg.data.shards) == (7, 3, "cifar", 4)
    assert tc.load(Frozen, overrides=["--seed=5", "--data.shards=2"]).data.shards == 2


@pytest.mark.parametrize(
    ("change", "key"),
    [
        pytest.param(lambda cfg: setattr(cfg, "seed", 8), ["seed"], id="field-assign"),
        pytest.param(lambda cfg: cfg.__setitem__("seed", 8), ["seed"], id="field-setitem"),
        pytest.param(lambda cfg: cfg.update({"seed": 8}), ["seed"], id="field-update"),
        pytest.param(
            lambda cfg: cfg.update({"seed": 8}, allow_val_change=True), ["seed"], id="allow-val-change"
        ),
        pytest.param(lambda cfg: setattr(cfg.data, "shards", 9), ["shards"], id="model-assign"),
        pytest.param(lambda cfg: cfg.__setitem__("data.shards", 9), ["data.shards"], id="model-setitem"),
        pytest.param(lambda cfg: cfg.update({"data.name": "svhn"}), ["data.name"], id="model-update"),
        pytest.param(
            lambda cfg: setattr(cfg, "data", Data(name="svhn")),
            ["data.name", "data.shards"],
            id="model-replaced",
        ),
    ],
)
def test_a_frozen_key_cannot_change_after_init(
    change: Callable[[Frozen], object], key: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cfg = _frozen_run(tmp_path, monkeypatch).config
    with pytest.raises(tc.ConfigError) as caught:
        change(cfg)
    assert [p.key for p in caught.value.problems] == key
    assert "is frozen" in str(caught.value)
    assert (cfg.seed, cfg.data.name, cfg.data.shards) == (7, "cifar", 4)


def test_a_frozen_key_given_its_own_value_and_other_keys_still_change(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cfg = _frozen_run(tmp_path, monkeypatch).config
    cfg.seed = 7
    cfg.update({"seed": 7, "data.name": "cifar"})
    cfg.lr = 0.5
    assert (cfg.seed, cfg.lr) == (7, 0.5)
    plain = tc.load(Frozen)
    with pytest.raises(tc.ConfigError, match=r"seed: is frozen"):
        plain.seed = 1  # outside a run too


class Schedule(tc.HyperParams):
    warmup: int = 2
    peak: float = 0.5

    @computed_field  # type: ignore[prop-decorator]
    @property
    def warm_peak(self) -> float:
        return self.peak * self.warmup


class Train(tc.HyperParams):
    steps_per_epoch: int = 100
    epochs: int = 2
    schedule: Schedule = Schedule()

    @computed_field  # type: ignore[prop-decorator]
    @property
    def total_steps(self) -> int:
        return self.steps_per_epoch * self.epochs


def test_computed_fields_reach_flat_dicts_and_trackers() -> None:
    cfg = tc.load(Train, overrides=["--epochs=3", "--schedule.warmup=4"])
    flat = {
        "steps_per_epoch": 100,
        "epochs": 3,
        "schedule.warmup": 4,
        "schedule.peak": 0.5,
        "schedule.warm_peak": 2.0,
        "total_steps": 300,
    }
    assert cfg.to_flat() == flat
    assert tc.flatten(cfg) == flat
    assert to_wandb(cfg) == {
        "steps_per_epoch": 100,
        "epochs": 3,
        "schedule": {"warmup": 4, "peak": 0.5, "warm_peak": 2.0},
        "total_steps": 300,
    }
    assert Train.from_flat(cfg.to_flat()) == cfg
    assert Train.from_flat(cfg.to_flat(scalars=True), scalars=True) == cfg
    assert from_wandb(Train, to_wandb(cfg)) == cfg  # what push gave wandb reads back


def test_dump_defaults_writes_computed_values_as_comments_that_are_not_read_back() -> None:
    cfg = tc.load(Train, overrides=["--epochs=3"])
    text = tc.dump_defaults(cfg)
    assert text.endswith(
        "# computed from the values above (not read back):\n"
        "#   total_steps: 300  (computed from steps_per_epoch, epochs)\n"
        "#   schedule.warm_peak: 1.0  (computed from peak, warmup)\n"
    )
    assert "total_steps" not in yaml.safe_load(text)
    assert tc.loads(Train, text) == cfg
    assert "#   total_steps:  (computed from steps_per_epoch, epochs)" in tc.dump_defaults(Train)


@pytest.mark.parametrize(
    ("make", "line"),
    [
        pytest.param(
            lambda: tc.load(Train, overrides=["--total-steps=5"]),
            "--total-steps=5: total_steps: is computed from steps_per_epoch, epochs; it cannot be set "
            "(set the fields it is computed from)",
            id="argv",
        ),
        pytest.param(
            lambda: tc.load(Train, overrides={"schedule.warm_peak": 3}),
            "overrides['schedule.warm_peak']: schedule.warm_peak: is computed from peak, warmup; it cannot "
            "be set (set the fields it is computed from) (got 3, it computes 1.0)",
            id="dict",
        ),
        pytest.param(
            lambda: tc.loads(Train, "epochs: 3\ntotal_steps: 5\n", "train.yaml"),
            "train.yaml:2:14: total_steps: is computed from steps_per_epoch, epochs; it cannot be set "
            "(set the fields it is computed from) (got 5, it computes 300)",
            id="file",
        ),
    ],
)
def test_setting_a_computed_field_from_a_source_is_an_error(make: Callable[[], object], line: str) -> None:
    with pytest.raises(tc.ConfigError) as caught:
        make()
    assert str(caught.value) == line


def test_setting_a_computed_field_in_code_or_the_environment_is_an_error(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    cfg = Train()
    for change in (
        lambda: setattr(cfg, "total_steps", 5),
        lambda: cfg.__setitem__("schedule.warm_peak", 5),
        lambda: cfg.update({"total_steps": 5}),
    ):
        with pytest.raises(tc.ConfigError, match=r"is computed from"):
            change()
    cfg.update({"total_steps": 200, "epochs": 2})  # the value it computes: nothing to refuse
    monkeypatch.setenv("TRAIN_TOTAL_STEPS", "5")
    with pytest.raises(tc.ConfigError, match=r"\$TRAIN_TOTAL_STEPS: total_steps: is computed from"):
        tc.init(Train, argv=[], dir=None, env_prefix="TRAIN_")


def test_a_run_records_no_computed_key_as_set() -> None:
    run = tc.init(Train, argv=[], dir=None)
    run.config.update({"epochs": 4})
    run.config.update({"steps_per_epoch": 10})  # total_steps changes again: never "already set"
    assert run.config.total_steps == 40


TOTAL_SCHEMA = textwrap.dedent(
    """
            from pydantic import computed_field
            import typed_config as tc

            class Train(tc.HyperParams):
                steps: int = 10
                epochs: int = 1

                @computed_field
                @property
                def total(self) -> int:
                    return self.steps * self.epochs
    """
)
"""A schema module whose ``Train`` computes ``total`` from two fields."""


def python(cwd: Path, *argv: str) -> subprocess.CompletedProcess[str]:
    """``python <argv>`` in a real process, in ``cwd``."""
    return subprocess.run([sys.executable, *argv], capture_output=True, text=True, check=False, cwd=cwd)


def test_the_flatten_command_shows_computed_fields(tmp_path: Path) -> None:
    (tmp_path / "hp.py").write_text(TOTAL_SCHEMA)
    (tmp_path / "c.yaml").write_text("epochs: 3\n")
    done = python(tmp_path, "-m", "typed_config", "flatten", "c.yaml", "--schema", "hp.py:Train")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == {"steps": 10, "epochs": 3, "total": 30}


def test_a_run_folder_stores_fields_and_shows_computed_values_as_comments(tmp_path: Path) -> None:
    run = tc.init(Train, argv=["--epochs=3"], dir=str(tmp_path), project="p")
    run.config.steps_per_epoch = 10
    run.config.schedule.warmup = 3
    run.update()
    assert run.dir is not None
    text = (Path(run.dir) / "config.yaml").read_text()
    stored = yaml.safe_load(text)
    assert "total_steps" not in stored
    assert "warm_peak" not in stored["schedule"]["value"]
    assert "#   total_steps: 30  (computed from steps_per_epoch, epochs)" in text
    run.finish()
    reopened = tc.Api(str(tmp_path)).run(f"p/{run.id}", schema=Train)
    reopened.config["epochs"] = 5
    reopened.update()
    again = tc.Api(str(tmp_path)).run(f"p/{run.id}", schema=Train)
    assert again.config["epochs"] == 5
    assert "total_steps" not in yaml.safe_load((Path(run.dir) / "config.yaml").read_text())


def test_computed_keys_read_by_dot_key_and_print_config_names_their_fields(tmp_path: Path) -> None:
    cfg = tc.load(Train, overrides=["--epochs=3"])
    assert (cfg["total_steps"], cfg["schedule.warm_peak"]) == (300, 1.0)
    assert "total_steps" in cfg
    (tmp_path / "train.py").write_text(TOTAL_SCHEMA + "\ntc.init(Train, dir=None)\n")
    done = python(tmp_path, "train.py", "--epochs", "3", "--print-config")
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout.splitlines()[-1] == "# total: 30  # computed from steps, epochs"
