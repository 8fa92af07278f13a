"""typed-config launch --backend slurm: the job-array script, its task body run by bash, and a real SLURM.

The real-SLURM test starts a single-node cluster of Debian's ``slurm-wlm`` (munged, slurmctld and
slurmd in the foreground, on free ports, in a temporary folder) and skips, saying why, where it
cannot: the commands are not installed, or this is not root (slurmd runs jobs as their user).
"""

from __future__ import annotations

import contextlib
import functools
import getpass
import os
import shutil
import socket
import subprocess
import time
from collections.abc import Generator
from pathlib import Path
from typing import Any

import pytest
from test_launch import jobs, launch_cli, meta, state

_DAEMONS = ("munged", "slurmctld", "slurmd", "sbatch", "sinfo", "squeue")


def _script(cwd: Path) -> Path:
    (folder,) = (cwd / "launches").iterdir()
    return folder / "slurm-array.sh"


def test_dry_run_prints_the_array_script_and_submits_nothing(tmp_path: Path) -> None:
    done = launch_cli(
        tmp_path,
        "--grid",
        "seed=1,2,3",
        "--backend",
        "slurm",
        "--slurm.partition",
        "gpu",
        "--slurm.time",
        "1:00:00",
        "--slurm.max-parallel",
        "2",
        "--slurm.extra",
        "account=ml",
        "qos=low",
        "--dry-run",
    )
    assert done.returncode == 0, done.stderr
    ident = state(tmp_path)["id"]
    lines = done.stdout.splitlines()
    assert lines[:3] == ["#!/bin/bash", f"#SBATCH --job-name={ident}", "#SBATCH --array=1,2,3%2"]
    for option in ("--partition=gpu", "--time=1:00:00", "--account=ml", "--qos=low"):
        assert f"#SBATCH {option}" in lines
    assert _script(tmp_path).read_text() == done.stdout
    assert subprocess.run([_sbin("bash"), "-n", str(_script(tmp_path))], check=False).returncode == 0
    assert state(tmp_path)["job_id"] is None
    assert [c["status"] for c in state(tmp_path)["configs"]] == ["pending"] * 3
    assert jobs(tmp_path) == []


def test_the_array_task_body_runs_its_own_config(tmp_path: Path) -> None:
    done = launch_cli(tmp_path, "--grid", "seed=5,6,7", "--backend", "slurm", "--dry-run")
    assert done.returncode == 0, done.stderr
    ident = state(tmp_path)["id"]
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TYPED_CONFIG_", "SLURM_"))}
    task = subprocess.run(
        [_sbin("bash"), str(_script(tmp_path))],
        cwd=tmp_path,
        env={**env, "SLURM_ARRAY_TASK_ID": "2"},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert task.returncode == 0, task.stderr
    assert [(j["run_id"], j["seed"]) for j in jobs(tmp_path)] == [(f"{ident}-0002", 6)]
    assert meta(tmp_path, f"{ident}-0002")["launch"] == {"id": ident, "index": 2}
    log = tmp_path / "launches" / ident / "logs" / "0002.out"
    assert log.read_text() == f"started {ident}-0002\n"
    stray = subprocess.run(
        [_sbin("bash"), str(_script(tmp_path))],
        cwd=tmp_path,
        env={**env, "SLURM_ARRAY_TASK_ID": "9"},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert (stray.returncode, stray.stderr) == (2, "no config for array task 9\n")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _why_no_slurm() -> str | None:
    missing = [
        name for name in _DAEMONS if shutil.which(name) is None and not Path(f"/usr/sbin/{name}").exists()
    ]
    if missing:
        return f"slurm-wlm is not installed ({', '.join(missing)} missing): apt-get install slurm-wlm"
    if os.geteuid() != 0:
        return "a single-node SLURM needs root here: slurmd starts each job as its user"
    return None


def _conf(folder: Path) -> str:
    host = socket.gethostname()
    return "\n".join(
        [
            "ClusterName=typedconfig",
            f"SlurmctldHost={host}",
            "AuthType=auth/munge",
            f"AuthInfo=socket={folder / 'munge.sock'}",
            "ProctrackType=proctrack/linuxproc",
            "TaskPlugin=task/none",
            "JobAcctGatherType=jobacct_gather/none",
            "SchedulerType=sched/builtin",
            "SelectType=select/cons_tres",
            "SelectTypeParameters=CR_Core",
            "MpiDefault=none",
            "ReturnToService=2",
            f"SlurmctldPort={_free_port()}",
            f"SlurmdPort={_free_port()}",
            f"SlurmUser={getpass.getuser()}",
            f"SlurmctldPidFile={folder / 'slurmctld.pid'}",
            f"SlurmdPidFile={folder / 'slurmd.pid'}",
            f"SlurmdSpoolDir={folder / 'spool'}",
            f"StateSaveLocation={folder / 'state'}",
            f"SlurmctldLogFile={folder / 'slurmctld.log'}",
            f"SlurmdLogFile={folder / 'slurmd.log'}",
            f"NodeName={host} CPUs={os.cpu_count() or 1} State=UNKNOWN",
            "PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP",
            "",
        ]
    )


def _sbin(name: str) -> str:
    return shutil.which(name) or f"/usr/sbin/{name}"


@pytest.fixture(scope="module")
def slurm(tmp_path_factory: pytest.TempPathFactory) -> Generator[dict[str, str], None, None]:
    """A single-node SLURM cluster for this module's tests: the environment that reaches it."""
    why = _why_no_slurm()
    if why is not None:
        pytest.skip(why)
    folder = tmp_path_factory.mktemp("slurm")
    (folder / "spool").mkdir()
    (folder / "state").mkdir()
    (folder / "munge.key").write_bytes(os.urandom(1024))
    (folder / "munge.key").chmod(0o400)
    (folder / "slurm.conf").write_text(_conf(folder))
    env = {**os.environ, "SLURM_CONF": str(folder / "slurm.conf")}
    log = (folder / "daemons.log").open("ab")
    munge = [
        _sbin("munged"),
        "--foreground",
        "--force",
        f"--socket={folder / 'munge.sock'}",
        f"--key-file={folder / 'munge.key'}",
        f"--log-file={folder / 'munged.log'}",
        f"--pid-file={folder / 'munged.pid'}",
        f"--seed-file={folder / 'munged.seed'}",
    ]
    daemons = [subprocess.Popen(munge, stdout=log, stderr=log)]
    try:
        _wait((folder / "munge.sock").exists, "munged", folder)
        daemons.append(subprocess.Popen([_sbin("slurmctld"), "-D", "-i"], env=env, stdout=log, stderr=log))
        daemons.append(subprocess.Popen([_sbin("slurmd"), "-D"], env=env, stdout=log, stderr=log))
        _wait(functools.partial(_idle, env), "the node to be idle", folder)
        yield {"SLURM_CONF": env["SLURM_CONF"]}
    finally:
        for daemon in reversed(daemons):
            daemon.terminate()
            with contextlib.suppress(subprocess.TimeoutExpired):
                daemon.wait(20)
            if daemon.poll() is None:
                daemon.kill()
                daemon.wait()
        log.close()


def _idle(env: dict[str, str]) -> bool:
    found = subprocess.run(
        [_sbin("sinfo"), "-h", "-o", "%t"], env=env, capture_output=True, text=True, check=False
    )
    return found.stdout.strip() == "idle"


def _wait(ready: Any, what: str, folder: Path, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not ready():
        if time.monotonic() > deadline:
            logs = "\n".join(p.read_text(errors="replace")[-2000:] for p in folder.glob("*.log"))
            pytest.fail(f"SLURM did not start ({what}):\n{logs}")
        time.sleep(0.2)


def test_a_real_slurm_runs_the_array_and_the_launch_resumes_from_its_run_folders(
    tmp_path: Path, slurm: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, value in slurm.items():
        monkeypatch.setenv(name, value)
    args = ("--grid", "seed=1,2,3", "--grid", "mode=ok", "--backend", "slurm", "--slurm.max-parallel", "2")
    done = launch_cli(tmp_path, *args)
    assert done.returncode == 0, done.stderr
    record = state(tmp_path)
    assert record["job_id"]
    assert f"submitted SLURM job {record['job_id']}" in done.stdout
    assert [c["status"] for c in record["configs"]] == ["submitted"] * 3
    _wait(lambda: len(jobs(tmp_path)) == 3 and _drained(record["job_id"]), "the array to run", tmp_path, 90)
    ident = record["id"]
    assert sorted((j["run_id"], j["seed"]) for j in jobs(tmp_path)) == [
        (f"{ident}-0001", 1),
        (f"{ident}-0002", 2),
        (f"{ident}-0003", 3),
    ]
    again = launch_cli(tmp_path, *args)
    assert again.returncode == 0, again.stderr
    assert "ran 0, 3 finished" in again.stdout
    assert [c["status"] for c in state(tmp_path)["configs"]] == ["finished"] * 3
    assert all(meta(tmp_path, f"{ident}-{i:04d}")["status"] == "finished" for i in (1, 2, 3))


def _drained(job_id: str) -> bool:
    found = subprocess.run([_sbin("squeue"), "-h", "-j", job_id], capture_output=True, text=True, check=False)
    return not found.stdout.strip()  # a finished job is left out (or, once purged, unknown)


def test_a_launch_run_again_while_its_array_is_queued_submits_nothing_twice(
    tmp_path: Path, slurm: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, value in slurm.items():
        monkeypatch.setenv(name, value)
    args = ("--grid", "seed=1,2", "--grid", "pause=4", "--backend", "slurm")
    first = launch_cli(tmp_path, *args)
    assert first.returncode == 0, first.stderr
    job = state(tmp_path)["job_id"]
    again = launch_cli(tmp_path, *args)
    assert again.returncode == 0, again.stderr
    assert "ran 0" in again.stdout
    assert state(tmp_path)["job_id"] == job
    _wait(lambda: len(jobs(tmp_path)) == 2 and _drained(job), "the array to run", tmp_path, 90)
    assert len(jobs(tmp_path)) == 2
