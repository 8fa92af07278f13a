"""Failing disks: every write path keeps the old file whole and says what failed."""

from __future__ import annotations

import errno
import json
import os
from pathlib import Path
from typing import Any

import pytest
from schemas import HParams

import typed_config as tc
from typed_config import _fs
from typed_config._run.history import Appender

FAULTS = [
    pytest.param(errno.ENOSPC, "write", id="disk full while writing"),
    pytest.param(errno.ENOSPC, "fsync", id="disk full at fsync"),
    pytest.param(errno.EROFS, "create", id="read-only folder"),
    pytest.param(errno.EACCES, "replace", id="no permission to rename"),
]


def inject(monkeypatch: pytest.MonkeyPatch, code: int, where: str) -> None:
    """Make one step of atomic_write fail as the system would."""

    def fail(*_args: Any, **_kwargs: Any) -> Any:
        raise OSError(code, os.strerror(code))

    if where == "write":
        real_fdopen = os.fdopen

        class Full:
            def __init__(self, handle: Any) -> None:
                self.handle = handle

            def __enter__(self) -> Full:
                return self

            def __exit__(self, *exc: object) -> None:
                self.handle.close()

            def write(self, _text: str) -> int:
                raise OSError(code, os.strerror(code))

        monkeypatch.setattr(_fs.os, "fdopen", lambda fd, *a, **k: Full(real_fdopen(fd, *a, **k)))
    elif where == "fsync":
        monkeypatch.setattr(_fs.os, "fsync", fail)
    elif where == "replace":
        monkeypatch.setattr(_fs.os, "replace", fail)
        monkeypatch.setattr(_fs, "_exchange", fail)  # a live run's writes swap the file in
    else:
        monkeypatch.setattr(_fs, "_create_temp", fail)


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


@pytest.fixture(autouse=True)
def _clean_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    for name in ("RANK", "WORLD_SIZE", "SLURM_PROCID", "TORCHELASTIC_RUN_ID", "TYPED_CONFIG_RUN_ID"):
        monkeypatch.delenv(name, raising=False)


@pytest.mark.parametrize(("code", "where"), FAULTS)
def test_dump_defaults_keeps_the_old_file(
    code: int, where: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "config-defaults.yaml"
    tc.dump_defaults(HParams(epochs=1), path)
    before = path.read_bytes()
    inject(monkeypatch, code, where)
    with pytest.raises(OSError, match=os.strerror(code)) as info:
        tc.dump_defaults(HParams(epochs=2), path)
    assert info.value.errno == code
    assert path.read_bytes() == before
    assert leftovers(tmp_path) == []


@pytest.mark.parametrize(("code", "where"), FAULTS)
def test_a_runs_change_is_kept_in_memory_and_written_later(
    code: int, where: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    run = tc.init(HParams, argv=[], project="p")
    assert run.dir is not None
    files = {name: (run.dir / name).read_bytes() for name in ("config.yaml", "provenance.json", "meta.json")}
    with monkeypatch.context() as patch:
        inject(patch, code, where)
        if where == "fsync":  # an assignment does not fsync: the sync point meets the failure
            run.config.epochs = 5
            assert tc.load(HParams, run.dir / "config.yaml").epochs == 5
            with pytest.raises(OSError, match="could not sync") as info:
                run.update()
        else:
            with pytest.raises(OSError, match="is kept in memory but could not be written") as info:
                run.config.epochs = 5
            assert {name: (run.dir / name).read_bytes() for name in files} == files
        assert info.value.errno == code
    assert run.config.epochs == 5
    assert leftovers(run.dir) == []
    run.update()  # the disk is back: what was kept is written (and synced)
    assert tc.load(HParams, run.dir / "config.yaml").epochs == 5
    assert json.loads((run.dir / "provenance.json").read_text())["epochs"][-1]["value"] == 5


@pytest.mark.parametrize(("code", "where"), FAULTS)
def test_a_stored_runs_update_writes_nothing_on_failure(
    code: int, where: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    run = tc.init(HParams, argv=[], project="p")
    run.finish()
    assert run.dir is not None
    before = (run.dir / "config.yaml").read_bytes()
    stored = tc.Api().run(f"p/{run.id}")
    stored.config["epochs"] = 7
    inject(monkeypatch, code, where)
    with pytest.raises(OSError, match=os.strerror(code)):
        stored.update()
    assert (run.dir / "config.yaml").read_bytes() == before
    assert leftovers(run.dir) == []


def test_the_cli_reports_an_unwritable_output_in_one_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from typed_config._cli.main import main

    inject(monkeypatch, errno.EROFS, "create")
    assert main(["defaults", "--schema", "schemas:HParams", "--output", "out.yaml"]) == 2
    assert (
        capsys.readouterr().err.strip() == "typed-config: error: cannot write out.yaml: Read-only file system"
    )


def fail_after_config(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make the write of provenance.json fail: config.yaml has been replaced by then."""
    real_replace = os.replace

    def replace(src: str, dst: str) -> None:
        if os.path.basename(dst) == "provenance.json":
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        real_replace(src, dst)

    monkeypatch.setattr(_fs.os, "replace", replace)


def test_a_retried_update_after_a_write_that_failed_midway_is_no_conflict(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    run = tc.init(HParams, argv=[], project="p")
    run.finish()
    assert run.dir is not None
    stored = tc.Api().run(f"p/{run.id}", schema=HParams)
    stored.config["epochs"] = 7
    with monkeypatch.context() as patch:
        fail_after_config(patch)
        with pytest.raises(OSError, match=os.strerror(errno.ENOSPC)):
            stored.update()
    assert tc.load(HParams, run.dir / "config.yaml").epochs == 7  # config.yaml was replaced
    stored.update()  # the disk is back: the retry meets its own value, not another writer's
    provenance = json.loads((run.dir / "provenance.json").read_text())
    assert [(e["source"], e["value"]) for e in provenance["epochs"]] == [("default", 100), ("api update", 7)]
    meta = json.loads((run.dir / "meta.json").read_text())
    assert meta["config_fingerprint"] == tc.load(HParams, run.dir / "config.yaml").fingerprint()


def test_a_live_runs_write_that_failed_midway_is_written_at_the_next_point(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    run = tc.init(HParams, argv=[], project="p")
    assert run.dir is not None
    with monkeypatch.context() as patch:

        def full(*_args: object) -> None:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

        patch.setattr(Appender, "append", full)  # the live run appends provenance after config.yaml
        with pytest.raises(OSError, match="is kept in memory but could not be written"):
            run.config.epochs = 7
    assert tc.load(HParams, run.dir / "config.yaml").epochs == 7  # config.yaml was replaced
    run.update()
    provenance = json.loads((run.dir / "provenance.json").read_text())
    assert [(e["source"], e["value"]) for e in provenance["epochs"]] == [("default", 100), ("assignment", 7)]
    assert tc.load(HParams, run.dir / "config.yaml").epochs == 7
