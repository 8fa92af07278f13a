"""Run folders record how their process ended: running, finished, crashed or killed, with times."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

import typed_config as tc

PROCS = Path(__file__).parent / "procs"


def run_script(
    cwd: Path, run_id: str, *args: str, code: str | None = None
) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TYPED_CONFIG_", "SLURM_"))}
    env["TYPED_CONFIG_RUN_ID"] = run_id
    env["PYTHONPATH"] = str(PROCS)
    argv = [sys.executable, "-c", code] if code else [sys.executable, str(PROCS / "launched.py"), *args]
    return subprocess.run(argv, cwd=cwd, env=env, capture_output=True, text=True, timeout=60, check=False)


def meta(cwd: Path, run_id: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((cwd / "runs" / "p" / run_id / "meta.json").read_text())
    return data


def test_a_script_that_ends_is_finished_one_that_raises_crashed(tmp_path: Path) -> None:
    assert run_script(tmp_path, "good").returncode == 0
    assert run_script(tmp_path, "bad", "--mode", "raise").returncode == 1
    good, bad = meta(tmp_path, "good"), meta(tmp_path, "bad")
    assert good["status"] == "finished"
    assert good["pid"] > 0
    assert good["host"]
    assert good["started"] <= good["ended"]
    assert (bad["status"], bad["exception"]) == ("crashed", "ValueError")
    assert "launch" not in good


def test_a_with_block_that_raises_records_the_exception(tmp_path: Path) -> None:
    code = (
        "import typed_config as tc\nfrom launched import Job\n"
        "try:\n    with tc.init(Job, argv=[], defaults=None, project='p') as run:\n        raise KeyError('x')\n"
        "except KeyError:\n    pass\n"
    )
    assert run_script(tmp_path, "block", code=code).returncode == 0, "caught"
    assert (meta(tmp_path, "block")["status"], meta(tmp_path, "block")["exception"]) == (
        "crashed",
        "KeyError",
    )


def test_sigint_marks_a_run_killed(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TYPED_CONFIG_", "SLURM_"))}
    env.update(TYPED_CONFIG_RUN_ID="slow", PYTHONPATH=str(PROCS))
    proc = subprocess.Popen(
        [sys.executable, str(PROCS / "launched.py"), "--mode", "sleep"],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    assert proc.stdout.readline() == "started slow\n"
    proc.send_signal(signal.SIGINT)
    proc.communicate(timeout=30)
    assert meta(tmp_path, "slow")["status"] == "killed"


def test_a_process_that_died_without_ending_shows_crashed(tmp_path: Path) -> None:
    code = "import os, typed_config as tc\nfrom launched import Job\ntc.init(Job, argv=[], defaults=None, project='p')\nos._exit(3)\n"
    assert run_script(tmp_path, "gone", code=code).returncode == 3
    assert meta(tmp_path, "gone")["status"] == "running"  # nobody wrote its end: reading says
    run = tc.Api(tmp_path / "runs").run("p/gone")
    assert run.status == "crashed"
    assert meta(tmp_path, "gone")["status"] == "running"  # reading never writes


def test_a_live_run_is_running(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    sys.path.insert(0, str(PROCS))
    try:
        from launched import Job

        run = tc.init(Job, argv=[], defaults=None, project="p", name="live")
    finally:
        sys.path.remove(str(PROCS))
    assert tc.Api("runs").run(f"p/{run.id}").status == "running"
    run.finish()
    assert tc.Api("runs").run(f"p/{run.id}").status == "finished"


def test_runs_command_shows_and_filters_status_and_name(tmp_path: Path) -> None:
    run_script(tmp_path, "one")
    run_script(tmp_path, "two", "--mode", "raise")
    named = "import typed_config as tc\nfrom launched import Job\ntc.init(Job, argv=['--seed=4'], defaults=None, project='p', name='best')\n"
    run_script(tmp_path, "three", code=named)
    time.sleep(0.01)

    def runs(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "typed_config", "runs", "--project", "p", *args],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
            env={**os.environ, "PYTHONPATH": str(PROCS)},
        )

    table = runs("--columns", "mode").stdout.splitlines()
    assert table[0].split() == ["run", "name", "status", "created", "mode"]
    assert [(line.split()[-3], line.split()[-1]) for line in table[1:]] == [
        ("finished", "ok"),
        ("crashed", "raise"),
        ("finished", "ok"),
    ]
    assert table[3].split()[:3] == ["p/three", "best", "finished"]
    listed = json.loads(runs("--format", "json").stdout)
    assert [(r["run"], r["name"], r["status"]) for r in listed] == [
        ("p/one", None, "finished"),
        ("p/two", None, "crashed"),
        ("p/three", "best", "finished"),
    ]
    crashed = json.loads(runs("--status", "crashed", "--format", "json").stdout)
    assert [(r["run"], r["status"]) for r in crashed] == [("p/two", "crashed")]
    best = json.loads(runs("--name", "best", "--format", "json").stdout)
    assert [(r["run"], r["name"]) for r in best] == [("p/three", "best")]
    assert [r.id for r in tc.Api(tmp_path / "runs").runs("p", status="finished", name="best")] == ["three"]
