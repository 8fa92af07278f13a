"""The Ray backend: each config a Ray task that runs the command as a subprocess, on a cluster or a local Ray."""

from __future__ import annotations

import importlib
import os
import signal
import subprocess
from collections.abc import Callable, Sequence
from typing import Any

from typed_config._launch.folder import LaunchFolder
from typed_config._launch.job import Job, ended, started, terminate_as_interrupt
from typed_config._launch.options import Ray

_GRACE = 10.0
"""Seconds a cancelled run gets to end after SIGINT."""


def run_job(argv: list[str], env: dict[str, str], log: str, cwd: str) -> int:
    """Run one job's command (in a Ray worker); its exit status.

    A cancelled task (``ray.cancel``) gets ``KeyboardInterrupt``: the command gets SIGINT, then
    SIGKILL after a grace time, so no run outlives its task.
    """
    with open(log, "ab") as out:
        process = subprocess.Popen(  # noqa: S603 - the user's own command, never a shell
            argv,
            env={**os.environ, **env},
            cwd=cwd,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        return process.wait()
    except KeyboardInterrupt:
        process.send_signal(signal.SIGINT)
        try:
            return process.wait(_GRACE)
        except subprocess.TimeoutExpired:
            process.kill()
            return process.wait()


def run_ray(folder: LaunchFolder, jobs: Sequence[Job], options: Ray, save: Callable[[], None]) -> None:
    """Run every job as a Ray task; ``launch.json`` is saved as each ends.

    Raises:
        ImportError: Ray is not installed (``pip install 'typed-config[ray]'``).
    """
    try:
        ray: Any = importlib.import_module("ray")  # optional: imported only by this backend
    except ImportError as exc:
        raise ImportError("the ray backend needs Ray: pip install 'typed-config[ray]'") from exc
    started_here = not ray.is_initialized()
    if started_here:
        ray.init(
            address=options.address,
            num_cpus=options.local_cpus if options.address is None else None,
            include_dashboard=False,
            log_to_driver=False,
        )
    try:
        task: Any = ray.remote(run_job).options(num_cpus=options.num_cpus, num_gpus=options.num_gpus)
        pending = {task.remote(job.argv, job.env, job.log, os.getcwd()): job for job in jobs}
        for job in jobs:
            started(job.record)
        save()
        try:
            with terminate_as_interrupt():
                _collect(ray, folder, pending, save)
        except BaseException:  # Ctrl-C, SIGTERM, or Ray failing: no task is left running
            _cancel(ray, folder, pending)
            save()
            raise
    finally:
        if started_here:
            ray.shutdown()


def _collect(ray: Any, folder: LaunchFolder, pending: dict[Any, Job], save: Callable[[], None]) -> None:
    while pending:
        # A short timeout: a signal's KeyboardInterrupt is raised between calls, never inside Ray's wait.
        done, _ = ray.wait(list(pending), num_returns=1, timeout=0.5)
        for ref in done:
            job = pending.pop(ref)
            try:
                code: int | None = int(ray.get(ref))
            except Exception:  # noqa: BLE001 - a worker that died: the run did not finish
                code = None
            ended(folder, job.record, code if code is not None else 1, interrupted=False)
            save()


def _cancel(ray: Any, folder: LaunchFolder, pending: dict[Any, Job]) -> None:
    """Cancel every pending task (a running one passes SIGINT to its run) and mark its run killed."""
    for ref in pending:
        ray.cancel(ref)
    ray.wait(list(pending), num_returns=len(pending), timeout=_GRACE + 5)
    for job in pending.values():
        ended(folder, job.record, None, interrupted=True)
