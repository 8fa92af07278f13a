"""Writers of one stored run with a dict field, starting together: ``editor.py MODE ROOT PROJECT/RUN_ID BARRIER ...``.

MODE
    counters WHO COUNT  COUNT times: reopen the run with ``Api``, copy ``counters``, add the key
                        WHO<i>, assign the whole dict back and update. Prints "done".
    edit COUNT STOP     COUNT times: reopen with ``Api``, set ``epochs`` to 100000 + i and update,
                        reading again and retrying when another writer changed ``epochs`` first;
                        then creates STOP. Prints JSON: the acknowledged values and the value each
                        edit read before it.
    live STOP           resume the run with ``init``; until STOP exists, change ``steps`` and
                        ``epochs`` in turn. A conflict on ``epochs`` (another process changed it
                        since this run wrote it) is counted, with the value the run then has.
                        Prints JSON: those values and the number of changes.

Says "ready PID" once set up, starts once BARRIER exists. Any other error ends the process with a
traceback.
"""

from __future__ import annotations

import json
import os
import sys
import time

from proc_schema import DictParams
from together import ready_then_wait, update_until_accepted

import typed_config as tc


def counters(root: str, path: str, who: str, count: int) -> str:
    for i in range(count):
        r = tc.Api(root).run(path, schema=DictParams)
        c = dict(r.config["counters"])
        c[f"{who}{i}"] = i
        r.config["counters"] = c
        r.update()
    return "done"


def edit(root: str, path: str, count: int, stop: str) -> str:
    acknowledged: list[int] = []
    read: list[int] = []
    for i in range(count):
        # Read again and retried while the live run wrote epochs since the handle read it.
        before, _, _ = update_until_accepted(root, path, DictParams, "epochs", lambda _, new=100000 + i: new)
        acknowledged.append(100000 + i)
        read.append(before)
    with open(stop, "w") as marker:
        marker.write("stop\n")
    return json.dumps({"acknowledged": acknowledged, "read": read})


def live(root: str, path: str, stop: str, barrier: str) -> str:
    project, run_id = path.split("/")
    run = tc.init(DictParams, argv=[], dir=root, project=project, defaults=None, resume=run_id)
    ready_then_wait(barrier)
    seen: list[int] = []
    changes = 0
    while not os.path.exists(stop):
        changes += 1
        try:
            if changes % 2:
                run.config.steps = changes
            else:
                run.config.epochs = changes
        except tc.ConfigError as exc:
            if [p.key for p in exc.problems] != ["epochs"]:
                raise
            seen.append(run.config.epochs)
        time.sleep(0.001)
    run.finish()
    return json.dumps({"seen": seen, "changes": changes})


def main() -> None:
    mode, root, path, barrier, *rest = sys.argv[1:]
    if mode == "live":
        print(live(root, path, rest[0], barrier), flush=True)
        return
    ready_then_wait(barrier)
    if mode == "counters":
        result = counters(root, path, rest[0], int(rest[1]))
    else:
        result = edit(root, path, int(rest[0]), rest[1])
    print(result, flush=True)


if __name__ == "__main__":
    main()
