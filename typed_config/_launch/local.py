"""The local backend: a pool of child processes, each with its own free GPUs; Ctrl-C stops them all."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import time
from collections.abc import Callable, Sequence
from typing import Final

from typed_config._launch.folder import LaunchFolder
from typed_config._launch.job import Job, child_env, ended, ignored, started, terminate_as_interrupt
from typed_config._launch.options import Local

_POLL: Final = 0.05
_GRACE: Final = 10.0
"""Seconds children get to end after SIGINT before SIGKILL."""


class _Child:
    """A running job: its process, its log, the GPU ids it holds."""

    def __init__(self, job: Job, process: subprocess.Popen[bytes], gpus: list[str]) -> None:
        self.job = job
        self.process = process
        self.gpus = gpus


def run_local(folder: LaunchFolder, jobs: Sequence[Job], options: Local, save: Callable[[], None]) -> None:
    """Run every job, ``options.jobs`` at a time; ``launch.json`` is saved as each starts and ends.

    On SIGINT (Ctrl-C) or SIGTERM every child gets SIGINT, is waited for (SIGKILL after a grace
    time), and its run is marked killed; then ``KeyboardInterrupt`` is raised.
    """
    running: list[_Child] = []
    with terminate_as_interrupt():
        try:
            _pool(folder, list(jobs), options, save, running)
        except BaseException:  # Ctrl-C, SIGTERM, or a command that cannot start: no child is left behind
            with ignored(signal.SIGINT):  # a second Ctrl-C does not cut the stopping short
                _stop(folder, running)
            save()
            raise


def _pool(
    folder: LaunchFolder, waiting: list[Job], options: Local, save: Callable[[], None], running: list[_Child]
) -> None:
    free = list(options.gpus)
    while waiting or running:
        while (
            waiting
            and len(running) < options.jobs
            and (not options.gpus or len(free) >= options.gpus_per_run)
        ):
            gpus = [free.pop(0) for _ in range(options.gpus_per_run)] if options.gpus else []
            running.append(_start(waiting.pop(0), gpus if options.gpus else None))
            save()
        for child in [c for c in running if c.process.poll() is not None]:
            running.remove(child)
            free.extend(child.gpus)
            ended(folder, child.job.record, child.process.returncode, interrupted=False)
            save()
        time.sleep(_POLL)


def _start(job: Job, gpus: list[str] | None) -> _Child:
    with open(job.log, "ab") as log:
        # A session of its own: a Ctrl-C in the terminal reaches the launcher only, which passes it on once.
        process = subprocess.Popen(  # noqa: S603 - the user's own command, never a shell
            job.argv,
            env=child_env(job, gpus),
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    started(job.record)
    return _Child(job, process, gpus or [])


def _stop(folder: LaunchFolder, running: list[_Child]) -> None:
    """SIGINT to every child, a grace time to end, SIGKILL after; each run marked killed."""
    for child in running:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(child.process.pid, signal.SIGINT)
    deadline = time.monotonic() + _GRACE
    for child in running:
        try:
            child.process.wait(max(0.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(child.process.pid, signal.SIGKILL)
            child.process.wait()
        ended(folder, child.job.record, child.process.returncode, interrupted=True)
