"""One rank of a (pretend) distributed job, or one plain process: ``rank.py ROOT PROJECT GO_FILE [STEPS]``.

Waits for GO_FILE, starts a run with ``--steps=STEPS`` (default 7); the process whose launcher rank
is 1 then changes ``epochs`` to 999 in memory. Prints one JSON line: rank, run id, steps, epochs.
"""

from __future__ import annotations

import json
import sys

from proc_schema import ProcParams
from together import wait_for

import typed_config as tc
from typed_config._run.launcher import launcher

if __name__ == "__main__":
    root, project, go = sys.argv[1:4]
    steps = sys.argv[4] if len(sys.argv) > 4 else "7"
    wait_for(go)
    run = tc.init(ProcParams, argv=[f"--steps={steps}"], dir=root, project=project, defaults=None)
    rank = launcher().rank
    if rank == 1:
        run.config.update({"epochs": 999})
    print(json.dumps({"rank": rank, "id": run.id, "steps": run.config.steps, "epochs": run.config.epochs}))
