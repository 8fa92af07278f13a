"""The SLURM backend: one sbatch job-array script in the launch folder (task i runs config i), submitted with sbatch."""

from __future__ import annotations

import os
import shlex
import subprocess
from collections.abc import Sequence
from typing import Final

from typed_config._errors import ConfigError, at_path
from typed_config._launch.folder import LaunchFolder
from typed_config._launch.job import Job
from typed_config._launch.options import Slurm

SCRIPT: Final = "slurm-array.sh"
_OPTIONS: Final = (
    ("partition", "partition"),
    ("time", "time"),
    ("gpus_per_node", "gpus-per-node"),
    ("cpus_per_task", "cpus-per-task"),
    ("mem", "mem"),
)


def array_script(folder: LaunchFolder, jobs: Sequence[Job], options: Slurm) -> str:
    """The job-array script: ``#SBATCH`` lines, then a body that runs the task's config.

    Array task ``i`` runs config ``i``; ``%N`` limits how many run at once; each task logs to
    ``logs/NNNN.out`` (its attempt's file). The body needs only bash and ``SLURM_ARRAY_TASK_ID``.
    """
    indices = ",".join(str(job.record.index) for job in jobs)
    limit = f"%{options.max_parallel}" if options.max_parallel else ""
    lines = [
        "#!/bin/bash",
        f"#SBATCH --job-name={shlex.quote(folder.id)}",
        f"#SBATCH --array={indices}{limit}",
        f"#SBATCH --output={shlex.quote(str(folder.dir / 'logs' / 'slurm-%A_%a.out'))}",
        f"#SBATCH --chdir={shlex.quote(os.getcwd())}",
    ]
    for field, flag in _OPTIONS:
        value = getattr(options, field)
        if value is not None:
            lines.append(f"#SBATCH --{flag}={shlex.quote(str(value))}")
    lines += [f"#SBATCH --{shlex.quote(item)}" for item in options.extra]
    lines += ["set -euo pipefail", 'case "${SLURM_ARRAY_TASK_ID:?not run as a SLURM array task}" in']
    for job in jobs:
        env = " ".join(f"{name}={shlex.quote(value)}" for name, value in job.env.items())
        command = " ".join(map(shlex.quote, job.argv))
        lines.append(f"  {job.record.index}) export {env}; exec {command} >{shlex.quote(job.log)} 2>&1 ;;")
    lines += ['  *) echo "no config for array task $SLURM_ARRAY_TASK_ID" >&2; exit 2 ;;', "esac", ""]
    return "\n".join(lines)


def submit(script: str) -> str:
    """Submit the script with ``sbatch --parsable``; the job id.

    Raises:
        ConfigError: ``sbatch`` is not installed or refused the script (its message is given).
    """
    try:
        done = subprocess.run(  # noqa: S603 - SLURM's own command, found on PATH as users run it
            ["sbatch", "--parsable", script],  # noqa: S607
            capture_output=True,
            text=True,
            check=False,
            timeout=120,
        )
    except FileNotFoundError:
        raise _refused(
            script, "sbatch is not installed here (the SLURM backend needs SLURM's commands)"
        ) from None
    except subprocess.TimeoutExpired:
        raise _refused(script, "sbatch did not answer in 120 s") from None
    if done.returncode != 0:
        raise _refused(script, f"sbatch refused the job: {done.stderr.strip() or done.returncode}")
    return done.stdout.strip().split(";")[0]


def _refused(script: str, message: str) -> ConfigError:
    return at_path(script, message)


def queued_tasks(job_id: str) -> set[int]:
    """The array task ids of a job that SLURM still has pending or running (none when squeue is absent)."""
    try:
        found = subprocess.run(  # noqa: S603 - SLURM's own command and a job id it gave
            ["squeue", "--noheader", "--array", "--jobs", job_id, "--format", "%K"],  # noqa: S607
            capture_output=True,
            text=True,
            check=False,
            timeout=60,
        )
    except (OSError, subprocess.TimeoutExpired):
        return set()
    return {int(line) for line in found.stdout.split() if line.isdigit()}
