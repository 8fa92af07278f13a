"""What a distributed launcher or a ``typed-config launch`` says about this process."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Final, NamedTuple

from typed_config._errors import ConfigError, Origin
from typed_config._fs import atomic_write
from typed_config._run.ids import check_name, safe_id


class Launcher(NamedTuple):
    """What a distributed launcher (torchrun, SLURM) says about this process."""

    rank: int
    run_id: str | None  # shared by every rank of one job, when the job has several


def launcher(environ: Mapping[str, str] | None = None) -> Launcher:
    """This process's rank, and the run id its job's ranks share (None outside a multi-rank job)."""
    env = os.environ if environ is None else environ
    if "RANK" in env and "WORLD_SIZE" in env:
        rank, world = _int(env["RANK"]), _int(env["WORLD_SIZE"])
    elif "SLURM_PROCID" in env:
        rank, world = _int(env["SLURM_PROCID"]), _int(env.get("SLURM_NTASKS", "1"))
    else:
        rank, world = 0, 1
    job = env.get("TYPED_CONFIG_RUN_ID")
    if job is None and world > 1:
        elastic = env.get("TORCHELASTIC_RUN_ID")
        # torchrun without --rdzv-id says "none": every such job would share one folder.
        job = (elastic if elastic and elastic != "none" else None) or _slurm_job(env)
    if not job:
        return Launcher(rank, None)
    variable = next(
        (v for v in ("TYPED_CONFIG_RUN_ID", "TORCHELASTIC_RUN_ID", "SLURM_JOB_ID") if env.get(v) == job),
        "SLURM_JOB_ID",
    )
    return Launcher(rank, check_name(safe_id(job), Origin(text=f"${variable}"), "run id"))


def _int(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        return 0


def _slurm_job(env: Mapping[str, str]) -> str | None:
    job = env.get("SLURM_JOB_ID")
    step = env.get("SLURM_STEP_ID")
    return f"slurm-{job}.{step}" if job and step else (f"slurm-{job}" if job else None)


LAUNCH_VARIABLES: Final = ("TYPED_CONFIG_LAUNCH", "TYPED_CONFIG_LAUNCH_INDEX", "TYPED_CONFIG_LAUNCH_DIR")


"""What ``typed-config launch`` puts in each job's environment, beside ``TYPED_CONFIG_RUN_ID``."""


def launch_of(environ: Mapping[str, str] | None = None) -> dict[str, Any] | None:
    """The launch this process is a job of, as ``meta.json`` records it: its id and the config's index."""
    env = os.environ if environ is None else environ
    launch, index = env.get("TYPED_CONFIG_LAUNCH"), env.get("TYPED_CONFIG_LAUNCH_INDEX", "")
    if not launch or not index.isdigit():
        return None
    return {"id": launch, "index": int(index)}


def note_launched_run(run_dir: Path, environ: Mapping[str, str] | None = None) -> None:
    """Tell the launch this job belongs to where its run folder is: ``LAUNCH_DIR/runs/0001.path``."""
    env = os.environ if environ is None else environ
    found, folder = launch_of(env), env.get("TYPED_CONFIG_LAUNCH_DIR")
    if found is None or not folder or not os.path.isdir(folder):
        return
    notes = Path(folder) / "runs"
    try:
        notes.mkdir(exist_ok=True)
        atomic_write(notes / f"{found['index']:04d}.path", str(run_dir.resolve()) + "\n")
    except (OSError, ConfigError):  # the launch folder is the launcher's: the run goes on without the note
        pass
