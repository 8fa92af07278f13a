"""09 - Optuna over the schema's own search space: every trial's config typed, validated and traced.

``hparams.py`` declares where each searched field may go, beside its type
(``lr: Annotated[float, search.LogUniform(1e-4, 1e-1)] = tc.Field(default=1e-3, gt=0)``); the
space is checked against the field's bounds when the class is defined. ``typed_config.optuna``
asks each trial for every searched key and hands the objective a validated ``HParams``. A value
the schema refuses (an enqueued trial with ``lr = -0.24``) fails that trial with the key and the
reason; the study goes on.

With ``--workers N``, N processes join one study stored in a journal file, the way Optuna scales
out over processes or machines: start the same command on each machine with a shared file.

Usage:
    python 09_optuna.py
    python 09_optuna.py --trials 8 --workers 2
"""

from __future__ import annotations

import argparse
import math
import multiprocessing
import os
import tempfile
import warnings

import optuna
from hparams import HParams
from optuna.storages.journal import JournalFileBackend

import typed_config as tc
from typed_config.optuna import ERROR_ATTR, optimize, suggest

STUDY = "example-09"


def objective(cfg: HParams) -> float:
    """A stand-in for a validation loss: best near lr=0.01, dropout 0.1, batch size 32, with adam."""
    loss = (math.log10(cfg.optimizer.lr) + 2) ** 2 + (cfg.dropout - 0.1) ** 2 + abs(cfg.batch_size - 32) / 320
    return loss + (0.0 if cfg.optimizer.name == "adam" else 0.05)


def worker(journal: str, trials: int) -> None:
    """One process of a shared study: joins it by name on the journal file and runs its trials."""
    optuna.logging.set_verbosity(optuna.logging.ERROR)
    optimize(HParams, objective, n_trials=trials, study=STUDY, storage=journal)


def local(trials: int) -> None:
    study = optuna.create_study(study_name=STUDY)
    study.enqueue_trial({"optimizer.name": "sgd", "optimizer.lr": 0.05, "dropout": 1.5})  # outside the field
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # Optuna's own note that the enqueued value is out of range
        optimize(HParams, objective, n_trials=trials, study=study)
    failed = study.trials[0]
    print(f"trial 0 {failed.state.name}: {failed.user_attrs[ERROR_ATTR]}")
    best = suggest(study.best_trial, HParams)  # the best trial's config again, typed
    print(f"best of {len(study.trials)} trials: loss {study.best_value:.4f} with {best.to_flat()}")
    run = tc.init(HParams, config=best, argv=[], defaults=None, dir=None)
    print(f"the run's batch_size came from: {run.origin_of('batch_size')}")


def shared(trials: int, workers: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        journal = os.path.join(folder, "study.log")
        context = multiprocessing.get_context("spawn")
        processes = [context.Process(target=worker, args=(journal, trials)) for _ in range(workers)]
        for process in processes:
            process.start()
        for process in processes:
            process.join()
        storage = optuna.storages.JournalStorage(JournalFileBackend(journal))
        study = optuna.load_study(study_name=STUDY, storage=storage)
        print(
            f"{workers} workers ran {len(study.trials)} trials of one study; best loss {study.best_value:.4f}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--trials", type=int, default=20, help="trials per process")
    parser.add_argument(
        "--workers", type=int, default=0, help="processes sharing one study on a journal file"
    )
    args = parser.parse_args()
    optuna.logging.set_verbosity(optuna.logging.ERROR)
    if args.workers:
        shared(args.trials, args.workers)
    else:
        local(args.trials)


if __name__ == "__main__":
    main()
