"""A live run killed with SIGKILL at a chosen point of its next write: ``crasher.py ROOT PROJECT/RUN_ID POINT``.

Resumes the run, then changes it to CONFIG_B; while writing config.yaml the process kills itself:
POINT "before-rename" after the temp file is written, before it replaces config.yaml;
POINT "after-rename" right after config.yaml is replaced (before provenance.json and meta.json).
"""

from __future__ import annotations

import os
import signal
import sys

from proc_schema import CONFIG_B, ProcParams

import typed_config as tc
from typed_config import _fs

if __name__ == "__main__":
    root, path, point = sys.argv[1:4]
    project, run_id = path.split("/")
    run = tc.init(ProcParams, argv=[], dir=root, project=project, defaults=None, resume=run_id)
    real_replace = os.replace

    def replace(src: str, dst: str) -> None:
        if os.path.basename(dst) == "config.yaml" and point == "before-rename":
            os.kill(os.getpid(), signal.SIGKILL)
        real_replace(src, dst)
        if os.path.basename(dst) == "config.yaml" and point == "after-rename":
            os.kill(os.getpid(), signal.SIGKILL)

    os.replace = replace  # type: ignore[assignment]  # the trap, set once init has written
    real_exchange = _fs._exchange

    def exchange(temp: str, target: str) -> bool:
        if os.path.basename(target) == "config.yaml" and point == "before-rename":
            os.kill(os.getpid(), signal.SIGKILL)
        done = real_exchange(temp, target)
        if os.path.basename(target) == "config.yaml" and point == "after-rename":
            os.kill(os.getpid(), signal.SIGKILL)
        return done

    _fs._exchange = exchange
    run.config.update(CONFIG_B, allow_val_change=True)
    raise SystemExit("the trap did not fire")
