"""A training script a launch runs: ``launched.py`` + ``--configs FILE`` (and overrides).

It starts a run under ``runs/p/`` (the id comes from TYPED_CONFIG_RUN_ID), appends one JSON line
to ``jobs.jsonl`` with its run id, GPUs and start and end times, then behaves as ``mode`` says:
``ok`` finishes, ``fail`` exits 1, ``raise`` raises ValueError, ``sleep`` sleeps until killed,
``fail-once`` exits 1 unless the file ``fixed`` exists.
"""

from __future__ import annotations

import json
import os
import sys
import time
from typing import Annotated, Literal

import typed_config as tc
from typed_config import search


class Job(tc.HyperParams):
    lr: Annotated[float, search.LogUniform(1e-4, 1e-1)] = tc.Field(default=0.001, gt=0)
    seed: int = 0
    mode: Literal["ok", "fail", "raise", "sleep", "fail-once"] = "ok"
    pause: float = 0.0


def _note(run: tc.Run[Job], start: float) -> None:
    record = {
        "run_id": run.id,
        "lr": run.config.lr,
        "seed": run.config.seed,
        "gpus": os.environ.get("CUDA_VISIBLE_DEVICES"),
        "start": start,
        "end": time.time(),
    }
    with open("jobs.jsonl", "a", encoding="utf-8") as handle:
        handle.write(json.dumps(record) + "\n")


if __name__ == "__main__":
    start = time.time()
    run = tc.init(Job, dir="runs", project="p", defaults=None)
    print(f"started {run.id}", flush=True)
    if run.config.mode == "sleep":
        time.sleep(120)
    time.sleep(run.config.pause)
    _note(run, start)
    if run.config.mode == "fail" or (run.config.mode == "fail-once" and not os.path.exists("fixed")):
        sys.exit(1)
    if run.config.mode == "raise":
        raise ValueError("the loss diverged")
