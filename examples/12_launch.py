"""08 - Many runs: 07_logistic_regression.py launched over a grid on a local process pool.

Every config of the grid is validated (over ``logreg-defaults.yaml``, as the script's own ``init``
reads it) before anything starts; then two runs at a time. ``launches/<id>/`` holds each config's
file, its log and ``launch.json``; running this again continues the same launch (finished runs are
skipped). The command line does the same:

    typed-config launch --schema 07_logistic_regression.py:LogReg --defaults logreg-defaults.yaml \
        --grid optimizer.name=sgd,momentum --grid optimizer.lr=0.05,0.5 --jobs 2 \
        -- python 07_logistic_regression.py

Usage:
    python 12_launch.py
"""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

import typed_config as tc

LogReg = importlib.import_module("07_logistic_regression").LogReg


def main() -> int:
    """Launch the grid, then print each run's config, status and final line."""
    result = tc.launch(
        LogReg,
        None,
        [sys.executable, "07_logistic_regression.py"],
        grid={"optimizer.name": ["sgd", "momentum"], "optimizer.lr": [0.05, 0.5]},
        defaults="logreg-defaults.yaml",
        backend=tc.Local(jobs=2),
    )
    print(f"launch {result.id}: {len(result.runs)} runs")
    for run in result.runs:
        last = Path(run.log).read_text().strip().splitlines()[-1] if run.log else ""
        optimizer = run.config.optimizer
        print(f"{run.index:04d} {optimizer.name:<8} lr={optimizer.lr:<5} {run.status:<8} {last}")
    return 0 if result.ok else 1


if __name__ == "__main__":
    sys.exit(main())
