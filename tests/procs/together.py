"""What the child processes that write one run together share: the start barrier and retried updates."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from typing import Any

import typed_config as tc


def wait_for(path: str) -> None:
    """Return once ``path`` exists; end the process when it has not appeared within 300 seconds.

    The children of one test may be released one after another, each after the last has run:
    on a loaded machine that takes far longer than one child's start.
    """
    deadline = time.monotonic() + 300
    while not os.path.exists(path):
        if time.monotonic() > deadline:
            raise SystemExit(f"{path} never appeared")
        time.sleep(0.001)


def ready_then_wait(barrier: str) -> None:
    """Say "ready PID", then wait for the barrier file: every child starts writing at once."""
    print(f"ready {os.getpid()}", flush=True)
    wait_for(barrier)


def update_until_accepted(
    root: str, path: str, schema: type[tc.HyperParams], key: str, change: Callable[[Any], Any]
) -> tuple[Any, Any, int]:
    """Reopen the run, set ``key`` to ``change(value)`` and update; again while another process changed it first.

    Returns the value read before the accepted update, the value after it, and how many were refused.
    Any other refusal ends the process with a traceback.
    """
    refused = 0
    while True:
        handle = tc.Api(root).run(path, schema=schema)
        before = handle.config[key]
        handle.config[key] = change(before)
        try:
            handle.update()
        except tc.ConfigError as exc:
            if [p.key for p in exc.problems] != [key]:
                raise
            refused += 1  # another process wrote the key since this handle read it
            continue
        return before, handle.config[key], refused
