"""typed-config launch --backend ray on a real local Ray (two CPUs): each config a task running the command."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_launch import jobs, launch_cli, meta, state

pytest.importorskip("ray")


def test_ray_runs_every_config_and_records_each_end(tmp_path: Path) -> None:
    done = launch_cli(
        tmp_path,
        "--grid",
        "mode=ok,fail",
        "--grid",
        "seed=1,2",
        "--backend",
        "ray",
        "--ray.local-cpus",
        "2",
        "--ray.num-cpus",
        "1",
    )
    assert done.returncode == 1, done.stderr
    record = state(tmp_path)
    ident = record["id"]
    assert [(c["status"], c["exit_code"]) for c in record["configs"]] == [
        ("finished", 0),
        ("finished", 0),
        ("crashed", 1),
        ("crashed", 1),
    ]
    assert sorted((j["run_id"], j["seed"]) for j in jobs(tmp_path)) == [
        (f"{ident}-{i:04d}", seed) for i, seed in enumerate([1, 2, 1, 2], 1)
    ]
    assert meta(tmp_path, f"{ident}-0003")["status"] == "crashed"
    assert meta(tmp_path, f"{ident}-0001")["launch"] == {"id": ident, "index": 1}
    assert (tmp_path / "launches" / ident / "logs" / "0004.out").read_text() == f"started {ident}-0004\n"
