"""Trackers that take only scalars: to_flat(scalars=True) and back, for real with MLflow."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
from helpers import not_defaults
from schemas import HParams, Step

import typed_config as tc


class Text(tc.HyperParams):
    note: str | None = None
    words: list[str] = tc.Field(default_factory=list[str])


class Seeded(tc.HyperParams):
    seed: int | None = 7


def test_every_value_becomes_a_scalar_and_comes_back() -> None:
    not_defaults(Seeded, {"seed": None})  # HParams.seed defaults to None: only this one can fail
    none = Seeded(seed=None)
    assert Seeded.from_flat(none.to_flat(scalars=True), scalars=True) == none
    cfg = HParams(tags=["a", "None"], seed=None, schedule=[Step(epoch=1)], weights={"a": 1.0}, sizes=(3,))
    flat = cfg.to_flat(scalars=True)
    assert all(isinstance(v, (str, int, float, bool)) for v in flat.values())
    assert (flat["tags"], flat["seed"], flat["sizes"]) == ('["a", "None"]', "None", "[3]")
    assert flat["schedule"] == '[{"epoch": 1, "lr_scale": 1.0}]'
    assert HParams.from_flat(flat, scalars=True) == cfg


def test_values_a_tracker_gives_back_as_text_come_back_typed() -> None:
    cfg = HParams(dropout=1e-05, use_amp=True, epochs=3)
    as_text = {k: str(v) for k, v in cfg.to_flat(scalars=True).items()}
    assert HParams.from_flat(as_text, scalars=True) == cfg


def test_nan_and_infinity_survive_inside_lists() -> None:
    class Floats(tc.HyperParams):
        values: list[float] = tc.Field(default_factory=list[float])

    cfg = Floats(values=[math.inf, 1.0])
    assert Floats.from_flat(cfg.to_flat(scalars=True), scalars=True) == cfg
    nan = Floats.from_flat(Floats(values=[math.nan]).to_flat(scalars=True), scalars=True)
    assert math.isnan(nan.values[0])
    assert nan == Floats(values=[math.nan])  # equal values, though two NaN objects


def test_text_fields_keep_text_and_none_is_the_documented_exception() -> None:
    cfg = Text(note="[1, 2]", words=["null"])
    assert Text.from_flat(cfg.to_flat(scalars=True), scalars=True) == cfg
    assert Text.from_flat({"note": "None"}, scalars=True).note is None  # documented: None is "None"


def test_an_mlflow_run_keeps_the_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    mlflow = pytest.importorskip("mlflow")
    monkeypatch.setenv("MLFLOW_ALLOW_FILE_STORE", "true")  # a local file store, in a temporary folder
    mlflow.set_tracking_uri(f"file:{tmp_path / 'mlruns'}")
    cfg = HParams(tags=["a"], seed=None, schedule=[Step(epoch=1)], weights={"a": 1.0}, dropout=1e-05)
    with mlflow.start_run() as run:
        mlflow.log_params(cfg.to_flat(scalars=True))
    params = mlflow.get_run(run.info.run_id).data.params
    assert HParams.from_flat(params, scalars=True) == cfg
