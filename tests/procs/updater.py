"""Increment one int key of a stored run COUNT times, starting together with the others.

    updater.py ROOT PROJECT/RUN_ID KEY COUNT MODE BARRIER

MODE
    keep    one ``Api`` handle for every update
    reopen  the run reopened with ``Api`` for every update
    live    the run resumed with ``init``; each change through ``run.config.update``
    retry   reopened for every update; an update refused as a conflict (another process changed
            KEY since it was read, to another value) is read again and retried. For a list KEY,
            each update appends "PID:I" instead of incrementing: two writers never set the same
            value, so each lost update would be a missing entry

Says "ready PID" once set up (for "live": after init's first write), starts writing once BARRIER
exists, and prints "done KEY VALUE" at the end ("done KEY VALUE CONFLICTS" for retry). Any other
error ends the process with a traceback.
"""

from __future__ import annotations

import os
import sys
from functools import partial
from typing import Any

from proc_schema import ProcParams
from together import ready_then_wait, update_until_accepted

import typed_config as tc


def live(root: str, path: str, key: str, count: int, barrier: str) -> str:
    project, run_id = path.split("/")
    run = tc.init(ProcParams, argv=[], dir=root, project=project, defaults=None, resume=run_id)
    ready_then_wait(barrier)
    for _ in range(count):
        run.config.update({key: getattr(run.config, key) + 1}, allow_val_change=True)
    return f"{getattr(run.config, key)}"


def api(root: str, path: str, key: str, count: int, barrier: str, *, reopen: bool) -> str:
    handle = tc.Api(root).run(path, schema=ProcParams)
    ready_then_wait(barrier)
    for _ in range(count):
        if reopen:
            handle = tc.Api(root).run(path, schema=ProcParams)
        handle.config[key] = handle.config[key] + 1
        handle.update()
    return f"{handle.config[key]}"


def retry(root: str, path: str, key: str, count: int, barrier: str) -> str:
    ready_then_wait(barrier)
    conflicts = 0
    value = None
    for i in range(count):
        _, value, refused = update_until_accepted(
            root, path, ProcParams, key, partial(_next, f"{os.getpid()}:{i}")
        )
        conflicts += refused
    return f"{len(value) if isinstance(value, list) else value} {conflicts}"


def _next(entry: str, value: Any) -> Any:
    """A list with ``entry`` appended (two writers never append the same), or the number plus one."""
    return [*value, entry] if isinstance(value, list) else value + 1


def main() -> None:
    root, path, key, count_text, mode, barrier = sys.argv[1:7]
    count = int(count_text)
    if mode == "live":
        result = live(root, path, key, count, barrier)
    elif mode == "retry":
        result = retry(root, path, key, count, barrier)
    else:
        result = api(root, path, key, count, barrier, reopen=mode == "reopen")
    print(f"done {key} {result}", flush=True)


if __name__ == "__main__":
    main()
