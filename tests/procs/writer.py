"""A live run that rewrites its config forever, alternating between CONFIG_A and CONFIG_B.

    writer.py once  ROOT PROJECT RUN_ID    resume the run in this process, say "ready PID", write
    writer.py serve ROOT PROJECT RUN_ID    a fork server: import once, then for each stdin line
                                           "go late" / "go early" fork a worker that writes; the
                                           worker says "ready PID" after init (late) or before it
                                           (early); when the worker dies, say "dead PID SIGNAL".

The test kills the workers with SIGKILL; forking from a warm process keeps 200 kills fast.
"""

from __future__ import annotations

import os
import sys
import time

from proc_schema import CONFIG_A, CONFIG_B, ProcParams

import typed_config as tc

LIFETIME = 20.0  # a worker nobody kills stops by itself


def say(text: str) -> None:
    os.write(1, (text + "\n").encode())  # unbuffered: nothing is duplicated by fork


def work(root: str, project: str, run_id: str, *, early: bool) -> None:
    if early:
        say(f"ready {os.getpid()}")
    run = tc.init(ProcParams, argv=[], dir=root, project=project, defaults=None, resume=run_id)
    if not early:
        say(f"ready {os.getpid()}")
    deadline = time.monotonic() + LIFETIME
    i = 0
    while time.monotonic() < deadline:
        run.config.update(CONFIG_B if i % 2 == 0 else CONFIG_A, allow_val_change=True)
        i += 1


def serve(root: str, project: str, run_id: str) -> None:
    for line in sys.stdin:
        if not line.startswith("go"):
            continue
        early = line.split()[-1] == "early"
        pid = os.fork()
        if pid == 0:
            try:
                work(root, project, run_id, early=early)
            finally:
                os._exit(0)
        _, status = os.waitpid(pid, 0)
        say(f"dead {pid} {os.WTERMSIG(status) if os.WIFSIGNALED(status) else 0}")


if __name__ == "__main__":
    mode, root, project, run_id = sys.argv[1:5]
    if mode == "serve":
        serve(root, project, run_id)
    else:
        work(root, project, run_id, early=False)
