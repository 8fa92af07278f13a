"""typed-config launch on the local backend, with real child processes running ``procs/launched.py``."""

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
from typed_config._cli.launch import launch_arguments

PROCS = Path(__file__).parent / "procs"
SCHEMA = f"{PROCS / 'launched.py'}:Job"
JOB = [sys.executable, str(PROCS / "launched.py")]


def _env() -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("TYPED_CONFIG_", "SLURM_", "RANK")) or k == "SLURM_CONF"
    }
    env["PYTHONPATH"] = os.pathsep.join([str(PROCS), *filter(None, [os.environ.get("PYTHONPATH")])])
    return env


def launch_cli(
    cwd: Path, *args: str, command: list[str] | None = None, schema: str = SCHEMA
) -> subprocess.CompletedProcess[str]:
    argv = [
        sys.executable,
        "-m",
        "typed_config",
        "launch",
        "--schema",
        schema,
        *args,
        "--",
        *(JOB if command is None else command),
    ]
    return subprocess.run(argv, cwd=cwd, env=_env(), capture_output=True, text=True, timeout=120, check=False)


def state(cwd: Path) -> dict[str, Any]:
    (folder,) = (cwd / "launches").iterdir()
    data: dict[str, Any] = json.loads((folder / "launch.json").read_text())
    return data


def jobs(cwd: Path) -> list[dict[str, Any]]:
    path = cwd / "jobs.jsonl"
    return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []


def meta(cwd: Path, run_id: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((cwd / "runs" / "p" / run_id / "meta.json").read_text())
    return data


def test_preflight_failure_starts_nothing(tmp_path: Path) -> None:
    done = launch_cli(tmp_path, "--grid", "lr=0.1,-1,-2", "--grid", "seed=1,2", "--jobs", "2")
    assert done.returncode == 1
    assert done.stderr.splitlines() == [
        "--grid lr=0.1,-1,-2: lr: Input should be greater than 0 (got -1) (configs 0003, 0004)",
        "--grid lr=0.1,-1,-2: lr: Input should be greater than 0 (got -2) (configs 0005, 0006)",
    ]
    assert not (tmp_path / "launches").exists()
    assert jobs(tmp_path) == []


def test_preflight_names_the_sweep_line_and_the_unknown_grid_key(tmp_path: Path) -> None:
    (tmp_path / "sweep.yaml").write_text(
        "method: grid\nprogram: launched.py\nparameters:\n  lr:\n    values: [0.1, -3]\n"
    )
    done = launch_cli(tmp_path, "sweep.yaml")
    assert done.returncode == 1
    assert done.stderr == "sweep.yaml:5:19: lr: Input should be greater than 0 (got -3)\n"
    typo = launch_cli(tmp_path, "--grid", "sed=1,2")
    assert typo.returncode == 1
    assert typo.stderr == "--grid sed=1,2: unknown option; did you mean '--seed'?\n"
    assert not (tmp_path / "launches").exists()


def test_six_configs_on_two_jobs_all_finish_with_their_run_folders(tmp_path: Path) -> None:
    done = launch_cli(tmp_path, "--grid", "lr=0.1,0.2,0.3", "--grid", "seed=7,8", "--jobs", "2")
    assert done.returncode == 0, done.stderr
    record = state(tmp_path)
    ident = record["id"]
    assert [c["status"] for c in record["configs"]] == ["finished"] * 6
    assert [c["exit_code"] for c in record["configs"]] == [0] * 6
    ran = sorted(jobs(tmp_path), key=lambda j: j["run_id"])
    assert [(j["run_id"], j["lr"], j["seed"]) for j in ran] == [
        (f"{ident}-{i:04d}", lr, seed)
        for i, (lr, seed) in enumerate([(0.1, 7), (0.1, 8), (0.2, 7), (0.2, 8), (0.3, 7), (0.3, 8)], 1)
    ]
    for index in range(1, 7):
        stored = meta(tmp_path, f"{ident}-{index:04d}")
        assert stored["status"] == "finished"
        assert stored["launch"] == {"id": ident, "index": index}
        assert stored["started"] <= stored["ended"]
        assert record["configs"][index - 1]["run_dir"] == str(
            tmp_path / "runs" / "p" / f"{ident}-{index:04d}"
        )
    config = (tmp_path / "launches" / ident / "config-0004.yaml").read_text()
    assert (
        "# from --grid lr=0.1,0.2,0.3\nlr:\n  value: 0.2\n# from --grid seed=7,8\nseed:\n  value: 8\n"
        in config
    )
    assert (tmp_path / "launches" / ident / "logs" / "0006.out").read_text() == f"started {ident}-0006\n"
    assert _most_at_once(ran) <= 2


def _most_at_once(ran: list[dict[str, Any]]) -> int:
    events = sorted([(j["start"], 1) for j in ran] + [(j["end"], -1) for j in ran])
    most = now = 0
    for _, step in events:
        now += step
        most = max(most, now)
    return most


def test_gpu_slots_never_overlap(tmp_path: Path) -> None:
    done = launch_cli(
        tmp_path,
        "--grid",
        "seed=1,2,3,4,5",
        "--grid",
        "pause=0.3",
        "--jobs",
        "3",
        "--gpus",
        "0,1,2,3",
        "--gpus-per-run",
        "2",
    )
    assert done.returncode == 0, done.stderr
    ran = jobs(tmp_path)
    assert len(ran) == 5
    assert all(len(j["gpus"].split(",")) == 2 for j in ran)
    for a in ran:
        for b in ran:
            if a is not b and a["start"] < b["end"] and b["start"] < a["end"]:
                assert not set(a["gpus"].split(",")) & set(b["gpus"].split(","))
    assert _most_at_once(ran) == 2  # four GPUs, two per run: never three at once, though --jobs 3


def test_a_failing_run_is_recorded_and_the_launch_exits_1(tmp_path: Path) -> None:
    done = launch_cli(tmp_path, "--grid", "mode=ok,fail,raise", "--jobs", "3")
    assert done.returncode == 1
    record = state(tmp_path)
    ident = record["id"]
    assert [(c["status"], c["exit_code"]) for c in record["configs"]] == [
        ("finished", 0),
        ("crashed", 1),
        ("crashed", 1),
    ]
    assert meta(tmp_path, f"{ident}-0002")["status"] == "crashed"
    assert meta(tmp_path, f"{ident}-0002")["exit_code"] == 1
    assert meta(tmp_path, f"{ident}-0003")["exception"] == "ValueError"
    log = tmp_path / "launches" / ident / "logs" / "0003.out"
    assert "ValueError: the loss diverged" in log.read_text()
    assert f"0002  {ident}-0002  crashed  exit 1" in done.stderr
    assert str(log) in done.stderr


def test_resume_runs_only_the_unfinished(tmp_path: Path) -> None:
    first = launch_cli(tmp_path, "--grid", "mode=ok,fail-once", "--grid", "seed=1,2", "--jobs", "2")
    assert first.returncode == 1
    assert len(jobs(tmp_path)) == 4
    again = launch_cli(tmp_path, "--grid", "mode=ok,fail-once", "--grid", "seed=1,2", "--jobs", "2")
    assert again.returncode == 1  # failed runs run again only when asked
    assert len(jobs(tmp_path)) == 4
    (tmp_path / "fixed").touch()
    retried = launch_cli(
        tmp_path, "--grid", "mode=ok,fail-once", "--grid", "seed=1,2", "--jobs", "2", "--retry-failed"
    )
    assert retried.returncode == 0, retried.stderr
    ident = state(tmp_path)["id"]
    assert sorted(j["run_id"] for j in jobs(tmp_path)[4:]) == [f"{ident}-0003.2", f"{ident}-0004.2"]
    assert [c["attempt"] for c in state(tmp_path)["configs"]] == [1, 1, 2, 2]
    assert meta(tmp_path, f"{ident}-0003")["status"] == "crashed"  # the first attempt's run stays as it was
    assert meta(tmp_path, f"{ident}-0003.2")["status"] == "finished"


@pytest.mark.parametrize("number", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_sigint_stops_every_child_and_marks_its_run_killed(tmp_path: Path, number: signal.Signals) -> None:
    argv = [
        sys.executable,
        "-m",
        "typed_config",
        "launch",
        "--schema",
        SCHEMA,
        "--grid",
        "mode=sleep,ok",
        "--grid",
        "seed=1,2",
        "--jobs",
        "2",
        "--",
        *JOB,
    ]
    launcher = subprocess.Popen(
        argv, cwd=tmp_path, env=_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        runs = (
            list((tmp_path / "runs" / "p").glob("*/config.yaml"))
            if (tmp_path / "runs" / "p").exists()
            else []
        )
        if len(runs) == 2:
            break
        time.sleep(0.1)
    time.sleep(0.5)  # both children are past init
    launcher.send_signal(number)
    _out, err = launcher.communicate(timeout=60)
    assert launcher.returncode == 1
    assert "interrupted" in err
    record = state(tmp_path)
    ident = record["id"]
    assert [c["status"] for c in record["configs"]] == ["killed", "killed", "pending", "pending"]
    for index in (1, 2):
        stored = meta(tmp_path, f"{ident}-{index:04d}")
        assert stored["status"] == "killed"
        assert stored["exception"] == "KeyboardInterrupt"
    done = tc.Api(tmp_path / "runs").runs("p", status="killed")
    assert sorted(run.id for run in done) == [f"{ident}-0001", f"{ident}-0002"]
    plan = launch_cli(tmp_path, "--grid", "mode=sleep,ok", "--grid", "seed=1,2", "--jobs", "2", "--dry-run")
    assert plan.stdout.splitlines() == [  # the killed and the never-started configs run again
        f"0001  {ident}-0001.2  would run",
        f"0002  {ident}-0002.2  would run",
        f"0003  {ident}-0003  would run",
        f"0004  {ident}-0004  would run",
    ]


def test_backend_options_are_typed(tmp_path: Path) -> None:
    done = launch_cli(tmp_path, "--grid", "seed=1", "--backend", "slurm", "--slurm.partion", "gpu")
    assert done.returncode == 2
    assert "--slurm.partion: unknown option; did you mean '--slurm.partition'?" in done.stderr
    wrong = launch_cli(tmp_path, "--grid", "seed=1", "--backend", "ray", "--slurm.partition", "gpu")
    assert wrong.returncode == 2
    assert "--slurm.partition is not an option of the ray backend" in wrong.stderr
    gpus = launch_cli(tmp_path, "--grid", "seed=1", "--gpus", "0", "--gpus-per-run", "2")
    assert gpus.returncode == 2
    assert gpus.stderr == "typed-config: error: --gpus: gpus_per_run 2 is more than the 1 GPUs given\n"
    none = launch_cli(tmp_path, "--grid", "seed=1", "--jobs", "0")
    assert none.stderr == "typed-config: error: --jobs: Input should be greater than or equal to 1\n"
    nothing = launch_cli(tmp_path, "--grid", "seed=1", command=[])
    assert nothing.returncode == 2
    assert not (tmp_path / "launches").exists()


def test_launch_arguments_take_the_command_and_backend_options_apart() -> None:
    argv = ["launch", "s.yaml", "--slurm.partition", "gpu", "--slurm.extra", "a=1", "b=2", "--schema", "m:C"]
    kept, carried = launch_arguments([*argv, "--", "python", "train.py", "--", "x"])
    assert kept == ["launch", "s.yaml", "--schema", "m:C"]
    assert carried == {
        "command_argv": ["python", "train.py", "--", "x"],
        "backend_tokens": ["--slurm.partition", "gpu", "--slurm.extra", "a=1", "b=2"],
    }
    assert launch_arguments(["runs", "--", "x"]) == (["runs", "--", "x"], {})


def test_the_python_api_returns_typed_results(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("PYTHONPATH", _env()["PYTHONPATH"])
    sys.path.insert(0, str(PROCS))
    try:
        from launched import Job

        result = tc.launch(Job, [{"lr": 0.5}, {"lr": 0.25, "mode": "fail"}], JOB, backend=tc.Local(jobs=2))
    finally:
        sys.path.remove(str(PROCS))
    assert [(r.index, r.config.lr, r.status, r.exit_code) for r in result.runs] == [
        (1, 0.5, "finished", 0),
        (2, 0.25, "crashed", 1),
    ]
    assert not result.ok
    assert [r.run_id for r in result.failed] == [f"{result.id}-0002"]
    assert result.id.startswith("configs-")


def test_a_sweep_file_launches_with_the_lines_its_values_came_from(tmp_path: Path) -> None:
    (tmp_path / "sweep.yaml").write_text(
        "method: grid\nprogram: launched.py\nparameters:\n  seed:\n    value: 3\n  lr:\n    values: [0.1, 0.2]\n"
    )
    (tmp_path / "config-defaults.yaml").write_text("pause: 0.01\n")  # under every config, not swept
    done = launch_cli(tmp_path, "sweep.yaml", "--jobs", "2")
    assert done.returncode == 0, done.stderr
    ident = state(tmp_path)["id"]
    assert ident.startswith("sweep-")
    assert sorted((j["lr"], j["seed"]) for j in jobs(tmp_path)) == [(0.1, 3), (0.2, 3)]
    config = (tmp_path / "launches" / ident / "config-0002.yaml").read_text().splitlines()[1:]
    assert config == [
        "# from sweep.yaml:6 (parameter lr)",
        "lr:",
        "  value: 0.2",
        "# from sweep.yaml:4 (parameter seed)",
        "seed:",
        "  value: 3",
    ]


def test_a_swept_value_equal_to_the_schema_default_still_beats_the_defaults_file(tmp_path: Path) -> None:
    # seed's schema default is 0: the sweep sets it to 0 over a defaults file that says 5.
    (tmp_path / "sweep.yaml").write_text(
        "method: grid\nparameters:\n  seed:\n    value: 0\n  lr:\n    values: [0.1, 0.2]\n"
    )
    (tmp_path / "config-defaults.yaml").write_text("seed: 5\n")
    done = launch_cli(tmp_path, "sweep.yaml", "--jobs", "2")
    assert done.returncode == 0, done.stderr
    ident = state(tmp_path)["id"]
    config = (tmp_path / "launches" / ident / "config-0001.yaml").read_text()
    assert "seed:\n  value: 0\n" in config


def test_count_alone_draws_configs_from_the_schemas_search_space(tmp_path: Path) -> None:
    done = launch_cli(tmp_path, "--count", "3", "--seed", "5", "--jobs", "2")
    assert done.returncode == 0, done.stderr
    rates = [j["lr"] for j in jobs(tmp_path)]
    assert len(rates) == 3
    assert all(1e-4 <= lr <= 1e-1 and lr != 0.001 for lr in rates)  # drawn, not the default
    assert len(set(rates)) == 3
    ident = state(tmp_path)["id"]
    config = (tmp_path / "launches" / ident / "config-0001.yaml").read_text()
    assert "# from the search space of Job (parameter lr)\nlr:\n" in config


def test_count_alone_needs_a_schema_with_a_space(tmp_path: Path) -> None:
    (tmp_path / "plain.py").write_text(
        "import typed_config as tc\n\nclass P(tc.HyperParams):\n    lr: float = 0.1\n"
    )
    done = launch_cli(tmp_path, "--count", "2", command=["true"], schema="plain.py:P")
    assert done.returncode == 2
    assert "P declares no search space" in done.stderr
    assert not (tmp_path / "launches").exists()


def test_a_grid_too_large_is_refused_before_anything_is_made(tmp_path: Path) -> None:
    values = ",".join(str(i) for i in range(1, 401))
    done = launch_cli(tmp_path, "--grid", f"seed={values}", "--grid", f"pause={values}")
    assert done.returncode == 1
    assert done.stderr.endswith(": the grid has 160,000 configs, more than the 100,000 a launch may have\n")
    assert not (tmp_path / "launches").exists()


def test_a_command_that_cannot_start_is_a_usage_error_not_a_traceback(tmp_path: Path) -> None:
    done = launch_cli(tmp_path, "--grid", "seed=1", command=[str(tmp_path / "no-such-program")])
    assert done.returncode == 2
    assert (
        done.stderr
        == f"typed-config: error: cannot launch: {tmp_path / 'no-such-program'} No such file or directory\n"
    )
    assert state(tmp_path)["configs"][0]["status"] == "pending"  # it never started: the next launch runs it
