"""One Optuna worker: joins the study NAME on the journal file JOURNAL and runs N trials.

Usage: python optuna_worker.py JOURNAL NAME N OUT — each trial's number and flat config go to OUT, one JSON a line.
"""

from __future__ import annotations

import json
import os
import sys

import optuna
from search_schema import SearchParams, objective

from typed_config.optuna import optimize


def main() -> None:
    journal, name, count, out = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
    optuna.logging.set_verbosity(optuna.logging.ERROR)
    with open(out, "a", encoding="utf-8") as lines:

        def recorded(cfg: SearchParams) -> float:
            lines.write(json.dumps({"pid": os.getpid(), "config": cfg.to_flat()}) + "\n")
            lines.flush()
            return objective(cfg)

        optimize(SearchParams, recorded, n_trials=count, study=name, storage=journal)


if __name__ == "__main__":
    main()
