"""typed_config.optuna with the real Optuna: suggest, optimize, shared studies across processes, refused trials."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import optuna
import pytest
from procs.search_schema import SGD, Adam, SearchParams, objective

import typed_config as tc
from typed_config import search
from typed_config.optuna import ERROR_ATTR, optimize, suggest

PROCS = Path(__file__).parent / "procs"
optuna.logging.set_verbosity(optuna.logging.ERROR)


def test_suggest_asks_for_every_searched_key_and_returns_the_typed_config() -> None:
    trial = optuna.trial.FixedTrial(
        {
            "dropout": 0.125,
            "batch_size": 64,
            "model.width": 100,
            "model.depth": 6,
            "model.activation": "gelu",
            "optimizer.name": "sgd",
            "optimizer[sgd].lr": 0.3,
            "optimizer[sgd].momentum": 0.5,
        }
    )
    cfg = suggest(trial, SearchParams)
    assert cfg.to_flat() == {
        "epochs": 10,
        "dropout": 0.125,
        "batch_size": 64,
        "model.width": 100,
        "model.depth": 6,
        "model.activation": "gelu",
        "optimizer.name": "sgd",
        "optimizer.lr": 0.3,
        "optimizer.momentum": 0.5,
    }


def test_base_supplies_the_keys_that_are_not_searched() -> None:
    base = SearchParams(epochs=3, optimizer=SGD(lr=0.2, momentum=0.1))
    study = optuna.create_study(sampler=optuna.samplers.RandomSampler(seed=1))
    configs = [suggest(study.ask(), SearchParams, base) for _ in range(6)]
    assert {cfg.epochs for cfg in configs} == {3}
    # A trial that chose Adam starts clean: nothing of the base's SGD leaks into it.
    assert {type(cfg.optimizer) for cfg in configs} == {Adam, SGD}


def test_optimize_runs_the_trials_and_finds_a_config_inside_the_space() -> None:
    seen: list[SearchParams] = []

    def recorded(cfg: SearchParams) -> float:
        seen.append(cfg)
        return objective(cfg)

    study = optimize(SearchParams, recorded, n_trials=12, direction="minimize")
    assert len(study.trials) == len(seen) == 12
    assert all(isinstance(cfg, SearchParams) for cfg in seen)
    assert study.best_value == min(objective(cfg) for cfg in seen)
    assert set(study.best_params) <= set(search.space(SearchParams))


@pytest.mark.filterwarnings("ignore:Fixed parameter:UserWarning")  # Optuna's own note on the enqueued value
def test_a_value_the_schema_refuses_fails_its_trial_with_the_positioned_message_and_the_study_goes_on() -> (
    None
):
    study = optuna.create_study(study_name="lr-study")
    study.enqueue_trial({"optimizer.name": "sgd", "optimizer[sgd].lr": -0.24})
    optimize(SearchParams, objective, n_trials=3, study=study)
    states = [t.state for t in study.trials]
    assert states == [
        optuna.trial.TrialState.FAIL,
        optuna.trial.TrialState.COMPLETE,
        optuna.trial.TrialState.COMPLETE,
    ]
    assert study.trials[0].user_attrs[ERROR_ATTR] == (
        "optuna trial 0 of study lr-study: optimizer.lr: Input should be greater than 0 (got -0.24)"
    )


def test_a_run_started_with_a_suggested_config_keeps_the_trial_as_provenance(tmp_path: Path) -> None:
    study = optuna.create_study(study_name="prov", sampler=optuna.samplers.RandomSampler(seed=3))
    cfg = suggest(study.ask(), SearchParams)
    run = tc.init(SearchParams, config=cfg, argv=[], defaults=None, dir=tmp_path)
    assert run.config == cfg
    assert str(run.origin_of("dropout")) == "optuna trial 0 of study prov (SearchParams field 'dropout')"
    stored = tc.Api(tmp_path).run(f"default/{run.id}", schema=SearchParams)
    assert stored.typed == cfg
    provenance = (tmp_path / "default" / run.id / "provenance.json").read_text()
    assert "optuna trial 0 of study prov" in provenance


def test_two_worker_processes_share_one_study_on_a_journal_file(tmp_path: Path) -> None:
    journal, out = tmp_path / "study.log", tmp_path / "trials.jsonl"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(PROCS), os.environ.get("PYTHONPATH", "")])}
    command = [sys.executable, str(PROCS / "optuna_worker.py"), str(journal), "shared", "5", str(out)]
    workers = [subprocess.Popen(command, env=env, cwd=tmp_path) for _ in range(2)]
    try:
        assert [worker.wait(timeout=120) for worker in workers] == [0, 0]
    finally:
        for worker in workers:
            if worker.poll() is None:
                worker.kill()
    storage = optuna.storages.JournalStorage(optuna.storages.journal.JournalFileBackend(str(journal)))
    study = optuna.load_study(study_name="shared", storage=storage)
    assert len(study.trials) == 10
    assert {t.number for t in study.trials} == set(range(10))
    records = [json.loads(line) for line in out.read_text().splitlines()]
    assert len({r["pid"] for r in records}) == 2
    for record in records:  # every worker's config validates by the schema's own rules
        assert SearchParams.from_flat(record["config"]).to_flat() == record["config"]
