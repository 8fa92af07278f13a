"""``RunFolder``, the one owner of a run folder's files: real folders, real locks, real processes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

import typed_config as tc
from typed_config._run.folder import CONFIG, META, RunFolder, latest_run
from typed_config._run.history import LOG, PROVENANCE
from typed_config._run.run import Run

PROCS = Path(__file__).parent / "procs"


class Params(tc.HyperParams):
    lr: float = 0.001
    epochs: int = 3
    note: str = "plain"


def folder_with_run(tmp_path: Path, **config: Any) -> RunFolder:
    run = tc.init(Params, argv=[], config=config or None, dir=tmp_path / "runs", project="p", defaults=None)
    run.finish()
    assert run.dir is not None
    return RunFolder(run.dir)


# Making a Run does no I/O; init starts it -------------------------------------------------------


def test_making_a_run_writes_nothing_starting_it_writes_the_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: dict[str, Any] = {}
    real_start = Run._start

    def start(self: Run[Any]) -> None:
        assert self.dir is not None
        seen["before"] = sorted(p.name for p in self.dir.iterdir())  # the Run is made, not started
        real_start(self)
        seen["after"] = sorted(p.name for p in self.dir.iterdir())

    monkeypatch.setattr(Run, "_start", start)
    run = tc.init(Params, argv=["--lr=0.5"], dir=tmp_path / "runs", project="p", defaults=None)
    assert seen["before"] == []
    assert {CONFIG, META, PROVENANCE} <= set(seen["after"])
    assert tc.load(Params, tmp_path / "runs" / "p" / run.id / CONFIG).lr == 0.5
    run.finish()


def test_a_run_kept_in_memory_starts_without_a_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    run = tc.init(Params, argv=[], dir=None, defaults=None)
    run.config.epochs = 7
    run.finish()
    assert list(tmp_path.iterdir()) == []


# Creating and listing folders ------------------------------------------------------------------


def test_create_makes_a_fresh_folder_or_the_jobs_own(tmp_path: Path) -> None:
    fresh = RunFolder.create(tmp_path / "p", None)
    assert fresh.path.parent == tmp_path / "p"
    assert fresh.path.is_dir()
    assert not fresh.holds_run()
    named = RunFolder.create(tmp_path / "p", "job-7")
    assert named.path == tmp_path / "p" / "job-7"
    assert named.id == "job-7"
    assert named.path.is_dir()


def test_create_refuses_a_job_folder_holding_a_run_or_a_link(tmp_path: Path) -> None:
    stored = folder_with_run(tmp_path)
    with pytest.raises(tc.ConfigError, match=f"a run '{stored.id}' is stored here already") as caught:
        RunFolder.create(stored.path.parent, stored.id)
    assert str(stored.path) in str(caught.value)
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "runs" / "p" / "linked").symlink_to(tmp_path / "elsewhere")
    with pytest.raises(tc.ConfigError, match="the job's run folder is a symbolic link"):
        RunFolder.create(tmp_path / "runs" / "p", "linked")
    with pytest.raises(tc.ConfigError, match="cannot name a folder"):
        RunFolder.create(tmp_path / "runs" / "p", "../escape")


def test_in_project_lists_runs_oldest_first_by_their_meta(tmp_path: Path) -> None:
    project = tmp_path / "p"
    for name, created in (("zz-first", 1), ("aa-last", 3), ("mm-middle", 2)):
        folder = RunFolder.create(project, name)
        folder.write_config("lr: 0.1\n")
        folder.write_meta({"created_ns": created})
    RunFolder.create(project, "empty")  # no config.yaml: holds no run
    assert [f.id for f in RunFolder.in_project(project)] == ["zz-first", "mm-middle", "aa-last"]
    assert latest_run(project) == "aa-last"
    assert RunFolder.in_project(tmp_path / "missing") == []
    assert latest_run(tmp_path / "missing") is None


# config.yaml, meta.json, provenance ------------------------------------------------------------


def test_the_config_reads_back_with_its_descs_and_each_write_is_a_new_version(tmp_path: Path) -> None:
    folder = RunFolder.create(tmp_path / "p", "r")
    assert folder.config_stamp() is None
    folder.write_config("lr:\n  desc: the step size\n  value: 0.25\nepochs: 9\n")
    first = folder.config_stamp()
    layer, descs = folder.read_config()
    assert descs == {"lr": "the step size"}
    assert tc.load(Params, folder.path / CONFIG).lr == 0.25
    assert layer.data["epochs"] == 9
    folder.write_config("lr: 0.5\n", durable=False)
    assert folder.config_stamp() not in (None, first)
    assert folder.read_config()[0].data == {"lr": 0.5}


@pytest.mark.parametrize(
    ("text", "message"),
    [(None, "cannot read file"), ("{not json", "not valid JSON"), ("[1, 2]", "expected a JSON object")],
)
def test_a_meta_that_cannot_be_read_is_named(tmp_path: Path, text: str | None, message: str) -> None:
    folder = RunFolder.create(tmp_path / "p", "r")
    if text is not None:
        (folder.path / META).write_text(text)
    with pytest.raises(tc.ConfigError, match=message) as caught:
        folder.read_meta()
    assert str(folder.path / META) in str(caught.value)


def test_mark_status_patches_meta_as_it_is_now(tmp_path: Path) -> None:
    folder = RunFolder.create(tmp_path / "p", "r")
    folder.write_meta({"status": "running", "name": "kept", "text": "caf\u00e9"})
    written = folder.mark_status("crashed", exit_code=3)
    on_disk = folder.read_meta()
    assert written == on_disk
    assert on_disk["status"] == "crashed"
    assert on_disk["exit_code"] == 3
    assert on_disk["name"] == "kept"
    assert isinstance(on_disk["ended"], str)
    assert "caf\u00e9" in (folder.path / META).read_text(encoding="utf-8")  # readable, not escaped


def test_provenance_appended_is_read_folded_and_sync_writes_it_whole(tmp_path: Path) -> None:
    folder = RunFolder.create(tmp_path / "p", "r")
    assert folder.read_provenance() == {}
    folder.write_provenance({"lr": [{"source": "default", "value": 0.001}]})
    with folder.lock():
        folder.append_provenance({"lr": {"source": "code", "value": 0.5}})
        folder.append_provenance({"epochs": {"source": "code", "value": 4}})
    assert (folder.path / LOG).is_file()
    expected = {
        "lr": [{"source": "default", "value": 0.001}, {"source": "code", "value": 0.5}],
        "epochs": [{"source": "code", "value": 4}],
    }
    assert folder.read_provenance() == expected
    with folder.lock():
        folder.sync()
    assert not (folder.path / LOG).exists()
    assert json.loads((folder.path / PROVENANCE).read_text()) == expected


# The lock ---------------------------------------------------------------------------------------


def test_the_lock_held_by_another_process_times_out_then_frees_when_it_dies(tmp_path: Path) -> None:
    folder = RunFolder.create(tmp_path / "p", "r")
    holder = subprocess.Popen(
        [sys.executable, str(PROCS / "locker.py"), str(folder.path)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout is not None
        assert holder.stdout.readline().split() == ["locked"]
        with pytest.raises(tc.ConfigError, match="another process has held the run's lock for 0 s") as caught:  # noqa: SIM117
            with folder.lock(0.2):
                pass
        assert str(folder.path) in str(caught.value)
    finally:
        holder.kill()
        holder.communicate(timeout=10)
    with folder.lock(5):
        pass  # the system released a dead holder's lock


def test_the_lock_removes_dead_writers_temp_files_and_refuses_a_link(tmp_path: Path) -> None:
    folder = RunFolder.create(tmp_path / "p", "r")
    leftover = folder.path / ".config.yaml.dead0001.tmp"
    leftover.write_text("half")
    with folder.lock():
        assert not leftover.exists()
    (folder.path / ".lock").unlink()
    (folder.path / ".lock").symlink_to(tmp_path / "anywhere")
    with pytest.raises(tc.ConfigError, match="the run's lock file is a symbolic link"):  # noqa: SIM117
        with folder.lock():
            pass
    assert not (tmp_path / "anywhere").exists()


MARKER = """
import sys, time
from pathlib import Path
from typed_config._run.folder import RunFolder
folder, index = RunFolder(Path(sys.argv[1])), sys.argv[2]
while not Path(sys.argv[3]).exists():
    time.sleep(0.001)
for step in range(20):
    folder.mark_status("running", **{f"w{index}": step})
"""


@pytest.mark.timeout(120)
def test_concurrent_writers_through_the_lock_lose_no_field(tmp_path: Path) -> None:
    folder = RunFolder.create(tmp_path / "p", "r")
    folder.write_meta({"status": "running"})
    barrier = tmp_path / "go"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [os.environ.get("PYTHONPATH")]))}
    writers = [
        subprocess.Popen(
            [sys.executable, "-c", MARKER, str(folder.path), str(i), str(barrier)],
            env=env,
            stderr=subprocess.PIPE,
        )
        for i in range(4)
    ]
    time.sleep(0.2)
    barrier.write_text("go")
    for writer in writers:
        _, err = writer.communicate(timeout=90)
        assert writer.returncode == 0, err
    meta = folder.read_meta()
    assert {f"w{i}": meta.get(f"w{i}") for i in range(4)} == {f"w{i}": 19 for i in range(4)}
    assert [p.name for p in folder.path.iterdir() if p.name.endswith(".tmp")] == []
