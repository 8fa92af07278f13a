"""One job of a launch: its command line, its environment, and the status its exit gives its run."""

from __future__ import annotations

import contextlib
import os
import signal
from collections.abc import Generator
from pathlib import Path
from typing import NamedTuple

from typed_config._errors import ConfigError
from typed_config._launch.folder import ConfigRecord, LaunchFolder, Status
from typed_config._run.folder import RunFolder, now_text


class Job(NamedTuple):
    """What starting one config's run takes."""

    record: ConfigRecord
    argv: list[str]
    env: dict[str, str]  # the variables added to the launcher's environment
    log: str


def job_argv(command: list[str], config_file: str) -> list[str]:
    """``COMMAND ARGS --configs FILE``, the file placed before a ``--`` that ends the script's options."""
    cut = command.index("--", 1) if "--" in command[1:] else len(command)
    return [*command[:cut], "--configs", config_file, *command[cut:]]


def next_attempt(folder: LaunchFolder, record: ConfigRecord, command: list[str]) -> Job:
    """The next attempt at a config: its run id and log file, and the job that runs it."""
    if record.status != "pending" or record.attempt == 0:  # one that never started keeps its id
        record.attempt += 1
    record.run_id, record.log = folder.path_of(record.index, record.attempt)
    record.status, record.exit_code, record.run_dir, record.started, record.ended = (
        "pending",
        None,
        None,
        None,
        None,
    )
    env = {
        "TYPED_CONFIG_RUN_ID": record.run_id,
        "TYPED_CONFIG_LAUNCH": folder.id,
        "TYPED_CONFIG_LAUNCH_INDEX": str(record.index),
        "TYPED_CONFIG_LAUNCH_DIR": str(folder.dir),
        "PYTHONUNBUFFERED": "1",
    }
    return Job(record, job_argv(command, record.file), env, record.log)


def started(record: ConfigRecord) -> None:
    """Record that a config's run began."""
    record.status, record.started = "running", now_text()


def ended(folder: LaunchFolder, record: ConfigRecord, code: int | None, *, interrupted: bool) -> None:
    """Record how a job ended, in ``launch.json`` and in its run's ``meta.json`` when the run did not say.

    A run the launcher stopped, or a process a signal ended, is ``killed``; exit status 0 is
    ``finished``; any other is ``crashed`` with that exit code. A run whose process died without
    recording its end (``os._exit``, SIGKILL, ``sys.exit(1)``) gets the launcher's word in ``meta.json``.
    """
    killed = interrupted or (code is not None and code < 0)
    status: Status = "killed" if killed else "finished" if code == 0 else "crashed"
    record.status, record.exit_code, record.ended = status, code, now_text()
    meta = folder.meta_of(record)
    if meta is None or record.run_dir is None:
        return
    if meta.get("status") != status or (status == "crashed" and meta.get("exit_code") != code):
        with contextlib.suppress(ConfigError, OSError):  # the run folder went away: launch.json still says
            RunFolder(Path(record.run_dir)).mark_status(status, exit_code=code)


def child_env(job: Job, gpus: list[str] | None) -> dict[str, str]:
    """The launcher's environment with the job's variables, and its own GPUs when it has some."""
    env = {**os.environ, **job.env}
    if gpus is not None:
        env["CUDA_VISIBLE_DEVICES"] = ",".join(gpus)
    return env


@contextlib.contextmanager
def terminate_as_interrupt() -> Generator[None, None, None]:
    """SIGTERM (a scheduler's preemption, ``kill``) stops the children as Ctrl-C does."""

    def interrupt(_signal: int, _frame: object) -> None:
        raise KeyboardInterrupt

    try:
        before = signal.signal(signal.SIGTERM, interrupt)
    except ValueError:  # not the main thread: signals are the main thread's
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, before)


@contextlib.contextmanager
def ignored(number: signal.Signals) -> Generator[None, None, None]:
    """Ignore a signal for a while (a second Ctrl-C while runs are being stopped)."""
    try:
        before = signal.signal(number, signal.SIG_IGN)
    except ValueError:
        yield
        return
    try:
        yield
    finally:
        signal.signal(number, before)
